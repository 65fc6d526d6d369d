using System;
using System.Linq;

namespace RnnGen.Runtime.Tests.Kernels;

public class SeededRandomTests
{
    // First outputs for seed 42. These are a compatibility contract: models initialized with
    // seed 42 must get the same weights in every RnnGen version. Never update them to match a change.
    private static readonly ulong[] Seed42 =
    [
        0x15780B2E0C2EC716UL, 0x6104D9866D113A7EUL, 0xAE17533239E499A1UL,
        0xECB8AD4703B360A1UL, 0xFDE6DC7FE2EC5E64UL, 0xC50DA53101795238UL,
    ];

    [Fact]
    public void Seed_42_gives_the_pinned_sequence()
    {
        var random = new SeededRandom(42);

        Assert.Equal(Seed42, Draw(random, Seed42.Length));
    }

    [Fact]
    public void Seed_0_gives_the_published_xoshiro256starstar_sequence()
    {
        // Outputs of the reference C code (prng.di.unimi.it) with the state filled by splitmix64(0).
        ulong[] published = [0x99EC5F36CB75F2B4UL, 0xBF6E1F784956452AUL, 0x1A5F849D4933E6E0UL, 0x6AA594F1262D2D2CUL];

        Assert.Equal(published, Draw(new SeededRandom(0), published.Length));
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(42UL)]
    [InlineData(ulong.MaxValue)]
    public void Matches_an_independent_implementation(ulong seed)
    {
        var reference = ReferenceXoshiro.Seeded(seed);
        var random = new SeededRandom(seed);

        for (int i = 0; i < 1000; i++)
        {
            Assert.Equal(reference.Next(), random.NextUInt64());
        }
    }

    [Fact]
    public void Reference_implementation_reproduces_the_published_vectors()
    {
        // SplitMix64 from state 0, as published with the algorithm.
        ulong counter = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, ReferenceXoshiro.SplitMix64(ref counter));
        Assert.Equal(0x6E789E6AA1B965F4UL, ReferenceXoshiro.SplitMix64(ref counter));
        Assert.Equal(0x06C45D188009454FUL, ReferenceXoshiro.SplitMix64(ref counter));
        Assert.Equal(0xF88BB8A8724C81ECUL, ReferenceXoshiro.SplitMix64(ref counter));

