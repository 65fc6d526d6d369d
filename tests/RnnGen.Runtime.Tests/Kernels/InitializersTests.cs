using System;
using System.Linq;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

public class InitializersTests
{
    [Theory]
    [InlineData(1, 1f)]
    [InlineData(4, 0.5f)]
    [InlineData(64, 0.125f)]
    [InlineData(100, 0.1f)]
    [InlineData(7, 0.37796447f)]
    public void Bounds_are_one_over_square_root(int size, float expected)
    {
        Assert.Equal(expected, Initializers.RecurrentBound(size));
        Assert.Equal(expected, Initializers.LinearBound(size));
    }

    [Fact]
    public void Bounds_reject_empty_layers()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.RecurrentBound(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.LinearBound(-1));
    }

    [Fact]
    public void Uniform_fills_the_interval_with_the_sources_draws()
    {
        const float Bound = 0.125f;
        float[] values = new float[50_000];

        Initializers.Uniform(values, Bound, new SeededRandom(21));

        var random = new SeededRandom(21);
        Assert.All(values, value => Assert.InRange(value, -Bound, Bound));
        Assert.Equal(values.Take(16), Enumerable.Range(0, 16).Select(_ => random.NextUniform(-Bound, Bound)));

        // U(−b, b): mean 0 ± 5σ with σ = b/√(3N); variance b²/3.
        Assert.InRange(values.Average(), -0.0016, 0.0016);
        Assert.InRange(values.Select(v => (double)v * v).Average(), (Bound * Bound / 3) * 0.98, (Bound * Bound / 3) * 1.02);
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.Uniform(values, -1f, random));
    }

    [Fact]
    public void Normal_fills_with_standard_normal_draws()
    {
        float[] values = new float[50_000];

        Initializers.Normal(values, new SeededRandom(22));

        var random = new SeededRandom(22);
        Assert.Equal(values.Take(16), Enumerable.Range(0, 16).Select(_ => random.NextGaussian()));
        Assert.InRange(values.Average(), -0.023, 0.023);
        Assert.InRange(values.Select(v => (double)v * v).Average(), 0.97, 1.03);
    }
}
