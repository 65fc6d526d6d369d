using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Shape of sums[j] += Σ_r g[r·GStride + j] for r &lt; Rows, j &lt; Width, added to a second vector too when Both.
/// </summary>
internal readonly record struct ColumnSumShape(int Rows, nuint GStride, nuint Width, bool Both);

/// <summary>
/// Vector loops, generic over the width. Callers have validated every length and guarantee that the
/// vectorized dimension is at least <c>TSimd.Count</c>, so the final vector of a row can start at
/// n − Count; lanes already handled are masked off (products) or kept (stores).
/// </summary>
internal static class MatrixLoops
{
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyTransposedAdd<TSimd, TVec>(
        ref float a, nuint aStride, ref float w, ref float c, nuint cStride, int rows, nuint inner, int outputs)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        // Blocks of 2 rows × 4 outputs: 8 accumulators share each load of a and of w
        // and fit the 16 vector registers of AVX2 and NEON with room for the operands.
        int r = 0;
        for (; r + 2 <= rows; r += 2)
        {
            ref float a0 = ref Unsafe.Add(ref a, (nuint)r * aStride);
            ref float a1 = ref Unsafe.Add(ref a0, aStride);
            ref float c0 = ref Unsafe.Add(ref c, (nuint)r * cStride);
            ref float c1 = ref Unsafe.Add(ref c0, cStride);
            int o = 0;
            for (; o + 4 <= outputs; o += 4)
            {
                DotBlock2x4<TSimd, TVec>(ref a0, ref a1, ref Unsafe.Add(ref w, (nuint)o * inner), inner, ref Unsafe.Add(ref c0, o), ref Unsafe.Add(ref c1, o));
            }

            for (; o < outputs; o++)
            {
                ref float wo = ref Unsafe.Add(ref w, (nuint)o * inner);
                Unsafe.Add(ref c0, o) += Dot<TSimd, TVec>(ref a0, ref wo, inner);
                Unsafe.Add(ref c1, o) += Dot<TSimd, TVec>(ref a1, ref wo, inner);
            }
        }

