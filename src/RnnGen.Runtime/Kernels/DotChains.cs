using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// The dot products of four or eight rows with one vector, as the batch-1 products run them: one multiply-add chain per
/// row and vector lane, the final vector ending at the rows' end with the lanes already summed masked off in both
/// factors (so that 0 · ∞ cannot turn into NaN). A row's chain is the same in both, so its sum does not depend on how
/// many rows go together. Callers reduce the chains and add them where they belong.
/// </summary>
internal static class DotChains
{
    /// <summary>
    /// s_i += v · r_i lane by lane over n ≥ TSimd.Count values, for the four rows r_i = r0 + i·n (contiguous rows of a
    /// [outputs, n] matrix).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Four<TSimd, TVec>(ref float v, ref float r0, nuint n, ref TVec s0, ref TVec s1, ref TVec s2, ref TVec s3)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float r1 = ref Unsafe.Add(ref r0, n);
        ref float r2 = ref Unsafe.Add(ref r1, n);
        ref float r3 = ref Unsafe.Add(ref r2, n);
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

    /// <summary>
    /// s_i += v · r_i lane by lane over n ≥ TSimd.Count values, for the eight rows r_i = r0 + i·n (contiguous rows of a
    /// [outputs, n] matrix): eight chains keep both multiply-add pipes busy through their latency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Eight<TSimd, TVec>(
        ref float v, ref float r0, nuint n,
        ref TVec s0, ref TVec s1, ref TVec s2, ref TVec s3, ref TVec s4, ref TVec s5, ref TVec s6, ref TVec s7)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float r1 = ref Unsafe.Add(ref r0, n);
        ref float r2 = ref Unsafe.Add(ref r1, n);
        ref float r3 = ref Unsafe.Add(ref r2, n);
        ref float r4 = ref Unsafe.Add(ref r3, n);
        ref float r5 = ref Unsafe.Add(ref r4, n);
        ref float r6 = ref Unsafe.Add(ref r5, n);
        ref float r7 = ref Unsafe.Add(ref r6, n);
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        for (; n - k > width; k += width)
        {
            TVec a = TSimd.Load(ref v, k);
            s0 = TSimd.MultiplyAdd(a, TSimd.Load(ref r0, k), s0);
            s1 = TSimd.MultiplyAdd(a, TSimd.Load(ref r1, k), s1);
            s2 = TSimd.MultiplyAdd(a, TSimd.Load(ref r2, k), s2);
            s3 = TSimd.MultiplyAdd(a, TSimd.Load(ref r3, k), s3);
            s4 = TSimd.MultiplyAdd(a, TSimd.Load(ref r4, k), s4);
            s5 = TSimd.MultiplyAdd(a, TSimd.Load(ref r5, k), s5);
            s6 = TSimd.MultiplyAdd(a, TSimd.Load(ref r6, k), s6);
            s7 = TSimd.MultiplyAdd(a, TSimd.Load(ref r7, k), s7);
        }

        nuint last = n - width;
        TVec mask = TSimd.LanesFrom((int)(k - last));
        TVec t = TSimd.And(TSimd.Load(ref v, last), mask);
        s0 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r0, last), mask), s0);
        s1 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r1, last), mask), s1);
        s2 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r2, last), mask), s2);
        s3 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r3, last), mask), s3);
        s4 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r4, last), mask), s4);
        s5 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r5, last), mask), s5);
        s6 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r6, last), mask), s6);
        s7 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref r7, last), mask), s7);
    }
}
