using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary>After warm-up, no loss or metric allocates on the calling thread.</summary>
[Collection(KernelSettingsGroup.Name)]
public class LossAllocationTests
{
    private const int Rows = 12;
    private const int Width = 7;

    public static readonly TheoryData<string> Names =
    [
        nameof(SoftmaxCrossEntropy),
        nameof(BinaryCrossEntropyWithLogits),
        nameof(MeanSquaredError),
        nameof(Metrics.CountCorrectLabels),
        nameof(Metrics.CountCorrectBinary),
        nameof(BinaryConfusion),
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void Does_not_allocate(string name)
    {
        var random = new SeededRandom(7);
        float[] logits = LossReference.Uniform(random, Rows * Width, -5f, 5f);
        float[] targets = LossReference.Uniform(random, Rows * Width, 0f, 1f);
        var gradient = new float[Rows * Width];
        var labels = new int[Rows];
        var mask = new bool[Rows];
        for (int row = 0; row < Rows; row++)
        {
            labels[row] = row % 4 == 3 ? SoftmaxCrossEntropy.DefaultIgnoreLabel : random.NextInt(Width);
            mask[row] = row % 4 != 3;
        }

        var crossEntropy = new SoftmaxCrossEntropy();
        var binaryCrossEntropy = new BinaryCrossEntropyWithLogits(positiveWeight: 2f);
        var confusion = default(BinaryConfusion);
        Action call = name switch
        {
            nameof(SoftmaxCrossEntropy) => () => crossEntropy.Compute(logits, Width, labels, gradient),
            nameof(BinaryCrossEntropyWithLogits) => () => binaryCrossEntropy.Compute(logits, targets, gradient, mask, Width),
            nameof(MeanSquaredError) => () => MeanSquaredError.Compute(logits, targets, gradient, mask, Width),
            nameof(Metrics.CountCorrectLabels) => () => Metrics.CountCorrectLabels(logits, Width, labels, SoftmaxCrossEntropy.DefaultIgnoreLabel, out _),
            nameof(Metrics.CountCorrectBinary) => () => Metrics.CountCorrectBinary(logits, targets, mask, Width, out _),
            nameof(BinaryConfusion) => () => confusion.Add(logits, targets, mask, Width),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown loss or metric."),
        };

        // Warm up past tiered compilation's call-count threshold.
        for (int i = 0; i < 50; i++)
        {
            call();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            call();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
