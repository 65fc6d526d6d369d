using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.LibTorch;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Benchmarks;

/// <summary>
/// One training step of recurrent(128) → Dense(10) on a batch of 28-step sequences of 28 features: forward,
/// softmax cross-entropy, backward, Adam. Both sides start from the same weights and see the same batch.
/// </summary>
/// <remarks>
/// Two threads: <c>torch.set_num_threads(2)</c> for libtorch, <see cref="Parallelism.Threads"/> = 2 for RnnGen (its
/// time loops split by sequences and large products by rows, bit-identical to one thread).
/// </remarks>
[MemoryDiagnoser]
public class TrainingBenchmarks
{
    private TrainingPair _lstm = null!;
    private TrainingPair _gru = null!;

    [Params(64, 8)]
    public int Batch { get; set; }

    [GlobalSetup(Targets = [nameof(RnnGenLstm), nameof(LibTorchLstm), nameof(RnnGenGru), nameof(LibTorchGru)])]
    public void SetUpOneThread() => SetUp(threads: 1);

    [GlobalSetup(Targets = [nameof(RnnGenLstmTwoThreads), nameof(LibTorchLstmTwoThreads), nameof(RnnGenGruTwoThreads), nameof(LibTorchGruTwoThreads)])]
    public void SetUpTwoThreads() => SetUp(threads: 2);

    [GlobalCleanup]
    public void CleanUp()
    {
        Parallelism.Threads = 1;
        _lstm.Dispose();
        _gru.Dispose();
    }

    [Benchmark]
    public void RnnGenLstm() => _lstm.RnnGen.Step();

    [Benchmark]
    public void LibTorchLstm() => _lstm.LibTorch.Step();

    [Benchmark]
    public void RnnGenLstmTwoThreads() => _lstm.RnnGen.Step();

    [Benchmark]
    public void LibTorchLstmTwoThreads() => _lstm.LibTorch.Step();

    [Benchmark]
    public void RnnGenGru() => _gru.RnnGen.Step();

    [Benchmark]
    public void LibTorchGru() => _gru.LibTorch.Step();

    [Benchmark]
    public void RnnGenGruTwoThreads() => _gru.RnnGen.Step();

    [Benchmark]
    public void LibTorchGruTwoThreads() => _gru.LibTorch.Step();

    private void SetUp(int threads)
    {
        Torch.UseThreads(threads);
        Parallelism.Threads = threads;
        _lstm = TrainingPair.Lstm(Batch);
        _gru = TrainingPair.Gru(Batch);
        Heap.Settle();
    }
}
