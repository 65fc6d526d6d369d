using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary>Binary cross-entropy on logits against hand-derived values, a double reference and finite differences.</summary>
public class BinaryCrossEntropyWithLogitsTests
{
    public static readonly TheoryData<int> Widths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

    [Fact]
    public void Zero_logit_costs_log_2_for_either_target()
    {
        float[] logits = [0f, 0f];
        float[] targets = [0f, 1f];
        var gradient = new float[2];

        LossValue loss = new BinaryCrossEntropyWithLogits().Compute(logits, targets, gradient);

        Assert.Equal(2, loss.Count);
        LossReference.AssertRelative(Math.Log(2), loss.Mean, 1e-12);
        Assert.Equal([0.25f, -0.25f], gradient);
    }

    [Fact]
    public void Small_logits_match_the_definition()
    {
        float[] logits = [1.5f, -0.5f, 2f];
        float[] targets = [1f, 0f, 0.25f];
        var gradient = new float[3];

        LossValue loss = new BinaryCrossEntropyWithLogits().Compute(logits, targets, gradient);

        // −[y·log σ(x) + (1 − y)·log(1 − σ(x))], and gradient (σ(x) − y) / 3.
        double expected = 0;
        for (int i = 0; i < 3; i++)
        {
            double sigmoid = 1 / (1 + Math.Exp(-logits[i]));
            expected -= (targets[i] * Math.Log(sigmoid)) + ((1 - targets[i]) * Math.Log(1 - sigmoid));
            LossReference.AssertRelative((sigmoid - targets[i]) / 3, gradient[i], 1e-6);
        }

        Assert.Equal(3, loss.Count);
        LossReference.AssertRelative(expected, loss.Sum, 1e-12);
    }

    [Fact]
    public void Logits_of_plus_or_minus_100_neither_overflow_nor_lose_the_small_term()
    {
        float[] logits = [100f, -100f, 100f, -100f];
        float[] targets = [1f, 0f, 0f, 1f];
        var gradient = new float[4];

        LossValue loss = new BinaryCrossEntropyWithLogits().Compute(logits, targets, gradient);

        // Right answers cost log(1 + e^−100) ≈ e^−100 each, which log(1 + u) would round to 0; wrong ones 100 + e^−100.
        Assert.True(double.IsFinite(loss.Sum));
        LossReference.AssertRelative(200 + (4 * Math.Exp(-100)), loss.Sum, 1e-12);
        // Gradients (σ(x) − y) / 4: ∓e^−100 / 4 (a float subnormal) for the right answers, ±1/4 for the wrong ones.
        Assert.Equal([(float)(-Math.Exp(-100) / 4), (float)(Math.Exp(-100) / 4), 0.25f, -0.25f], gradient);

        LossValue rightOnly = new BinaryCrossEntropyWithLogits().Compute(logits.AsSpan(0, 2), targets.AsSpan(0, 2), new float[2]);
        LossReference.AssertRelative(2 * Math.Exp(-100), rightOnly.Sum, 1e-12);
    }

    [Fact]
    public void Huge_logits_stay_finite()
    {
        float[] logits = [1e30f, -1e30f, float.MaxValue, float.MinValue];
        float[] targets = [1f, 1f, 0f, 0f];
        var gradient = new float[4];

        LossValue loss = new BinaryCrossEntropyWithLogits().Compute(logits, targets, gradient);

        LossReference.AssertRelative(((double)1e30f + float.MaxValue) / 4, loss.Mean, 1e-7);
        Assert.Equal([0f, -0.25f, 0.25f, 0f], gradient);
    }

