using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace RnnGen.Benchmarks.Benchmarks;

/// <summary>
/// This core's fused multiply-add peak, measured in the same harness as the cases: ten independent accumulators
/// (more than FMA latency × FMA ports on current x64 cores) held in registers, updated by a long loop.
/// </summary>
/// <remarks>
/// The Vector512 benchmark runs only where <see cref="Vector512.IsHardwareAccelerated"/> (see
/// <see cref="BenchmarkConfig"/>); the peak is the faster of the two.
/// </remarks>
[MemoryDiagnoser]
public class PeakFlopsBenchmarks
{
    /// <summary>Loop trips per operation: 10 FMAs each, about a millisecond in all.</summary>
    public const int Iterations = 1 << 19;

    /// <summary>Independent accumulators, each one FMA per trip.</summary>
    public const int Accumulators = 10;

    // Fields, so the JIT cannot fold the loop into a constant.
    private float _multiplier = 0.999999f;
    private float _addend = 1e-7f;

    /// <summary>FLOPs of one operation at <paramref name="lanes"/> floats per vector (an FMA is 2 per lane).</summary>
    public static double FlopsPerOperation(int lanes) => 2.0 * lanes * Accumulators * Iterations;

    [Benchmark]
    public float Fma256()
    {
        Vector256<float> m = Vector256.Create(_multiplier), c = Vector256.Create(_addend);
        Vector256<float> a0 = Vector256.Create(0.0f), a1 = Vector256.Create(0.1f), a2 = Vector256.Create(0.2f), a3 = Vector256.Create(0.3f), a4 = Vector256.Create(0.4f);
        Vector256<float> a5 = Vector256.Create(0.5f), a6 = Vector256.Create(0.6f), a7 = Vector256.Create(0.7f), a8 = Vector256.Create(0.8f), a9 = Vector256.Create(0.9f);
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector256.FusedMultiplyAdd(a0, m, c);
            a1 = Vector256.FusedMultiplyAdd(a1, m, c);
            a2 = Vector256.FusedMultiplyAdd(a2, m, c);
            a3 = Vector256.FusedMultiplyAdd(a3, m, c);
            a4 = Vector256.FusedMultiplyAdd(a4, m, c);
            a5 = Vector256.FusedMultiplyAdd(a5, m, c);
            a6 = Vector256.FusedMultiplyAdd(a6, m, c);
            a7 = Vector256.FusedMultiplyAdd(a7, m, c);
            a8 = Vector256.FusedMultiplyAdd(a8, m, c);
            a9 = Vector256.FusedMultiplyAdd(a9, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
    }

    [Benchmark]
    public float Fma512()
    {
        Vector512<float> m = Vector512.Create(_multiplier), c = Vector512.Create(_addend);
        Vector512<float> a0 = Vector512.Create(0.0f), a1 = Vector512.Create(0.1f), a2 = Vector512.Create(0.2f), a3 = Vector512.Create(0.3f), a4 = Vector512.Create(0.4f);
        Vector512<float> a5 = Vector512.Create(0.5f), a6 = Vector512.Create(0.6f), a7 = Vector512.Create(0.7f), a8 = Vector512.Create(0.8f), a9 = Vector512.Create(0.9f);
        for (int i = 0; i < Iterations; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, c);
            a1 = Vector512.FusedMultiplyAdd(a1, m, c);
            a2 = Vector512.FusedMultiplyAdd(a2, m, c);
            a3 = Vector512.FusedMultiplyAdd(a3, m, c);
            a4 = Vector512.FusedMultiplyAdd(a4, m, c);
            a5 = Vector512.FusedMultiplyAdd(a5, m, c);
            a6 = Vector512.FusedMultiplyAdd(a6, m, c);
            a7 = Vector512.FusedMultiplyAdd(a7, m, c);
            a8 = Vector512.FusedMultiplyAdd(a8, m, c);
            a9 = Vector512.FusedMultiplyAdd(a9, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
    }
}
