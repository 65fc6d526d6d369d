using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary>Softmax cross-entropy against hand-derived values, a double reference and finite differences.</summary>
public class SoftmaxCrossEntropyTests
{
    private const int Ignore = SoftmaxCrossEntropy.DefaultIgnoreLabel;

    public static readonly TheoryData<int> ClassCounts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

    [Fact]
    public void Default_ignore_label_is_PyTorchs()
    {
        Assert.Equal(-100, SoftmaxCrossEntropy.DefaultIgnoreLabel);
        Assert.Equal(-100, new SoftmaxCrossEntropy().IgnoreLabel);
    }

    [Fact]
    public void One_row_matches_the_hand_derived_loss_and_gradient()
    {
        float[] logits = [1f, 2f, 3f];
        var gradient = new float[3];

        LossValue loss = new SoftmaxCrossEntropy().Compute(logits, 3, [2], gradient);

        // −log softmax(x)[2] = log(e + e² + e³) − 3; gradient softmax − onehot(2).
        double total = Math.E + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(1, loss.Count);
        LossReference.AssertRelative(Math.Log(total) - 3, loss.Sum, 1e-6);
        LossReference.AssertRelative(Math.Log(total) - 3, loss.Mean, 1e-6);
        LossReference.AssertRelative(Math.E / total, gradient[0], 1e-6);
        LossReference.AssertRelative(Math.Exp(2) / total, gradient[1], 1e-6);
        LossReference.AssertRelative((Math.Exp(3) / total) - 1, gradient[2], 1e-6);
    }

    [Fact]
    public void Ignored_rows_get_zero_gradient_and_do_not_count_in_the_mean()
    {
        float[] logits = [1f, 2f, 3f, 5f, -1f, 0.5f, 0.25f, -2f, 4f];
        int[] labels = [2, Ignore, 0];
        var gradient = new float[9];
        Array.Fill(gradient, 7f);

        LossValue loss = new SoftmaxCrossEntropy().Compute(logits, 3, labels, gradient);

        double first = Math.Log(Math.E + Math.Exp(2) + Math.Exp(3)) - 3;
        double third = Math.Log(Math.Exp(0.25) + Math.Exp(-2) + Math.Exp(4)) - 0.25;
        Assert.Equal(2, loss.Count);
        LossReference.AssertRelative(first + third, loss.Sum, 1e-6);
        LossReference.AssertRelative((first + third) / 2, loss.Mean, 1e-6);
        Assert.Equal([0f, 0f, 0f], gradient[3..6]);

        // The mean halves each counted row's gradient.
        LossReference.AssertRelative(((Math.Exp(0.25) / (Math.Exp(0.25) + Math.Exp(-2) + Math.Exp(4))) - 1) / 2, gradient[6], 1e-6);
    }

    [Fact]
    public void Padding_steps_of_a_time_major_batch_are_not_read_and_get_zero_gradient()
    {
        // [steps 3, batch 2, classes 4]; sequence 0 has 3 steps, sequence 1 has 1, so rows t·2 + 1 for t ≥ 1 are padding.
        const int Classes = 4;
        var random = new SeededRandom(11);
        float[] logits = LossReference.Uniform(random, 3 * 2 * Classes, -3f, 3f);
        int[] labels = [1, 3, 0, Ignore, 2, Ignore];
        int[] padding = [3, 5];
        foreach (int row in padding)
        {
            logits.AsSpan(row * Classes, Classes).Fill(float.NaN);
        }

        var gradient = new float[logits.Length];
        LossValue loss = new SoftmaxCrossEntropy().Compute(logits, Classes, labels, gradient);

        // The reference sees only the four real steps.
        float[] real = [.. logits[0..12], .. logits[16..20]];
        double expected = LossReference.CrossEntropyMean(LossReference.Widen(real), Classes, [1, 3, 0, 2], Ignore);
        Assert.Equal(4, loss.Count);
        LossReference.AssertRelative(expected, loss.Mean, 1e-6);
        foreach (int row in padding)
        {
            Assert.Equal(new float[Classes], gradient[(row * Classes)..((row + 1) * Classes)]);
        }

        Assert.All(gradient, value => Assert.True(float.IsFinite(value)));
    }