    [Fact]
    public void Masked_rows_are_not_read_and_get_zero_gradient()
    {
        // Four rows of width 3; rows 1 and 3 are padding holding NaN.
        const int Width = 3;
        float[] logits = [0.5f, -1f, 2f, float.NaN, float.NaN, float.NaN, -0.25f, 3f, 0f, float.NaN, float.NaN, float.NaN];
        float[] targets = [1f, 0f, 1f, float.NaN, float.NaN, float.NaN, 0f, 1f, 0.5f, float.NaN, float.NaN, float.NaN];
        bool[] mask = [true, false, true, false];
        var gradient = new float[12];
        Array.Fill(gradient, 7f);

        LossValue loss = new BinaryCrossEntropyWithLogits().Compute(logits, targets, gradient, mask, Width);

        float[] realLogits = [.. logits[0..3], .. logits[6..9]];
        float[] realTargets = [.. targets[0..3], .. targets[6..9]];
        double expected = LossReference.BinaryCrossEntropyMean(LossReference.Widen(realLogits), LossReference.Widen(realTargets), null, Width, 1);
        Assert.Equal(6, loss.Count);
        LossReference.AssertRelative(expected, loss.Mean, 1e-12);
        Assert.Equal(new float[Width], gradient[3..6]);
        Assert.Equal(new float[Width], gradient[9..12]);
        LossReference.AssertRelative((1 / (1 + Math.Exp(-0.5)) - 1) / 6, gradient[0], 1e-6);
    }

    [Fact]
    public void Positive_weight_scales_the_positive_term_as_in_PyTorch()
    {
        float[] logits = [0.4f, 0.4f];
        float[] targets = [1f, 0f];
        var gradient = new float[2];

        LossValue loss = new BinaryCrossEntropyWithLogits(positiveWeight: 3f).Compute(logits, targets, gradient);

        // pos_weight multiplies −y·log σ(x) only: 3·softplus(−0.4) + softplus(0.4); gradients (3σ − 3) / 2 and σ / 2.
        double sigmoid = 1 / (1 + Math.Exp(-0.4f));
        LossReference.AssertRelative((3 * Math.Log(1 + Math.Exp(-0.4f))) + Math.Log(1 + Math.Exp(0.4f)), loss.Sum, 1e-12);
        LossReference.AssertRelative(3 * (sigmoid - 1) / 2, gradient[0], 1e-6);
        LossReference.AssertRelative(sigmoid / 2, gradient[1], 1e-6);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Gradient_matches_central_differences_of_the_mean(int width)
    {
        foreach (float positiveWeight in (ReadOnlySpan<float>)[1f, 2.5f])
        {
            const int Rows = 5;
            var random = new SeededRandom(300 + (ulong)width);
            float[] logits = LossReference.Uniform(random, Rows * width, -4f, 4f);
            var targets = new float[logits.Length];
            for (int i = 0; i < targets.Length; i++)
            {
                // Hard labels mostly, some soft ones.
                targets[i] = i % 3 == 2 ? random.NextSingle() : random.NextInt(2);
            }

            bool[] mask = [true, true, false, true, true];
            var gradient = new float[logits.Length];

            LossValue loss = new BinaryCrossEntropyWithLogits(positiveWeight).Compute(logits, targets, gradient, mask, width);

            double[] at = LossReference.Widen(logits);
            double[] y = LossReference.Widen(targets);
            double expectedMean = LossReference.BinaryCrossEntropyMean(at, y, mask, width, positiveWeight);
            double[] expectedGradient = LossReference.CentralDifference(x => LossReference.BinaryCrossEntropyMean(x, y, mask, width, positiveWeight), at);
            Assert.Equal(4 * width, loss.Count);
            LossReference.AssertRelative(expectedMean, loss.Mean, 1e-12);
            LossReference.AssertGradientClose(expectedGradient, gradient, 1.0 / loss.Count);
        }
    }

    [Fact]
    public void No_counted_row_gives_zero_loss_and_clears_the_gradient()
    {
        var gradient = new float[4];
        Array.Fill(gradient, 7f);

        LossValue loss = new BinaryCrossEntropyWithLogits().Compute([1f, 2f, 3f, 4f], [1f, 0f, 1f, 0f], gradient, [false, false], width: 2);

        Assert.Equal(default, loss);
        Assert.Equal(new float[4], gradient);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Positive_weight_must_be_positive_and_finite(float positiveWeight)
    {
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryCrossEntropyWithLogits(positiveWeight));

        Assert.Equal("positiveWeight", exception.ParamName);
    }
}
