using RnnGen.Benchmarks.Benchmarks;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Reporting;

/// <summary>One row of the comparison: which two benchmarks it pairs and how much work one operation is.</summary>
/// <param name="Name">The case name printed in RATIO lines.</param>
/// <param name="Threads">Threads both sides use.</param>
/// <param name="Benchmarks">The class holding both benchmark methods.</param>
/// <param name="RnnGenMethod">RnnGen's method, or null where RnnGen has no such case yet.</param>
/// <param name="LibTorchMethod">libtorch's method.</param>
/// <param name="Batch">The <c>Batch</c> parameter of the class, for parameterized classes.</param>
/// <param name="Flops">FLOPs of one operation (see <see cref="Support.Flops"/>).</param>
/// <param name="Work">What one operation is, for the results table.</param>
internal sealed record BenchmarkCase(string Name, int Threads, Type Benchmarks, string? RnnGenMethod, string LibTorchMethod, int? Batch, double Flops, string Work);

/// <summary>Every case of issue 4's benchmark, in the order they are reported.</summary>
internal static class BenchmarkCatalog
{
    private const int Hidden = 128;

    private static readonly double LstmClassifierForward = (Sizes.Steps * Support.Flops.LstmStep(Sizes.Input, Hidden)) + Support.Flops.Dense(Hidden, Sizes.Classes);
    private static readonly double GruClassifierForward = (Sizes.Steps * Support.Flops.GruStep(Sizes.Input, Hidden)) + Support.Flops.Dense(Hidden, Sizes.Classes);

    public static IReadOnlyList<BenchmarkCase> Cases { get; } =
    [
        new("lstm-step-h32", 1, typeof(StepBenchmarks), nameof(StepBenchmarks.RnnGenLstmH32), nameof(StepBenchmarks.LibTorchLstmH32), null,
            Support.Flops.LstmStep(Sizes.Input, 32), "LSTM(28→32), one step, batch 1"),
        new("lstm-step-h128", 1, typeof(StepBenchmarks), nameof(StepBenchmarks.RnnGenLstmH128), nameof(StepBenchmarks.LibTorchLstmH128), null,
            Support.Flops.LstmStep(Sizes.Input, Hidden), "LSTM(28→128), one step, batch 1"),
        new("gru-step-h128", 1, typeof(StepBenchmarks), nameof(StepBenchmarks.RnnGenGruH128), nameof(StepBenchmarks.LibTorchGruH128), null,
            Support.Flops.GruStep(Sizes.Input, Hidden), "GRU(28→128), one step, batch 1"),
        .. Packed(typeof(StepBenchmarks), "lstm-step-h32", nameof(StepBenchmarks.RnnGenLstmH32Packed), nameof(StepBenchmarks.RnnGenLstmH32BFloat16), nameof(StepBenchmarks.LibTorchLstmH32),
            Support.Flops.LstmStep(Sizes.Input, 32), "LSTM(28→32), one step, batch 1"),
        .. Packed(typeof(StepBenchmarks), "lstm-step-h128", nameof(StepBenchmarks.RnnGenLstmH128Packed), nameof(StepBenchmarks.RnnGenLstmH128BFloat16), nameof(StepBenchmarks.LibTorchLstmH128),
            Support.Flops.LstmStep(Sizes.Input, Hidden), "LSTM(28→128), one step, batch 1"),
        .. Packed(typeof(StepBenchmarks), "gru-step-h128", nameof(StepBenchmarks.RnnGenGruH128Packed), nameof(StepBenchmarks.RnnGenGruH128BFloat16), nameof(StepBenchmarks.LibTorchGruH128),
            Support.Flops.GruStep(Sizes.Input, Hidden), "GRU(28→128), one step, batch 1"),
        new("lstm-forward-t28-h128", 1, typeof(ForwardBenchmarks), nameof(ForwardBenchmarks.RnnGenLstm), nameof(ForwardBenchmarks.LibTorchLstm), null,
            Sizes.Steps * Support.Flops.LstmStep(Sizes.Input, Hidden), "LSTM(28→128), 28-step forward, batch 1"),
        new("gru-forward-t28-h128", 1, typeof(ForwardBenchmarks), nameof(ForwardBenchmarks.RnnGenGru), nameof(ForwardBenchmarks.LibTorchGru), null,
            Sizes.Steps * Support.Flops.GruStep(Sizes.Input, Hidden), "GRU(28→128), 28-step forward, batch 1"),
        .. Packed(typeof(ForwardBenchmarks), "lstm-forward-t28-h128", nameof(ForwardBenchmarks.RnnGenLstmPacked), nameof(ForwardBenchmarks.RnnGenLstmBFloat16), nameof(ForwardBenchmarks.LibTorchLstm),
            Sizes.Steps * Support.Flops.LstmStep(Sizes.Input, Hidden), "LSTM(28→128), 28-step forward, batch 1"),
        .. Packed(typeof(ForwardBenchmarks), "gru-forward-t28-h128", nameof(ForwardBenchmarks.RnnGenGruPacked), nameof(ForwardBenchmarks.RnnGenGruBFloat16), nameof(ForwardBenchmarks.LibTorchGru),
            Sizes.Steps * Support.Flops.GruStep(Sizes.Input, Hidden), "GRU(28→128), 28-step forward, batch 1"),
        .. Training(64),
        .. Training(8),
    ];

    // Step, or Predict through Step, with StepWeights: packed float32, and bfloat16 weights (libtorch stays float32, so
    // that row is a mode libtorch's cell does not offer, set against the same libtorch time).
    private static IEnumerable<BenchmarkCase> Packed(Type benchmarks, string name, string packed, string bfloat16, string libTorch, double flops, string work) =>
    [
        new($"{name}-packed", 1, benchmarks, packed, libTorch, null, flops, $"{work}, StepWeights in float32"),
        new($"{name}-bf16", 1, benchmarks, bfloat16, libTorch, null, flops, $"{work}, StepWeights in bfloat16"),
    ];

    private static IEnumerable<BenchmarkCase> Training(int batch)
    {
        double lstm = Support.Flops.TrainingStep(LstmClassifierForward, batch);
        double gru = Support.Flops.TrainingStep(GruClassifierForward, batch);
        string work = $"→ Dense(10), training step (CE, backward, Adam), batch {batch}, 28 steps";
        return
        [
            new($"lstm-train-b{batch}", 1, typeof(TrainingBenchmarks), nameof(TrainingBenchmarks.RnnGenLstm), nameof(TrainingBenchmarks.LibTorchLstm), batch, lstm, $"LSTM(28→128) {work}"),
            new($"lstm-train-b{batch}", 2, typeof(TrainingBenchmarks), nameof(TrainingBenchmarks.RnnGenLstmTwoThreads), nameof(TrainingBenchmarks.LibTorchLstmTwoThreads), batch, lstm, $"LSTM(28→128) {work}"),
            new($"gru-train-b{batch}", 1, typeof(TrainingBenchmarks), nameof(TrainingBenchmarks.RnnGenGru), nameof(TrainingBenchmarks.LibTorchGru), batch, gru, $"GRU(28→128) {work}"),
            new($"gru-train-b{batch}", 2, typeof(TrainingBenchmarks), nameof(TrainingBenchmarks.RnnGenGruTwoThreads), nameof(TrainingBenchmarks.LibTorchGruTwoThreads), batch, gru, $"GRU(28→128) {work}"),
        ];
    }
}
