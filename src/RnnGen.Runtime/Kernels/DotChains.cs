using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// The dot products of four rows with one vector, as the batch-1 products run them: one multiply-add chain per row and
/// vector lane, the final vector ending at the rows' end with the lanes already summed masked off in both factors (so
/// that 0 · ∞ cannot turn into NaN). Callers reduce the four chains and add them where they belong.
/// </summary>
/// <remarks>
/// The eight-row loops (StepKernels' Block8, MatrixLoops.DotBlock1x8) keep their own copy of this loop on purpose. A
/// shared Eight with eight accumulators by reference was inlined in a loop at full optimization, but under dynamic PGO
/// the JIT left it a call in the tier-1 code of the benchmark process, accumulators in memory: the default
/// LSTM(28→32) Step went from 0.32 to 1.27 µs, LSTM(28→128) from 3.9 to 12.2 µs (--quick runs, TieredPGO=0 undid it).
/// </remarks>
internal static class DotChains
{
    /// <summary>s_i += v · r_i lane by lane over n ≥ TSimd.Count values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Four<TSimd, TVec>(
        ref float v, ref float r0, ref float r1, ref float r2, ref float r3, nuint n, ref TVec s0, ref TVec s1, ref TVec s2, ref TVec s3)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        for (; n - k > width; k += width)
        {
            TVec a = TSimd.Load(ref v, k);
            s0 = TSimd.MultiplyAdd(a, TSimd.Load(ref r0, k), s0);
            s1 = TSimd.MultiplyAdd(a, TSimd.Load(ref r1, k), s1);
            s2 = TSimd.MultiplyAdd(a, TSimd.Load(ref r2, k), s2);
            s3 = TSimd.MultiplyAdd(a, TSimd.Load(ref r3, k), s3);
        }

        nuint last = n - width;
        TVec mask = TSimd.LanesFrom((int)(k - last));
        TVec t = TSimd.And(TSimd.Load(ref v, last), mask);
        s0 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r0, last), mask), s0);
        s1 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r1, last), mask), s1);
        s2 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r2, last), mask), s2);
        s3 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r3, last), mask), s3);
    }
}