        if (r < rows)
        {
            // The last odd row, and batch 1: streams w once, eight rows of it at a time (eight independent
            // multiply-add chains keep both FMA units busy; four left half of them waiting on latency).
            ref float a0 = ref Unsafe.Add(ref a, (nuint)r * aStride);
            ref float c0 = ref Unsafe.Add(ref c, (nuint)r * cStride);
            int o = 0;
            for (; o + 8 <= outputs; o += 8)
            {
                DotBlock1x8<TSimd, TVec>(ref a0, ref Unsafe.Add(ref w, (nuint)o * inner), inner, ref Unsafe.Add(ref c0, o));
            }

            for (; o + 4 <= outputs; o += 4)
            {
                DotBlock1x4<TSimd, TVec>(ref a0, ref Unsafe.Add(ref w, (nuint)o * inner), inner, ref Unsafe.Add(ref c0, o));
            }

            for (; o < outputs; o++)
            {
                Unsafe.Add(ref c0, o) += Dot<TSimd, TVec>(ref a0, ref Unsafe.Add(ref w, (nuint)o * inner), inner);
            }
        }
    }

    // c0[0..4) += a0 · w[0..4)ᵀ and c1[0..4) += a1 · w[0..4)ᵀ, where w holds four contiguous rows of length n.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock2x4<TSimd, TVec>(ref float a0, ref float a1, ref float w0, nuint n, ref float c0, ref float c1)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float w1 = ref Unsafe.Add(ref w0, n);
        ref float w2 = ref Unsafe.Add(ref w1, n);
        ref float w3 = ref Unsafe.Add(ref w2, n);
        TVec s00 = TSimd.Zero, s01 = TSimd.Zero, s02 = TSimd.Zero, s03 = TSimd.Zero;
        TVec s10 = TSimd.Zero, s11 = TSimd.Zero, s12 = TSimd.Zero, s13 = TSimd.Zero;
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        for (; n - k > width; k += width)
        {
            TVec x0 = TSimd.Load(ref a0, k);
            TVec x1 = TSimd.Load(ref a1, k);
            TVec v = TSimd.Load(ref w0, k);
            s00 = TSimd.MultiplyAdd(x0, v, s00);
            s10 = TSimd.MultiplyAdd(x1, v, s10);
            v = TSimd.Load(ref w1, k);
            s01 = TSimd.MultiplyAdd(x0, v, s01);
            s11 = TSimd.MultiplyAdd(x1, v, s11);
            v = TSimd.Load(ref w2, k);
            s02 = TSimd.MultiplyAdd(x0, v, s02);
            s12 = TSimd.MultiplyAdd(x1, v, s12);
            v = TSimd.Load(ref w3, k);
            s03 = TSimd.MultiplyAdd(x0, v, s03);
            s13 = TSimd.MultiplyAdd(x1, v, s13);
        }

        // The final vector ends at n; both factors are masked so a non-finite value
        // in an overlapping lane cannot turn 0 · ∞ into NaN.
        nuint last = n - width;
        TVec mask = TSimd.LanesFrom((int)(k - last));
        TVec t0 = TSimd.And(TSimd.Load(ref a0, last), mask);
        TVec t1 = TSimd.And(TSimd.Load(ref a1, last), mask);
        TVec u = TSimd.And(TSimd.Load(ref w0, last), mask);
        s00 = TSimd.MultiplyAdd(t0, u, s00);
        s10 = TSimd.MultiplyAdd(t1, u, s10);
        u = TSimd.And(TSimd.Load(ref w1, last), mask);
        s01 = TSimd.MultiplyAdd(t0, u, s01);
        s11 = TSimd.MultiplyAdd(t1, u, s11);
        u = TSimd.And(TSimd.Load(ref w2, last), mask);
        s02 = TSimd.MultiplyAdd(t0, u, s02);
        s12 = TSimd.MultiplyAdd(t1, u, s12);
        u = TSimd.And(TSimd.Load(ref w3, last), mask);
        s03 = TSimd.MultiplyAdd(t0, u, s03);
        s13 = TSimd.MultiplyAdd(t1, u, s13);

        (Vector128.LoadUnsafe(ref c0) + TSimd.SumEach(s00, s01, s02, s03)).StoreUnsafe(ref c0);
        (Vector128.LoadUnsafe(ref c1) + TSimd.SumEach(s10, s11, s12, s13)).StoreUnsafe(ref c1);
    }

    // c0[0..4) += a0 · w[0..4)ᵀ, where w holds four contiguous rows of length n.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock1x4<TSimd, TVec>(ref float a0, ref float w0, nuint n, ref float c0)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float w1 = ref Unsafe.Add(ref w0, n);
        ref float w2 = ref Unsafe.Add(ref w1, n);
        ref float w3 = ref Unsafe.Add(ref w2, n);
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        DotChains.Four<TSimd, TVec>(ref a0, ref w0, ref w1, ref w2, ref w3, n, ref s0, ref s1, ref s2, ref s3);
        (Vector128.LoadUnsafe(ref c0) + TSimd.SumEach(s0, s1, s2, s3)).StoreUnsafe(ref c0);
    }

    // c0[0..8) += a0 · w[0..8)ᵀ: DotBlock1x4 twice over, each output computed exactly as there.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotBlock1x8<TSimd, TVec>(ref float a0, ref float w0, nuint n, ref float c0)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float w1 = ref Unsafe.Add(ref w0, n);
        ref float w2 = ref Unsafe.Add(ref w1, n);
        ref float w3 = ref Unsafe.Add(ref w2, n);
        ref float w4 = ref Unsafe.Add(ref w3, n);
        ref float w5 = ref Unsafe.Add(ref w4, n);
        ref float w6 = ref Unsafe.Add(ref w5, n);
        ref float w7 = ref Unsafe.Add(ref w6, n);
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        for (; n - k > width; k += width)
        {
            TVec x = TSimd.Load(ref a0, k);
            s0 = TSimd.MultiplyAdd(x, TSimd.Load(ref w0, k), s0);
            s1 = TSimd.MultiplyAdd(x, TSimd.Load(ref w1, k), s1);
            s2 = TSimd.MultiplyAdd(x, TSimd.Load(ref w2, k), s2);
            s3 = TSimd.MultiplyAdd(x, TSimd.Load(ref w3, k), s3);
            s4 = TSimd.MultiplyAdd(x, TSimd.Load(ref w4, k), s4);
            s5 = TSimd.MultiplyAdd(x, TSimd.Load(ref w5, k), s5);
            s6 = TSimd.MultiplyAdd(x, TSimd.Load(ref w6, k), s6);
            s7 = TSimd.MultiplyAdd(x, TSimd.Load(ref w7, k), s7);
        }

        nuint last = n - width;
        TVec mask = TSimd.LanesFrom((int)(k - last));
        TVec t = TSimd.And(TSimd.Load(ref a0, last), mask);
        s0 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref w0, last), mask), s0);
        s1 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref w1, last), mask), s1);
        s2 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref w2, last), mask), s2);
        s3 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref w3, last), mask), s3);
        s4 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref w4, last), mask), s4);
        s5 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref w5, last), mask), s5);
        s6 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref w6, last), mask), s6);
        s7 = TSimd.MultiplyAdd(t, TSimd.And(TSimd.Load(ref w7, last), mask), s7);

        (Vector128.LoadUnsafe(ref c0) + TSimd.SumEach(s0, s1, s2, s3)).StoreUnsafe(ref c0);
        (Vector128.LoadUnsafe(ref c0, 4) + TSimd.SumEach(s4, s5, s6, s7)).StoreUnsafe(ref c0, 4);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Dot<TSimd, TVec>(ref float x, ref float y, nuint n)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        TVec s0 = TSimd.Zero;
        if (n >= 4 * width)
        {
            // Four independent chains hide the latency of the multiply-add.
            TVec s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            for (; n - k >= 4 * width; k += 4 * width)
            {
                s0 = TSimd.MultiplyAdd(TSimd.Load(ref x, k), TSimd.Load(ref y, k), s0);
                s1 = TSimd.MultiplyAdd(TSimd.Load(ref x, k + width), TSimd.Load(ref y, k + width), s1);
                s2 = TSimd.MultiplyAdd(TSimd.Load(ref x, k + (2 * width)), TSimd.Load(ref y, k + (2 * width)), s2);
                s3 = TSimd.MultiplyAdd(TSimd.Load(ref x, k + (3 * width)), TSimd.Load(ref y, k + (3 * width)), s3);
            }

            s0 = TSimd.Add(TSimd.Add(s0, s1), TSimd.Add(s2, s3));
        }

        for (; n - k > width; k += width)
        {
            s0 = TSimd.MultiplyAdd(TSimd.Load(ref x, k), TSimd.Load(ref y, k), s0);
        }

        nuint last = n - width;
        TVec mask = TSimd.LanesFrom((int)(k - last));
        s0 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref x, last), mask), TSimd.And(TSimd.Load(ref y, last), mask), s0);
        return TSimd.Sum(s0);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AddScaled<TSimd, TVec>(float alpha, ref float x, ref float y, nuint n)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec scale = TSimd.Broadcast(alpha);
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        for (; n - k >= width; k += width)
        {
            TSimd.Store(TSimd.MultiplyAdd(scale, TSimd.Load(ref x, k), TSimd.Load(ref y, k)), ref y, k);
        }

        if (k < n)
        {
            // Lanes below k were stored already: keep their bits as they are.
            nuint last = n - width;
            TVec old = TSimd.Load(ref y, last);
            TVec sum = TSimd.MultiplyAdd(scale, TSimd.Load(ref x, last), old);
            TSimd.Store(TSimd.Select(TSimd.LanesFrom((int)(k - last)), sum, old), ref y, last);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void AccumulateColumnSums<TSimd, TVec>(ref float g, ref float sums, ref float otherSums, in ColumnSumShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        // Four vectors of columns at a time, summed down all the rows in registers (each row's floats are read once,
        // and no partial sum goes back to memory), then added to the targets.
        nuint width = (nuint)TSimd.Count;
        nuint n = shape.Width;
        nuint j = 0;
        for (; n - j >= 4 * width; j += 4 * width)
        {
            TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            ref float row = ref Unsafe.Add(ref g, j);
            for (int r = 0; r < shape.Rows; r++)
            {
                s0 = TSimd.Add(s0, TSimd.Load(ref row, 0));
                s1 = TSimd.Add(s1, TSimd.Load(ref row, width));
                s2 = TSimd.Add(s2, TSimd.Load(ref row, 2 * width));
                s3 = TSimd.Add(s3, TSimd.Load(ref row, 3 * width));
                row = ref Unsafe.Add(ref row, shape.GStride);
            }

            AddColumnSums<TSimd, TVec>(s0, ref sums, ref otherSums, j, shape.Both);
            AddColumnSums<TSimd, TVec>(s1, ref sums, ref otherSums, j + width, shape.Both);
            AddColumnSums<TSimd, TVec>(s2, ref sums, ref otherSums, j + (2 * width), shape.Both);
            AddColumnSums<TSimd, TVec>(s3, ref sums, ref otherSums, j + (3 * width), shape.Both);
        }

        for (; n - j >= width; j += width)
        {
            AddColumnSums<TSimd, TVec>(SumColumns<TSimd, TVec>(ref Unsafe.Add(ref g, j), shape), ref sums, ref otherSums, j, shape.Both);
        }

        if (j < n)
        {
            // The final vector ends at n; lanes below j were added already and keep their bits.
            nuint last = n - width;
            TVec tail = SumColumns<TSimd, TVec>(ref Unsafe.Add(ref g, last), shape);
            TVec mask = TSimd.LanesFrom((int)(j - last));
            TVec old = TSimd.Load(ref sums, last);
            TSimd.Store(TSimd.Select(mask, TSimd.Add(old, tail), old), ref sums, last);
            if (shape.Both)
            {
                old = TSimd.Load(ref otherSums, last);
                TSimd.Store(TSimd.Select(mask, TSimd.Add(old, tail), old), ref otherSums, last);
            }
        }
    }

    private static TVec SumColumns<TSimd, TVec>(ref float g, in ColumnSumShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec sum = TSimd.Zero;
        ref float row = ref g;
        for (int r = 0; r < shape.Rows; r++)
        {
            sum = TSimd.Add(sum, TSimd.Load(ref row, 0));
            row = ref Unsafe.Add(ref row, shape.GStride);
        }

        return sum;
    }

    private static void AddColumnSums<TSimd, TVec>(TVec sum, ref float sums, ref float otherSums, nuint offset, bool both)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TSimd.Store(TSimd.Add(TSimd.Load(ref sums, offset), sum), ref sums, offset);
        if (both)
        {
            TSimd.Store(TSimd.Add(TSimd.Load(ref otherSums, offset), sum), ref otherSums, offset);
        }
    }
}

