using System;
using System.Globalization;
using System.Numerics;

namespace RnnGen;

/// <summary>
/// A deterministic pseudo-random source: xoshiro256** (Blackman and Vigna) seeded through SplitMix64.
/// </summary>
/// <remarks>
/// <para>
/// The sequence produced for a seed is part of RnnGen's contract: it is the same on every platform,
/// runtime and RnnGen version, so a model initialized with <c>seed: 42</c> starts from the same
/// weights everywhere, and tests pin its first values. <see cref="NextUInt64"/>, <see cref="NextSingle"/>,
/// <see cref="NextDouble"/>, <see cref="NextUniform"/>, <see cref="NextInt"/>, <see cref="Shuffle{T}"/>
/// and <see cref="Fork"/> use integer arithmetic and exact scalings only, so they are bit-identical
/// everywhere. <see cref="NextGaussian"/> also calls the platform's double-precision logarithm, sine and
/// cosine; a one-ulp difference between math libraries changes its float result only in the rare case
/// where it crosses a float rounding boundary.
/// </para>
/// <para>Not thread-safe, and not suitable for cryptography.</para>
/// </remarks>
public sealed class SeededRandom
{
    private const double TwoPi = 2 * Math.PI;

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;
    private float _cachedGaussian;
    private bool _hasCachedGaussian;

    /// <summary>Creates a source whose sequence is fully determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value, zero included.</param>
    public SeededRandom(ulong seed)
    {
        // Four SplitMix64 outputs of consecutive counters are never all zero, the one state xoshiro must avoid.
        ulong counter = seed;
        _s0 = SplitMix64(ref counter);
        _s1 = SplitMix64(ref counter);
        _s2 = SplitMix64(ref counter);
        _s3 = SplitMix64(ref counter);
    }

    /// <summary>Returns the next 64 uniformly distributed bits.</summary>
    /// <returns>A value in [0, 2^64).</returns>
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniform float in [0, 1): the top 24 bits of <see cref="NextUInt64"/> times 2^−24.</summary>
    /// <returns>A multiple of 2^−24 in [0, 1).</returns>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Returns a uniform double in [0, 1): the top 53 bits of <see cref="NextUInt64"/> times 2^−53.</summary>
    /// <returns>A multiple of 2^−53 in [0, 1).</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns low + (high − low) · <see cref="NextSingle"/>, as PyTorch's <c>uniform_</c> does.</summary>
    /// <param name="low">Lower bound, included.</param>
    /// <param name="high">Upper bound; at least <paramref name="low"/>.</param>
    /// <returns>
    /// A float in [low, high); float rounding can produce <paramref name="high"/> itself when the
    /// interval is wide compared with the precision near it.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="high"/> is below <paramref name="low"/> or either is NaN.</exception>
    public float NextUniform(float low, float high)
    {
        if (!(high >= low))
        {
            throw new ArgumentOutOfRangeException(
                nameof(high), high, string.Create(CultureInfo.InvariantCulture, $"high must be at least low ({low}), but is {high}."));
        }

        return low + ((high - low) * NextSingle());
    }

    /// <summary>
    /// Returns a standard normal value N(0, 1) by the Box–Muller transform in double precision.
    /// Each transform yields two values; the second is kept for the next call.
    /// </summary>
    /// <returns>A normally distributed float with mean 0 and variance 1.</returns>
    public float NextGaussian()
    {
        if (_hasCachedGaussian)
        {
            _hasCachedGaussian = false;
            return _cachedGaussian;
        }

        // 1 − u lies in (0, 1], so the logarithm never sees 0.
        double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - NextDouble()));
        double angle = TwoPi * NextDouble();
        _cachedGaussian = (float)(radius * Math.Sin(angle));
        _hasCachedGaussian = true;
        return (float)(radius * Math.Cos(angle));
    }

    /// <summary>Returns a uniformly distributed integer in [0, <paramref name="exclusiveMax"/>), without modulo bias.</summary>
    /// <param name="exclusiveMax">Upper bound, excluded; positive.</param>
    /// <returns>A value in [0, exclusiveMax).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exclusiveMax"/> is zero or negative.</exception>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);

        // Lemire's multiply-shift: the high half of x · max is uniform once the low halves
        // below 2^32 mod max, which would be hit once too often, are rejected.
        uint max = (uint)exclusiveMax;
        ulong product = (NextUInt64() >> 32) * max;
        uint low = (uint)product;
        if (low < max)
        {
            uint threshold = (0u - max) % max;
            while (low < threshold)
            {
                product = (NextUInt64() >> 32) * max;
                low = (uint)product;
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>Shuffles <paramref name="values"/> in place with the Fisher–Yates algorithm.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="values">Elements to permute; every permutation is equally likely.</param>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>
    /// Returns an independent source for a numbered sub-stream, derived from this source's current state
    /// and <paramref name="stream"/>. This source is not advanced: forking the same stream twice from the
    /// same state gives identical children, and different stream numbers give different children.
    /// </summary>
    /// <param name="stream">Sub-stream number, e.g. a layer or worker index.</param>
    /// <returns>A new source; this one's sequence is unchanged.</returns>
    public SeededRandom Fork(ulong stream)
    {
        // Each step is a bijection of the running value, so distinct streams give distinct seeds.
        ulong seed = stream;
        seed = Mix(seed) ^ _s0;
        seed = Mix(seed) ^ _s1;
        seed = Mix(seed) ^ _s2;
        seed = Mix(seed) ^ _s3;
        return new SeededRandom(Mix(seed));
    }

    private static ulong SplitMix64(ref ulong counter)
    {
        counter += 0x9E3779B97F4A7C15UL;
        return Mix(counter);
    }

    // SplitMix64's output function (Stafford's Mix13), a bijection on 64-bit values.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
