using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.LibTorch;
using RnnGen.Benchmarks.Models;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Benchmarks;

/// <summary>
/// Inference over a whole sequence: 28 steps of 28 features, batch 1, hidden 128, at one thread. RnnGen runs
/// the generated <c>Predict</c>; libtorch runs nn.LSTM/nn.GRU under no_grad. Both return the final hidden state.
/// </summary>
[MemoryDiagnoser]
public class ForwardBenchmarks
{
    private readonly float[] _sequence = TestData.Uniform(Sizes.Steps * Sizes.Input, seed: 202);

    private Lstm128 _lstm = null!;
    private readonly float[] _lstmOutput = new float[Lstm128.OutputSize];
    private TorchSequence _torchLstm = null!;

    private Gru128 _gru = null!;
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

        RnnGenLstm();
        Agreement.Require("LSTM(28→128) forward of 28 steps", _lstmOutput, _torchLstm.FinalHidden());
        RnnGenGru();
        Agreement.Require("GRU(28→128) forward of 28 steps", _gruOutput, _torchGru.FinalHidden());
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
    public void LibTorchLstm() => _torchLstm.Run();

    [Benchmark]
    public void RnnGenGru() => _gru.Predict(_sequence, _gruOutput);

    [Benchmark]
    public void LibTorchGru() => _torchGru.Run();
}
