using System;
using System.Collections.Generic;
using System.Linq;
using RnnGen.Sampling;

namespace RnnGen.Runtime.Tests.Sampling;

[Collection(KernelSettingsGroup.Name)]
public sealed class TokenSamplerTests
{
    private static readonly float[] Logits = [1.0f, 2.0f, 0.5f, -1.0f, 2.0f, 0.0f];

    [Fact]
    public void Temperature_zero_is_greedy()
    {
        var sampler = new TokenSampler(Logits.Length, 1) { Temperature = 0 };
        Assert.Equal(1, sampler.Sample(Logits)); // first of the tied maxima
        Assert.Equal(1, TokenSampler.ArgMax(Logits));
        Assert.Equal(4, sampler.Sample([1f, 2f, 0.5f, -1f, 3f, 0f]));
    }

    [Fact]
    public void Top_one_keeps_the_logits_tied_with_the_largest_as_every_k_keeps_ties()
    {
        // tokens 1 and 4 share the largest logit: top-1 draws each about half the time, and nothing else
        var sampler = new TokenSampler(Logits.Length, 3) { TopK = 1 };
        var counts = new int[Logits.Length];
        for (int i = 0; i < 10_000; i++)
        {
            counts[sampler.Sample(Logits)]++;
        }

        Assert.Equal(10_000, counts[1] + counts[4]);
        Assert.InRange(counts[1], 4_700, 5_300);

        // without a tie it always draws the largest
        Assert.All(Enumerable.Range(0, 100), _ => Assert.Equal(4, sampler.Sample([1f, 2f, 0.5f, -1f, 3f, 0f])));
    }

    [Fact]
    public void A_nan_logit_never_wins_the_argmax_even_in_first_place()
    {
        Assert.Equal(2, TokenSampler.ArgMax([float.NaN, 0.5f, 2f]));
        Assert.Equal(1, TokenSampler.ArgMax([float.NaN, 0.5f, float.NaN, -1f]));
        Assert.Equal(0, TokenSampler.ArgMax([3f, float.NaN, 2f]));
        Assert.Equal(0, TokenSampler.ArgMax([float.NaN, float.NaN]));
    }

    [Theory]
    [InlineData(1.0f)]
    [InlineData(0.5f)]
    [InlineData(2.0f)]
    public void Frequencies_follow_the_tempered_softmax(float temperature)
    {
        const int Draws = 200_000;
        var sampler = new TokenSampler(Logits.Length, 7) { Temperature = temperature };
        var counts = new int[Logits.Length];
        for (int i = 0; i < Draws; i++)
        {
            counts[sampler.Sample(Logits)]++;
        }

        double[] expected = Softmax(Logits, temperature, keepAtLeast: float.NegativeInfinity);
        for (int i = 0; i < Logits.Length; i++)
        {
            double p = expected[i];
            double sigma = Math.Sqrt(p * (1 - p) / Draws);
            Assert.InRange(counts[i] / (double)Draws, p - (5 * sigma) - 1e-6, p + (5 * sigma) + 1e-6);
        }
    }

    [Fact]
    public void Top_k_samples_only_among_the_k_largest_with_ties_included()
    {
        var sampler = new TokenSampler(Logits.Length, 3) { TopK = 3 };
        var counts = new int[Logits.Length];
        for (int i = 0; i < 100_000; i++)
        {
            counts[sampler.Sample(Logits)]++;
        }

        // the three largest are 2.0, 2.0 and 1.0
        Assert.Equal(0, counts[2] + counts[3] + counts[5]);
        double[] expected = Softmax(Logits, 1f, keepAtLeast: 1.0f);
        Assert.InRange(counts[0] / 100_000.0, expected[0] - 0.01, expected[0] + 0.01);

        sampler.TopK = 2; // ties at the k-th value stay in
        Assert.All(Enumerable.Range(0, 1000).Select(_ => sampler.Sample(Logits)), token => Assert.True(token is 1 or 4));
    }

    [Fact]
    public void Same_seed_same_tokens_and_nothing_allocated()
    {
        var a = new TokenSampler(Logits.Length, 42) { TopK = 4, Temperature = 0.8f };
        var b = new TokenSampler(Logits.Length, 42) { TopK = 4, Temperature = 0.8f };
        int[] first = Enumerable.Range(0, 200).Select(_ => a.Sample(Logits)).ToArray();
        Assert.Equal(first, Enumerable.Range(0, 200).Select(_ => b.Sample(Logits)).ToArray());

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            a.Sample(Logits);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Bad_settings_and_lengths_are_refused()
    {
        var sampler = new TokenSampler(3, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Temperature = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Temperature = float.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.TopK = -1);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => sampler.Sample(new float[4])).ParamName);
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => sampler.Sample([0f, float.NaN, 1f])).ParamName);

        // greedy does not hide a broken model either
        sampler.Temperature = 0;
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => sampler.Sample([float.NaN, 0f, 1f])).ParamName);
        sampler.Temperature = 1;
        sampler.TopK = 1;
        Assert.Equal("logits", Assert.Throws<ArgumentException>(() => sampler.Sample([0f, float.PositiveInfinity, 1f])).ParamName);
    }

    /// <summary>−∞ masks a token out, as users of PyTorch and Hugging Face mask logits; only all-masked is refused.</summary>
    [Theory]
    [InlineData(0f, 0)]
    [InlineData(1f, 0)]
    [InlineData(1f, 2)]
    public void A_token_masked_with_minus_infinity_is_never_drawn(float temperature, int topK)
    {
        var sampler = new TokenSampler(4, 3) { Temperature = temperature, TopK = topK };
        float[] logits = [float.NegativeInfinity, 0.5f, float.NegativeInfinity, 0.2f];
        var drawn = new HashSet<int>();
        for (int i = 0; i < 2000; i++)
        {
            drawn.Add(sampler.Sample(logits));
        }

        Assert.Equal(temperature == 0f ? [1] : [1, 3], drawn.Order());

        var masked = Assert.Throws<ArgumentException>(() => sampler.Sample([float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity, float.NegativeInfinity]));
        Assert.Equal("logits", masked.ParamName);
        Assert.Contains("Every logit is −∞", masked.Message, StringComparison.Ordinal);
    }

    private static double[] Softmax(float[] logits, float temperature, float keepAtLeast)
    {
        double[] weights = logits.Select(l => l >= keepAtLeast ? Math.Exp(l / temperature) : 0).ToArray();
        double total = weights.Sum();
        return weights.Select(w => w / total).ToArray();
    }
}
