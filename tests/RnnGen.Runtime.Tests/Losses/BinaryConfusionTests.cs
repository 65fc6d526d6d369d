using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Losses;

public class BinaryConfusionTests
{
    [Fact]
    public void Counts_a_tiny_table_and_derives_its_ratios()
    {
        // TP 2, FP 1, FN 1, TN 3.
        float[] logits = [2f, 1f, 0.5f, -1f, -2f, -3f, 0f];
        float[] targets = [1f, 1f, 0f, 1f, 0f, 0f, 0f];
        var confusion = default(BinaryConfusion);

        confusion.Add(logits, targets);

        Assert.Equal(2, confusion.TruePositives);
        Assert.Equal(1, confusion.FalsePositives);
        Assert.Equal(1, confusion.FalseNegatives);
        Assert.Equal(3, confusion.TrueNegatives);
        Assert.Equal(7, confusion.Total);
        Assert.Equal(2.0 / 3, confusion.Precision);
        Assert.Equal(2.0 / 3, confusion.Recall);
        Assert.Equal(2.0 / 3, confusion.F1);
        Assert.Equal(5.0 / 7, confusion.Accuracy);
    }

    [Fact]
    public void F1_is_the_harmonic_mean_of_precision_and_recall()
    {
        // TP 1, FP 3, FN 0: precision 1/4, recall 1, F1 = 2·(1/4)·1 / (1/4 + 1) = 2/5.
        var confusion = default(BinaryConfusion);

        confusion.Add([1f, 1f, 1f, 1f], [1f, 0f, 0f, 0f]);

        Assert.Equal(0.25, confusion.Precision);
        Assert.Equal(1, confusion.Recall);
        Assert.Equal(0.4, confusion.F1, 1e-15);
        Assert.Equal(0.25, confusion.Accuracy);
    }

    [Fact]
    public void Undefined_ratios_are_zero()
    {
        var empty = default(BinaryConfusion);
        Assert.Equal(0, empty.Total);
        Assert.Equal(0, empty.Precision);
        Assert.Equal(0, empty.Recall);
        Assert.Equal(0, empty.F1);
        Assert.Equal(0, empty.Accuracy);

        // Only true negatives: nothing predicted or actually positive.
        var negatives = default(BinaryConfusion);
        negatives.Add([-1f, -2f], [0f, 0f]);
        Assert.Equal(0, negatives.Precision);
        Assert.Equal(0, negatives.Recall);
        Assert.Equal(0, negatives.F1);
        Assert.Equal(1, negatives.Accuracy);
    }

    [Fact]
    public void Accumulates_batches_and_skips_masked_rows()
    {
        var confusion = default(BinaryConfusion);

        confusion.Add([1f, -1f, float.NaN, float.NaN], [1f, 1f, float.NaN, float.NaN], [true, false], width: 2);
        confusion.Add([1f, -1f], [0f, 0f]);

        Assert.Equal(1, confusion.TruePositives);
        Assert.Equal(1, confusion.FalseNegatives);
        Assert.Equal(1, confusion.FalsePositives);
        Assert.Equal(1, confusion.TrueNegatives);
    }
}
