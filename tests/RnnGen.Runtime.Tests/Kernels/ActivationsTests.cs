using System;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

public class ActivationsTests
{
    [Theory]
    [InlineData(100f, 1f)]
    [InlineData(-100f, 3.7200759760208356e-44f)]
    [InlineData(1e30f, 1f)]
    [InlineData(-1e30f, 0f)]
    [InlineData(float.PositiveInfinity, 1f)]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(0f, 0.5f)]
    public void Sigmoid_is_stable_at_extremes(float x, float expected)
    {
        float actual = Activations.Sigmoid(x);

        Assert.False(float.IsNaN(actual));
        Assert.InRange(UlpDistance(actual, expected), 0, 1);
    }

    [Fact]
    public void Sigmoid_matches_double_reference_within_an_ulp()
    {
        int worst = 0;
        for (float x = -104f; x <= 104f; x += 0.0137f)
        {
            float expected = (float)(1.0 / (1.0 + Math.Exp(-(double)x)));
            worst = Math.Max(worst, UlpDistance(Activations.Sigmoid(x), expected));
        }

        // Exp, one addition and one division, each within half an ulp or so.
        Assert.InRange(worst, 0, 2);
    }

    [Fact]
    public void Sigmoid_propagates_NaN()
    {
        Assert.True(float.IsNaN(Activations.Sigmoid(float.NaN)));
    }

    [Fact]
    public void Tanh_matches_MathF()
    {
        foreach (float x in (float[])[-1e30f, -20f, -1f, -0.25f, 0f, 0.25f, 1f, 20f, 1e30f])
        {
            Assert.Equal(MathF.Tanh(x), Activations.Tanh(x));
        }
    }

    [Fact]
    public void Relu_clamps_negatives_and_keeps_NaN()
    {
        Assert.Equal(0f, Activations.Relu(-3.5f));
        Assert.Equal(0f, Activations.Relu(float.NegativeInfinity));
        Assert.Equal(2.25f, Activations.Relu(2.25f));
        Assert.Equal(float.PositiveInfinity, Activations.Relu(float.PositiveInfinity));
        Assert.True(float.IsNaN(Activations.Relu(float.NaN)));
    }

    // Distance in representable floats between two finite values of the same sign (or zero).
    private static int UlpDistance(float x, float y) =>
        Math.Abs(BitConverter.SingleToInt32Bits(x) - BitConverter.SingleToInt32Bits(y));
}
