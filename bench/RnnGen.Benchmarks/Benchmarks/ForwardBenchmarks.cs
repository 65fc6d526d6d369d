using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.LibTorch;
using RnnGen.Benchmarks.Models;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Benchmarks;

/// <summary>
/// Inference over a whole sequence: 28 steps of 28 features, batch 1, hidden 128, at one thread. RnnGen runs
/// the generated <c>Predict</c>, and <c>Predict</c> with a <c>StepWeights</c> copy in float32 and in bfloat16 (Step in a
/// loop); libtorch runs nn.LSTM/nn.GRU under no_grad. All return the final hidden state.
/// </summary>
[MemoryDiagnoser]
public class ForwardBenchmarks
{
    private readonly float[] _sequence = TestData.Uniform(Sizes.Steps * Sizes.Input, seed: 202);

    private Lstm128 _lstm = null!;
    private StepWeights _lstmPacked = null!;
    private StepWeights _lstmBFloat16 = null!;
    private readonly float[] _lstmOutput = new float[Lstm128.OutputSize];
    private TorchSequence _torchLstm = null!;

    private Gru128 _gru = null!;
    private StepWeights _gruPacked = null!;
    private StepWeights _gruBFloat16 = null!;
    private readonly float[] _gruOutput = new float[Gru128.OutputSize];
    private TorchSequence _torchGru = null!;

    [GlobalSetup]
    public void SetUp()
    {
        Torch.UseThreads(1);
        _lstm = new Lstm128(maxSteps: Sizes.Steps, seed: 4);
        _gru = new Gru128(maxSteps: Sizes.Steps, seed: 5);
        _torchLstm = TorchSequence.Lstm(_lstm.Parameters, Sizes.Input, Lstm128.LstmHiddenSize, _sequence);
        _torchGru = TorchSequence.Gru(_gru.Parameters, Sizes.Input, Gru128.GruHiddenSize, _sequence);
        _lstmPacked = _lstm.CreateStepWeights(StepPrecision.Float32);
        _lstmBFloat16 = _lstm.CreateStepWeights(StepPrecision.BFloat16);
        _gruPacked = _gru.CreateStepWeights(StepPrecision.Float32);
        _gruBFloat16 = _gru.CreateStepWeights(StepPrecision.BFloat16);

        RnnGenLstm();
        Agreement.Require("LSTM(28→128) forward of 28 steps", _lstmOutput, _torchLstm.FinalHidden());
        RnnGenLstmPacked();
        Agreement.Require("LSTM(28→128) forward of 28 steps, packed float32", _lstmOutput, _torchLstm.FinalHidden());
        RnnGenLstmBFloat16();
        Agreement.Require("LSTM(28→128) forward of 28 steps, bfloat16", _lstmOutput, _torchLstm.FinalHidden(), Agreement.BFloat16Tolerance);
        RnnGenGru();
        Agreement.Require("GRU(28→128) forward of 28 steps", _gruOutput, _torchGru.FinalHidden());
        RnnGenGruPacked();
        Agreement.Require("GRU(28→128) forward of 28 steps, packed float32", _gruOutput, _torchGru.FinalHidden());
        RnnGenGruBFloat16();
        Agreement.Require("GRU(28→128) forward of 28 steps, bfloat16", _gruOutput, _torchGru.FinalHidden(), Agreement.BFloat16Tolerance);
        Heap.Settle();
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _torchLstm.Dispose();
        _torchGru.Dispose();
    }

    [Benchmark]
    public void RnnGenLstm() => _lstm.Predict(_sequence, _lstmOutput);

    [Benchmark]
    public void RnnGenLstmPacked() => _lstm.Predict(_sequence, _lstmOutput, _lstmPacked);

    [Benchmark]
    public void RnnGenLstmBFloat16() => _lstm.Predict(_sequence, _lstmOutput, _lstmBFloat16);

    [Benchmark]
    public void LibTorchLstm() => _torchLstm.Run();

    [Benchmark]
    public void RnnGenGru() => _gru.Predict(_sequence, _gruOutput);

    [Benchmark]
    public void RnnGenGruPacked() => _gru.Predict(_sequence, _gruOutput, _gruPacked);

    [Benchmark]
    public void RnnGenGruBFloat16() => _gru.Predict(_sequence, _gruOutput, _gruBFloat16);

    [Benchmark]
    public void LibTorchGru() => _torchGru.Run();
}