        // xoshiro256** from state {1, 2, 3, 4}, worked by hand: rotl(2·5, 7)·9, then 0, then rotl(262149·5, 7)·9.
        var fromState = new ReferenceXoshiro([1, 2, 3, 4]);
        Assert.Equal(11520UL, fromState.Next());
        Assert.Equal(0UL, fromState.Next());
        Assert.Equal(1509978240UL, fromState.Next());
    }

    [Fact]
    public void Floats_and_doubles_take_the_top_bits()
    {
        var reference = ReferenceXoshiro.Seeded(42);
        var random = new SeededRandom(42);

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal((reference.Next() >> 40) / 16777216.0f, random.NextSingle());
            Assert.Equal((reference.Next() >> 11) / 9007199254740992.0, random.NextDouble());
        }
    }

    [Fact]
    public void NextSingle_has_uniform_mean_and_variance()
    {
        const int Count = 100_000;
        var random = new SeededRandom(1);
        double[] values = new double[Count];
        for (int i = 0; i < Count; i++)
        {
            float value = random.NextSingle();
            Assert.InRange(value, 0f, 0.99999994f);
            values[i] = value;
        }

        // Five standard errors: mean 1/2 with σ √(1/12 / N); variance 1/12 with σ √((1/80 − 1/144) / N).
        Assert.InRange(values.Average(), 0.5 - 0.0046, 0.5 + 0.0046);
        Assert.InRange(Variance(values), (1.0 / 12) - 0.0012, (1.0 / 12) + 0.0012);
    }

    [Fact]
    public void NextUniform_stays_in_its_interval()
    {
        var random = new SeededRandom(2);
        for (int i = 0; i < 10_000; i++)
        {
            Assert.InRange(random.NextUniform(-0.125f, 0.375f), -0.125f, 0.375f);
        }

        Assert.Equal(3f, random.NextUniform(3f, 3f));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextUniform(1f, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextUniform(0f, float.NaN));
    }

    [Fact]
    public void NextGaussian_has_zero_mean_and_unit_variance()
    {
        const int Count = 100_000;
        var random = new SeededRandom(3);
        double[] values = new double[Count];
        for (int i = 0; i < Count; i++)
        {
            values[i] = random.NextGaussian();
            Assert.True(double.IsFinite(values[i]));
        }

        // Five standard errors: σ = 1/√N for the mean, √(2/N) for the variance.
        Assert.InRange(values.Average(), -0.016, 0.016);
        Assert.InRange(Variance(values), 1 - 0.023, 1 + 0.023);
    }

    [Fact]
    public void NextGaussian_is_Box_Muller_on_the_pinned_stream()
    {
        // Pinned to a tolerance: platform math libraries may differ in the last bit of log, sin and cos.
        float[] expected = [-0.30326307f, 0.28846174f, 1.3438118f, -0.68797517f];
        var random = new SeededRandom(42);

        foreach (float value in expected)
        {
            Assert.Equal(value, random.NextGaussian(), 1e-6f);
        }

        var reference = ReferenceXoshiro.Seeded(42);
        double radius = Math.Sqrt(-2 * Math.Log(1 - ((reference.Next() >> 11) / 9007199254740992.0)));
        double angle = 2 * Math.PI * ((reference.Next() >> 11) / 9007199254740992.0);
        Assert.Equal((float)(radius * Math.Cos(angle)), expected[0]);
        Assert.Equal((float)(radius * Math.Sin(angle)), expected[1]);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(64)]
    public void NextInt_is_uniform_by_chi_square(int exclusiveMax)
    {
        int draws = 20_000 * exclusiveMax / 10;
        var random = new SeededRandom((ulong)exclusiveMax);
        int[] counts = new int[exclusiveMax];
        for (int i = 0; i < draws; i++)
        {
            counts[random.NextInt(exclusiveMax)]++;
        }

        double expected = (double)draws / exclusiveMax;
        double chiSquare = counts.Sum(count => (count - expected) * (count - expected) / expected);

        // Far beyond the 99.9th percentile of χ² with max − 1 degrees of freedom (27.9, 24.3, 103.4).
        Assert.InRange(chiSquare, 0, (exclusiveMax - 1) + (6 * Math.Sqrt(2 * (exclusiveMax - 1))) + 10);
    }

    [Fact]
    public void NextInt_stays_in_range_for_every_bound()
    {
        var random = new SeededRandom(5);
        foreach (int max in (int[])[1, 2, 3, 1000, (3 << 29) + 1, int.MaxValue])
        {
            for (int i = 0; i < 2000; i++)
            {
                Assert.InRange(random.NextInt(max), 0, max - 1);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(-3));
    }

    [Fact]
    public void Shuffle_is_a_deterministic_permutation()
    {
        int[] first = Enumerable.Range(0, 100).ToArray();
        int[] second = Enumerable.Range(0, 100).ToArray();
        int[] otherSeed = Enumerable.Range(0, 100).ToArray();

        new SeededRandom(6).Shuffle<int>(first);
        new SeededRandom(6).Shuffle<int>(second);
        new SeededRandom(7).Shuffle<int>(otherSeed);

        Assert.Equal(Enumerable.Range(0, 100), first.Order());
        Assert.Equal(first, second);
        Assert.NotEqual(first, otherSeed);
        Assert.NotEqual(Enumerable.Range(0, 100), first);
    }

    [Fact]
    public void Shuffle_reaches_every_permutation_of_three_evenly()
    {
        var random = new SeededRandom(8);
        var counts = new int[6];
        const int Draws = 60_000;
        for (int i = 0; i < Draws; i++)
        {
            Span<int> values = [0, 1, 2];
            random.Shuffle(values);
            counts[PermutationIndex(values)]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 9_500, 10_500));
    }

    [Fact]
    public void Fork_gives_distinct_deterministic_streams_and_leaves_the_parent_alone()
    {
        var parent = new SeededRandom(9);
        ulong[] childZero = Draw(parent.Fork(0), 8);
        ulong[] childOne = Draw(parent.Fork(1), 8);
        ulong[] childZeroAgain = Draw(parent.Fork(0), 8);
        ulong[] parentDraws = Draw(parent, 8);

        Assert.Equal(childZero, childZeroAgain);
        Assert.Equal(Draw(new SeededRandom(9), 8), parentDraws);
        Assert.NotEqual(childZero, childOne);
        Assert.NotEqual(childZero, parentDraws);
        Assert.Equal(24, childZero.Concat(childOne).Concat(parentDraws).Distinct().Count());

        // After the parent moves on, the same stream number gives a new child.
        Assert.NotEqual(childZero, Draw(parent.Fork(0), 8));
        Assert.Equal(Draw(new SeededRandom(9).Fork(3), 8), Draw(new SeededRandom(9).Fork(3), 8));
    }

    private static ulong[] Draw(SeededRandom random, int count)
    {
        var values = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.NextUInt64();
        }

        return values;
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average();
        return values.Sum(value => (value - mean) * (value - mean)) / (values.Length - 1);
    }

    private static int PermutationIndex(ReadOnlySpan<int> values) => (values[0] * 2) + (values[1] > values[2] ? 1 : 0);

    /// <summary>
    /// A second, deliberately plain transcription of Vigna's splitmix64.c and xoshiro256starstar.c
    /// (state in an array, rotations by hand), to check the production code against.
    /// </summary>
    private sealed class ReferenceXoshiro(ulong[] state)
    {
        private readonly ulong[] _s = state;

        public static ReferenceXoshiro Seeded(ulong seed)
        {
            ulong counter = seed;
            return new ReferenceXoshiro([SplitMix64(ref counter), SplitMix64(ref counter), SplitMix64(ref counter), SplitMix64(ref counter)]);
        }

        public static ulong SplitMix64(ref ulong x)
        {
            ulong z = x += 0x9e3779b97f4a7c15;
            z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
            z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
            return z ^ (z >> 31);
        }

        public ulong Next()
        {
            ulong result = Rotl(_s[1] * 5, 7) * 9;
            ulong t = _s[1] << 17;
            _s[2] ^= _s[0];
            _s[3] ^= _s[1];
            _s[1] ^= _s[2];
            _s[0] ^= _s[3];
            _s[2] ^= t;
            _s[3] = Rotl(_s[3], 45);
            return result;
        }

        private static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));
    }
}
