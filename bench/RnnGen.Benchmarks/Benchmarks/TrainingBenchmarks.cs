using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.LibTorch;
using RnnGen.Benchmarks.Models;
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
    private ClassifierTraining _rnnGenLstm = null!;
    private ClassifierTraining _rnnGenGru = null!;
    private TorchClassifierTraining _torchLstm = null!;
    private TorchClassifierTraining _torchGru = null!;

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
        _torchLstm.Dispose();
        _torchGru.Dispose();
    }

    [Benchmark]
    public void RnnGenLstm() => _rnnGenLstm.Step();

    [Benchmark]
    public void LibTorchLstm() => _torchLstm.Step();

    [Benchmark]
    public void RnnGenLstmTwoThreads() => _rnnGenLstm.Step();

    [Benchmark]
    public void LibTorchLstmTwoThreads() => _torchLstm.Step();

    [Benchmark]
    public void RnnGenGru() => _rnnGenGru.Step();

    [Benchmark]
    public void LibTorchGru() => _torchGru.Step();

    [Benchmark]
    public void RnnGenGruTwoThreads() => _rnnGenGru.Step();

    [Benchmark]
    public void LibTorchGruTwoThreads() => _torchGru.Step();

    private void SetUp(int threads)
    {
        Torch.UseThreads(threads);
        Parallelism.Threads = threads;
        float[] inputs = TestData.Uniform(Sizes.Steps * Batch * Sizes.Input, seed: 303);
        int[] labels = TestData.Labels(Batch, Sizes.Classes, seed: 304);

        var lstm = new LstmClassifier(maxBatch: Batch, maxSteps: Sizes.Steps, seed: 6);
        _rnnGenLstm = new ClassifierTraining(lstm, inputs, labels);
        _torchLstm = TorchClassifierTraining.Lstm(lstm.Parameters, Sizes.Input, LstmClassifier.LstmHiddenSize, Sizes.Classes, inputs, labels);
        Agreement.Require($"LSTM(28→128) → Dense(10) logits, batch {Batch}", _rnnGenLstm.Logits(), _torchLstm.Logits());

        var gru = new GruClassifier(maxBatch: Batch, maxSteps: Sizes.Steps, seed: 7);
        _rnnGenGru = new ClassifierTraining(gru, inputs, labels);
        _torchGru = TorchClassifierTraining.Gru(gru.Parameters, Sizes.Input, GruClassifier.GruHiddenSize, Sizes.Classes, inputs, labels);
        Agreement.Require($"GRU(28→128) → Dense(10) logits, batch {Batch}", _rnnGenGru.Logits(), _torchGru.Logits());
        Heap.Settle();
    }
}
