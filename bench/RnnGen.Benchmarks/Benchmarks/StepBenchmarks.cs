using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.LibTorch;
using RnnGen.Benchmarks.Models;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Benchmarks;

/// <summary>
/// Streaming inference: one recurrent step of one sequence (batch 1, input 28) with the state carried, at one
/// thread. RnnGen runs the generated <c>Step(input, ref State, output)</c>, reading Parameters in place, and the same
/// Step with a <see cref="StepWeights"/> copy packed in float32 and in bfloat16; libtorch runs LSTMCell/GRUCell.
/// </summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    private readonly float[] _input = TestData.Uniform(Sizes.Input, seed: 101);

    private Lstm32 _lstm32 = null!;
    private Lstm32.State _lstm32State;
    private readonly float[] _lstm32Output = new float[Lstm32.OutputSize];
    private TorchLstmStream _torchLstm32 = null!;

    private Lstm128 _lstm128 = null!;
    private Lstm128.State _lstm128State;
    private readonly float[] _lstm128Output = new float[Lstm128.OutputSize];
    private TorchLstmStream _torchLstm128 = null!;

    private Gru128 _gru128 = null!;
    private Gru128.State _gru128State;
    private readonly float[] _gru128Output = new float[Gru128.OutputSize];
    private TorchGruStream _torchGru128 = null!;

    private StepWeights _lstm32Packed = null!, _lstm32BFloat16 = null!;
    private StepWeights _lstm128Packed = null!, _lstm128BFloat16 = null!;
    private StepWeights _gru128Packed = null!, _gru128BFloat16 = null!;

    [GlobalSetup]
    public void SetUp()
    {
        Torch.UseThreads(1);
        _lstm32 = new Lstm32(seed: 1);
        _lstm128 = new Lstm128(seed: 2);
        _gru128 = new Gru128(seed: 3);
        _torchLstm32 = new TorchLstmStream(_lstm32.Parameters, Lstm32.LstmHiddenSize, _input);
        _torchLstm128 = new TorchLstmStream(_lstm128.Parameters, Lstm128.LstmHiddenSize, _input);
        _torchGru128 = new TorchGruStream(_gru128.Parameters, Gru128.GruHiddenSize, _input);

        // Two steps from the zero state on each side must give the same hidden state; then both start afresh.
        RnnGenLstmH32(); RnnGenLstmH32(); LibTorchLstmH32(); LibTorchLstmH32();
        Agreement.Require("LSTM(28→32) step", _lstm32Output, _torchLstm32.Hidden);
        RnnGenLstmH128(); RnnGenLstmH128(); LibTorchLstmH128(); LibTorchLstmH128();
        Agreement.Require("LSTM(28→128) step", _lstm128Output, _torchLstm128.Hidden);
        RnnGenGruH128(); RnnGenGruH128(); LibTorchGruH128(); LibTorchGruH128();
        Agreement.Require("GRU(28→128) step", _gru128Output, _torchGru128.Hidden);

        // Packed copies: float32 must agree with libtorch as closely, bfloat16 within the 1e-2 the mode promises.
        _lstm32Packed = _lstm32.CreateStepWeights(StepPrecision.Float32);
        _lstm32BFloat16 = _lstm32.CreateStepWeights(StepPrecision.BFloat16);
        _lstm128Packed = _lstm128.CreateStepWeights(StepPrecision.Float32);
        _lstm128BFloat16 = _lstm128.CreateStepWeights(StepPrecision.BFloat16);
        _gru128Packed = _gru128.CreateStepWeights(StepPrecision.Float32);
        _gru128BFloat16 = _gru128.CreateStepWeights(StepPrecision.BFloat16);
        RequireTwoSteps("LSTM(28→32) step, packed float32", () => { _lstm32State = default; RnnGenLstmH32Packed(); RnnGenLstmH32Packed(); }, _lstm32Output, _torchLstm32.Hidden, Agreement.Tolerance);
        RequireTwoSteps("LSTM(28→32) step, bfloat16", () => { _lstm32State = default; RnnGenLstmH32BFloat16(); RnnGenLstmH32BFloat16(); }, _lstm32Output, _torchLstm32.Hidden, Agreement.BFloat16Tolerance);
        RequireTwoSteps("LSTM(28→128) step, packed float32", () => { _lstm128State = default; RnnGenLstmH128Packed(); RnnGenLstmH128Packed(); }, _lstm128Output, _torchLstm128.Hidden, Agreement.Tolerance);
        RequireTwoSteps("LSTM(28→128) step, bfloat16", () => { _lstm128State = default; RnnGenLstmH128BFloat16(); RnnGenLstmH128BFloat16(); }, _lstm128Output, _torchLstm128.Hidden, Agreement.BFloat16Tolerance);
        RequireTwoSteps("GRU(28→128) step, packed float32", () => { _gru128State = default; RnnGenGruH128Packed(); RnnGenGruH128Packed(); }, _gru128Output, _torchGru128.Hidden, Agreement.Tolerance);
        RequireTwoSteps("GRU(28→128) step, bfloat16", () => { _gru128State = default; RnnGenGruH128BFloat16(); RnnGenGruH128BFloat16(); }, _gru128Output, _torchGru128.Hidden, Agreement.BFloat16Tolerance);
        _lstm32State = default;
        _lstm128State = default;
        _gru128State = default;
        _torchLstm32.Reset();
        _torchLstm128.Reset();
        _torchGru128.Reset();
        Heap.Settle();
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _torchLstm32.Dispose();
        _torchLstm128.Dispose();
        _torchGru128.Dispose();
    }

    [Benchmark]
    public void RnnGenLstmH32() => _lstm32.Step(_input, ref _lstm32State, _lstm32Output);

    [Benchmark]
    public void LibTorchLstmH32() => _torchLstm32.Step();

    [Benchmark]
    public void RnnGenLstmH128() => _lstm128.Step(_input, ref _lstm128State, _lstm128Output);

    [Benchmark]
    public void LibTorchLstmH128() => _torchLstm128.Step();

    [Benchmark]
    public void RnnGenGruH128() => _gru128.Step(_input, ref _gru128State, _gru128Output);

    [Benchmark]
    public void LibTorchGruH128() => _torchGru128.Step();

    [Benchmark]
    public void RnnGenLstmH32Packed() => _lstm32.Step(_input, ref _lstm32State, _lstm32Output, _lstm32Packed);

    [Benchmark]
    public void RnnGenLstmH32BFloat16() => _lstm32.Step(_input, ref _lstm32State, _lstm32Output, _lstm32BFloat16);

    [Benchmark]
    public void RnnGenLstmH128Packed() => _lstm128.Step(_input, ref _lstm128State, _lstm128Output, _lstm128Packed);

    [Benchmark]
    public void RnnGenLstmH128BFloat16() => _lstm128.Step(_input, ref _lstm128State, _lstm128Output, _lstm128BFloat16);

    [Benchmark]
    public void RnnGenGruH128Packed() => _gru128.Step(_input, ref _gru128State, _gru128Output, _gru128Packed);

    [Benchmark]
    public void RnnGenGruH128BFloat16() => _gru128.Step(_input, ref _gru128State, _gru128Output, _gru128BFloat16);

    // Two steps from the zero state, compared with libtorch's two (taken above, before its reset).
    private static void RequireTwoSteps(string what, Action twoSteps, float[] output, ReadOnlySpan<float> libTorch, float tolerance)
    {
        twoSteps();
        Agreement.Require(what, output, libTorch, tolerance);
    }
}