    [Fact]
    public void Extreme_logits_give_a_finite_correct_loss()
    {
        float[] logits = [1e4f, -1e4f, 0f, 1e4f, -1e4f, 0f, -1e4f, -1e4f, -1e4f];
        int[] labels = [0, 1, 2];
        var gradient = new float[9];

        LossValue loss = new SoftmaxCrossEntropy().Compute(logits, 3, labels, gradient);

        // Row 0: ≈ log(1 + e^−1e4 + e^−2e4) ≈ 0; row 1: 2e4; row 2 (uniform): ln 3.
        Assert.True(double.IsFinite(loss.Sum));
        LossReference.AssertRelative(2e4 + Math.Log(3), loss.Sum, 1e-7);
        Assert.All(gradient, value => Assert.True(float.IsFinite(value)));
        Assert.Equal(0f, gradient[0]);
        Assert.Equal(1f / 3, gradient[3]);
        Assert.Equal(-1f / 3, gradient[4]);
        LossReference.AssertRelative((1.0 / 3 - 1) / 3, gradient[8], 1e-6);
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Uniform_logits_cost_log_of_the_class_count(int classes)
    {
        var logits = new float[4 * classes];
        Array.Fill(logits, 0.7f);
        int[] labels = [0, classes - 1, classes / 2, Ignore];
        var gradient = new float[logits.Length];

        LossValue loss = new SoftmaxCrossEntropy().Compute(logits, classes, labels, gradient);

        Assert.Equal(3, loss.Count);
        Assert.Equal(Math.Log(classes), loss.Mean, 1e-6);
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Gradient_sums_to_zero_in_every_row(int classes)
    {
        const int Rows = 6;
        var random = new SeededRandom(100 + (ulong)classes);
        float[] logits = LossReference.Uniform(random, Rows * classes, -6f, 6f);
        var labels = new int[Rows];
        for (int row = 0; row < Rows; row++)
        {
            labels[row] = random.NextInt(classes);
        }

        var gradient = new float[logits.Length];
        new SoftmaxCrossEntropy().Compute(logits, classes, labels, gradient);

        for (int row = 0; row < Rows; row++)
        {
            double sum = 0;
            foreach (float value in gradient.AsSpan(row * classes, classes))
            {
                sum += value;
            }

            Assert.Equal(0, sum, 1e-7);
        }
    }

    [Theory]
    [MemberData(nameof(ClassCounts))]
    public void Gradient_matches_central_differences_of_the_mean(int classes)
    {
        const int Rows = 5;
        var random = new SeededRandom(200 + (ulong)classes);
        float[] logits = LossReference.Uniform(random, Rows * classes, -4f, 4f);
        int[] labels = [random.NextInt(classes), random.NextInt(classes), Ignore, random.NextInt(classes), random.NextInt(classes)];
        var gradient = new float[logits.Length];

        LossValue loss = new SoftmaxCrossEntropy().Compute(logits, classes, labels, gradient);

        double[] at = LossReference.Widen(logits);
        double expectedMean = LossReference.CrossEntropyMean(at, classes, labels, Ignore);
        double[] expectedGradient = LossReference.CentralDifference(x => LossReference.CrossEntropyMean(x, classes, labels, Ignore), at);
        Assert.Equal(4, loss.Count);
        Assert.Equal(expectedMean, loss.Mean, 1e-6 * Math.Max(1, expectedMean));
        LossReference.AssertGradientClose(expectedGradient, gradient, 1.0 / loss.Count);
    }

    [Fact]
    public void No_counted_row_gives_zero_loss_and_clears_the_gradient()
    {
        float[] logits = [1f, 2f, 3f, 4f];
        var gradient = new float[4];
        Array.Fill(gradient, 7f);

        LossValue loss = new SoftmaxCrossEntropy().Compute(logits, 2, [Ignore, Ignore], gradient);

        Assert.Equal(default, loss);
        Assert.Equal(0, loss.Mean);
        Assert.Equal(new float[4], gradient);
    }

    [Fact]
    public void Empty_batch_gives_zero_loss()
    {
        LossValue loss = new SoftmaxCrossEntropy().Compute([], 3, [], []);

        Assert.Equal(default, loss);
    }

    [Fact]
    public void A_custom_ignore_label_may_be_a_class()
    {
        float[] logits = [1f, 2f, 3f, 4f, 0f, 1f];
        var gradient = new float[6];
        var loss = new SoftmaxCrossEntropy(ignoreLabel: 1);

        LossValue value = loss.Compute(logits, 2, [0, 1, 1], gradient);

        Assert.Equal(1, value.Count);
        LossReference.AssertRelative(Math.Log(Math.E + Math.Exp(2)) - 1, value.Sum, 1e-6);
        Assert.Equal(new float[4], gradient[2..]);

        // −100 is an ordinary, out-of-range label for this loss.
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Compute(logits, 2, [0, Ignore, 1], gradient));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(-99)]
    public void Out_of_range_label_names_the_row_and_label_and_leaves_the_gradient_alone(int label)
    {
        float[] logits = [1f, 2f, 3f, 4f, 5f, 6f];
        float[] gradient = [7f, 7f, 7f, 7f, 7f, 7f];

        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => new SoftmaxCrossEntropy().Compute(logits, 3, [0, label], gradient));

        Assert.Equal("labels", exception.ParamName);
        Assert.Equal(label, exception.ActualValue);
        Assert.Contains("Row 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"label {label}", exception.Message, StringComparison.Ordinal);
        Assert.All(gradient, value => Assert.Equal(7f, value));
    }
}