/// <summary>Scalar loops: the path without SIMD, and for rows narrower than the narrowest vector that nothing vectorizes across.</summary>
internal static class ScalarLoops
{
    public static void MultiplyTransposedAdd(ref float a, nuint aStride, ref float w, ref float c, nuint cStride, int rows, nuint inner, int outputs)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float ar = ref Unsafe.Add(ref a, (nuint)r * aStride);
            ref float cr = ref Unsafe.Add(ref c, (nuint)r * cStride);
            for (int o = 0; o < outputs; o++)
            {
                Unsafe.Add(ref cr, o) += Dot(ref ar, ref Unsafe.Add(ref w, (nuint)o * inner), inner);
            }
        }
    }

    public static float Dot(ref float x, ref float y, nuint n)
    {
        float sum = 0f;
        for (nuint k = 0; k < n; k++)
        {
            sum += Unsafe.Add(ref x, k) * Unsafe.Add(ref y, k);
        }

        return sum;
    }

    public static void AddScaled(float alpha, ref float x, ref float y, nuint n)
    {
        for (nuint k = 0; k < n; k++)
        {
            Unsafe.Add(ref y, k) += alpha * Unsafe.Add(ref x, k);
        }
    }

    public static void AccumulateColumnSums(ref float g, ref float sums, ref float otherSums, in ColumnSumShape shape)
    {
        for (nuint j = 0; j < shape.Width; j++)
        {
            float sum = 0f;
            for (int r = 0; r < shape.Rows; r++)
            {
                sum += Unsafe.Add(ref g, ((nuint)r * shape.GStride) + j);
            }

            Unsafe.Add(ref sums, j) += sum;
            if (shape.Both)
            {
                Unsafe.Add(ref otherSums, j) += sum;
            }
        }
    }
}
