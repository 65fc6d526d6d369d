using BenchmarkDotNet.Reports;
using RnnGen.Benchmarks.Benchmarks;
using RnnGen.Benchmarks.Models;

namespace RnnGen.Benchmarks.Reporting;

/// <summary>The products of a training case timed alone (<see cref="TrainingProductsBenchmarks"/>).</summary>
/// <param name="Case">The training case (one thread) whose products these are.</param>
/// <param name="Method">The benchmark method that runs them.</param>
/// <param name="GatesPerUnit">4 for an LSTM, 3 for a GRU.</param>
internal sealed record ProductsCase(string Case, string Method, int GatesPerUnit)
{
    /// <summary>FLOPs of one operation: the products actually made (no input gradient for the first layer).</summary>
    public double Flops => TrainingProducts.Flops(GatesPerUnit, TrainingProductsBenchmarks.Batch);

    /// <summary>The cases of the results, in their order.</summary>
    public static IReadOnlyList<ProductsCase> All { get; } =
    [
        new($"lstm-train-b{TrainingProductsBenchmarks.Batch}", nameof(TrainingProductsBenchmarks.LstmProducts), 4),
        new($"gru-train-b{TrainingProductsBenchmarks.Batch}", nameof(TrainingProductsBenchmarks.GruProducts), 3),
    ];
}

/// <summary>
/// The products of a training step timed alone beside the whole step on one thread: their GFLOP/s, their fraction of
/// the single-core peak (by median and by the fastest iteration), and their share of the step's median time.
/// </summary>
internal sealed record ProductsResult(ProductsCase Case, Measurement? Products, Measurement? Step, double PeakGflops)
{
    /// <summary>GFLOP/s of the products alone.</summary>
    public double? Gflops => Products?.Gflops(Case.Flops);

    /// <summary>GFLOP/s over the single-core FMA peak.</summary>
    public double? PeakFraction => Gflops / PeakGflops;

    /// <summary>The fraction of peak of the fastest iteration: the products apart from the VM's drift during the run.</summary>
    public double? FastestPeakFraction => Case.Flops / Products?.MinimumNanoseconds / PeakGflops;

    /// <summary>The products' median over the whole step's median (one thread).</summary>
    public double? ShareOfStep => Products?.MedianNanoseconds / Step?.MedianNanoseconds;

    /// <summary>Pairs each products case with its measurement and with the one-thread training step it belongs to.</summary>
    public static IReadOnlyList<ProductsResult> From(IEnumerable<Summary> summaries, IReadOnlyList<CaseResult> results, PeakFlops peak)
    {
        BenchmarkReport[] reports = summaries.SelectMany(s => s.Reports).ToArray();
        return ProductsCase.All
            .Select(c => new ProductsResult(
                c,
                Measurement.Of(reports.SingleOrDefault(r =>
                    r.BenchmarkCase.Descriptor.Type == typeof(TrainingProductsBenchmarks)
                    && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == c.Method)),
                results.SingleOrDefault(r => r.Case.Name == c.Case && r.Case.Threads == 1)?.RnnGen,
                peak.Gflops))
            .ToArray();
    }
}
