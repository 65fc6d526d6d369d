using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary>Mean squared error against hand-derived values, a double reference and finite differences.</summary>
public class MeanSquaredErrorTests
{
    public static readonly TheoryData<int> Widths = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];

    [Fact]
    public void Matches_the_hand_derived_loss_and_gradient()
    {
        float[] outputs = [1f, 2f, 3f];
        float[] targets = [1.5f, 2f, 1f];
        var gradient = new float[3];

        LossValue loss = MeanSquaredError.Compute(outputs, targets, gradient);

        // (0.25 + 0 + 4) / 3; gradient 2(x − y) / 3.
        Assert.Equal(new LossValue(4.25, 3), loss);
        Assert.Equal(4.25 / 3, loss.Mean);
        Assert.Equal([-1f / 3, 0f, 4f / 3], gradient);
    }

    [Fact]
    public void Masked_rows_are_not_read_and_get_zero_gradient()
    {
        float[] outputs = [1f, 2f, float.NaN, float.NaN, 0f, -1f];
        float[] targets = [0f, 0f, float.NaN, float.NaN, 1f, 1f];
        var gradient = new float[6];
        Array.Fill(gradient, 7f);

        LossValue loss = MeanSquaredError.Compute(outputs, targets, gradient, [true, false, true], width: 2);

        // (1 + 4 + 1 + 4) / 4.
        Assert.Equal(new LossValue(10, 4), loss);
        Assert.Equal(2.5, loss.Mean);
        Assert.Equal([0.5f, 1f, 0f, 0f, -0.5f, -1f], gradient);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Gradient_matches_central_differences_of_the_mean(int width)
    {
        const int Rows = 5;
        var random = new SeededRandom(400 + (ulong)width);
        float[] outputs = LossReference.Uniform(random, Rows * width, -4f, 4f);
        float[] targets = LossReference.Uniform(random, Rows * width, -4f, 4f);
        bool[] mask = [false, true, true, true, true];
        var gradient = new float[outputs.Length];

        LossValue loss = MeanSquaredError.Compute(outputs, targets, gradient, mask, width);

        double[] at = LossReference.Widen(outputs);
        double[] y = LossReference.Widen(targets);
        double expectedMean = LossReference.SquaredErrorMean(at, y, mask, width);
        double[] expectedGradient = LossReference.CentralDifference(x => LossReference.SquaredErrorMean(x, y, mask, width), at);
        Assert.Equal(4 * width, loss.Count);
        LossReference.AssertRelative(expectedMean, loss.Mean, 1e-12);
        LossReference.AssertGradientClose(expectedGradient, gradient, 1.0 / loss.Count);
    }

    [Fact]
    public void No_counted_row_gives_zero_loss_and_clears_the_gradient()
    {
        var gradient = new float[2];
        Array.Fill(gradient, 7f);

        LossValue loss = MeanSquaredError.Compute([1f, 2f], [0f, 0f], gradient, [false, false]);

        Assert.Equal(default, loss);
        Assert.Equal(new float[2], gradient);
    }
}
