using BenchmarkDotNet.Attributes;
using RnnGen.Benchmarks.Models;

namespace RnnGen.Benchmarks.Benchmarks;

/// <summary>
/// The matrix products of the batch-64 training steps of <see cref="TrainingBenchmarks"/> alone, on one thread
/// (<see cref="TrainingProducts"/>): issue 4 asks for 65 % of peak in the products, and the whole step's figure mixes
/// in the cells, copies, loss and optimizer. RnnGen only: libtorch's products are not separable the same way.
/// </summary>
[MemoryDiagnoser]
public class TrainingProductsBenchmarks
{
    /// <summary>The batch of the training case these products belong to.</summary>
    public const int Batch = 64;

    private TrainingProducts _lstm = null!;
    private TrainingProducts _gru = null!;

    [GlobalSetup]
    public void SetUp()
    {
        Parallelism.Threads = 1;
        _lstm = new TrainingProducts(gatesPerUnit: 4, Batch);
        _gru = new TrainingProducts(gatesPerUnit: 3, Batch);
    }

    [Benchmark]
    public void LstmProducts() => _lstm.Run();

    [Benchmark]
    public void GruProducts() => _gru.Run();
}
