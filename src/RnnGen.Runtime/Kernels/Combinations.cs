using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Shape of target[i·TargetStride + k] += Σ_j coefficients[i·CoefficientCountStride + j·CoefficientTermStride] · terms[j·TermStride + k]
/// for i &lt; Count, j &lt; Terms, k &lt; Width: each target row is a linear combination of term rows.
/// Both the input gradient g·W and the weight gradient gᵀ·a have this form.
/// </summary>
internal readonly record struct CombinationShape(
    int Count, nuint TargetStride, nuint CoefficientCountStride, nuint CoefficientTermStride, int Terms, nuint TermStride, nuint Width);

/// <summary>The loops that compute a shape of combinations, by how its rows and coefficients lie.</summary>
internal static class Combinations
{
    // Target rows += combinations of term rows, the products the packed kernel does not take. Rows narrower than a
    // 256-bit vector whose coefficients lie side by side (the weight gradient of a layer with a few inputs; an input
    // gradient through a single output) go across the targets, a vector holding one element of consecutive target
    // rows: along the rows, fewer than four elements went to scalar code, which took 43 % of an LSTM(3→64) training
    // step. Across and along, each element is the same chain of multiply-adds; the scalar loops (no SIMD, or fewer
    // targets than a 128-bit vector) do not fuse.
    public static void Accumulate(ref float target, ref float coefficients, ref float terms, in CombinationShape shape)
    {
        nuint width = shape.Width;
        bool across = shape.CoefficientCountStride == 1 && width < (nuint)Vector256<float>.Count;
        if (across && Vector512.IsHardwareAccelerated && shape.Count >= Vector512<float>.Count)
        {
            Across<Simd512, Vector512<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (across && Vector256.IsHardwareAccelerated && shape.Count >= Vector256<float>.Count)
        {
            Across<Simd256, Vector256<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (across && Vector128.IsHardwareAccelerated && shape.Count >= Vector128<float>.Count)
        {
            Across<Simd128, Vector128<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (Vector512.IsHardwareAccelerated && width >= (nuint)Vector512<float>.Count)
        {
            Along<Simd512, Vector512<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (Vector256.IsHardwareAccelerated && width >= (nuint)Vector256<float>.Count)
        {
            Along<Simd256, Vector256<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (Vector128.IsHardwareAccelerated && width >= (nuint)Vector128<float>.Count)
        {
            Along<Simd128, Vector128<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else
        {
            Scalar(ref target, ref coefficients, ref terms, shape);
        }
    }

    /// <summary>The combinations along the target rows, a vector holding consecutive elements of one row.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Along<TSimd, TVec>(ref float target, ref float coefficients, ref float terms, in CombinationShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        // Four target rows at a time share every load of a term row.
        int i = 0;
        for (; i + 4 <= shape.Count; i += 4)
        {
            Combine4<TSimd, TVec>(
                ref Unsafe.Add(ref target, (nuint)i * shape.TargetStride),
                ref Unsafe.Add(ref coefficients, (nuint)i * shape.CoefficientCountStride),
                ref terms,
                shape);
        }

        for (; i < shape.Count; i++)
        {
            Combine1<TSimd, TVec>(
                ref Unsafe.Add(ref target, (nuint)i * shape.TargetStride),
                ref Unsafe.Add(ref coefficients, (nuint)i * shape.CoefficientCountStride),
                ref terms,
                shape);
        }
    }

    // Target rows 0..4 (from y0) += Σ_j coefficient(row, j) · terms row j.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine4<TSimd, TVec>(ref float y0, ref float k0, ref float terms, in CombinationShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float y1 = ref Unsafe.Add(ref y0, shape.TargetStride);
        ref float y2 = ref Unsafe.Add(ref y1, shape.TargetStride);
        ref float y3 = ref Unsafe.Add(ref y2, shape.TargetStride);
        ref float k1 = ref Unsafe.Add(ref k0, shape.CoefficientCountStride);
        ref float k2 = ref Unsafe.Add(ref k1, shape.CoefficientCountStride);
        ref float k3 = ref Unsafe.Add(ref k2, shape.CoefficientCountStride);
        nuint n = shape.Width;
        nuint width = (nuint)TSimd.Count;
        nuint p = 0;

        // Two vectors per target row: 8 accumulators, 2 loads and 4 broadcasts per term.
        for (; n - p >= 2 * width; p += 2 * width)
        {
            nuint q = p + width;
            TVec y0a = TSimd.Load(ref y0, p), y0b = TSimd.Load(ref y0, q);
            TVec y1a = TSimd.Load(ref y1, p), y1b = TSimd.Load(ref y1, q);
            TVec y2a = TSimd.Load(ref y2, p), y2b = TSimd.Load(ref y2, q);
            TVec y3a = TSimd.Load(ref y3, p), y3b = TSimd.Load(ref y3, q);
            nuint termOffset = 0;
            nuint coefficientOffset = 0;
            for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
            {
                TVec xa = TSimd.Load(ref terms, termOffset + p);
                TVec xb = TSimd.Load(ref terms, termOffset + q);
                TVec s = TSimd.Broadcast(Unsafe.Add(ref k0, coefficientOffset));
                y0a = TSimd.MultiplyAdd(s, xa, y0a);
                y0b = TSimd.MultiplyAdd(s, xb, y0b);
                s = TSimd.Broadcast(Unsafe.Add(ref k1, coefficientOffset));
                y1a = TSimd.MultiplyAdd(s, xa, y1a);
                y1b = TSimd.MultiplyAdd(s, xb, y1b);
                s = TSimd.Broadcast(Unsafe.Add(ref k2, coefficientOffset));
                y2a = TSimd.MultiplyAdd(s, xa, y2a);
                y2b = TSimd.MultiplyAdd(s, xb, y2b);
                s = TSimd.Broadcast(Unsafe.Add(ref k3, coefficientOffset));
                y3a = TSimd.MultiplyAdd(s, xa, y3a);
                y3b = TSimd.MultiplyAdd(s, xb, y3b);
            }

            TSimd.Store(y0a, ref y0, p);
            TSimd.Store(y0b, ref y0, q);
            TSimd.Store(y1a, ref y1, p);
            TSimd.Store(y1b, ref y1, q);
            TSimd.Store(y2a, ref y2, p);
            TSimd.Store(y2b, ref y2, q);
            TSimd.Store(y3a, ref y3, p);
            TSimd.Store(y3b, ref y3, q);
        }

        // Fewer than two vectors left: at most one full vector, then the final one ending at n,
        // whose lanes below p were stored already and keep their bits.
        while (p < n)
        {
            nuint at = p <= n - width ? p : n - width;
            TVec mask = TSimd.LanesFrom((int)(p - at));
            TVec old0 = TSimd.Load(ref y0, at), old1 = TSimd.Load(ref y1, at), old2 = TSimd.Load(ref y2, at), old3 = TSimd.Load(ref y3, at);
            TVec s0 = old0, s1 = old1, s2 = old2, s3 = old3;
            nuint termOffset = 0;
            nuint coefficientOffset = 0;
            for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
            {
                TVec x = TSimd.Load(ref terms, termOffset + at);
                s0 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k0, coefficientOffset)), x, s0);
                s1 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k1, coefficientOffset)), x, s1);
                s2 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k2, coefficientOffset)), x, s2);
                s3 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k3, coefficientOffset)), x, s3);
            }

            TSimd.Store(TSimd.Select(mask, s0, old0), ref y0, at);
            TSimd.Store(TSimd.Select(mask, s1, old1), ref y1, at);
            TSimd.Store(TSimd.Select(mask, s2, old2), ref y2, at);
            TSimd.Store(TSimd.Select(mask, s3, old3), ref y3, at);
            p = at + width;
        }
    }

    /// <summary>
    /// The combinations across the target rows, for rows of fewer than eight floats with coefficients side by side (CoefficientCountStride 1,
    /// Count ≥ TSimd.Count): a vector holds element c of TSimd.Count consecutive target rows, and each term adds its
    /// coefficients (one load) times its element c (a broadcast). A last block that does not fill a vector ends at
    /// Count and goes first, from the targets as they were; it keeps only the rows no whole block covers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Across<TSimd, TVec>(ref float target, ref float coefficients, ref float terms, in CombinationShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        int lanes = TSimd.Count;
        int whole = shape.Count - (shape.Count % lanes);
        if (whole < shape.Count)
        {
            CombineAcross<TSimd, TVec>(ref target, ref coefficients, ref terms, shape, shape.Count - lanes, whole - (shape.Count - lanes));
        }

        for (int first = 0; first < whole; first += lanes)
        {
            CombineAcross<TSimd, TVec>(ref target, ref coefficients, ref terms, shape, first, 0);
        }
    }

    // Target rows [first, first + lanes), all their elements (fewer than eight) in one pass over the terms, one chain
    // each; rows below first + keepFrom are computed but not stored. Chains past the row's last element repeat it and
    // are not stored either (four chains at least, so that four multiply-adds are in flight).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CombineAcross<TSimd, TVec>(ref float target, ref float coefficients, ref float terms, in CombinationShape shape, int first, int keepFrom)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        const int Chains = 8, MostLanes = 16;
        int lanes = TSimd.Count;
        Span<float> buffer = stackalloc float[Chains * MostLanes];
        ref float lane = ref MemoryMarshal.GetReference(buffer);
        ref float y = ref Unsafe.Add(ref target, (nuint)first * shape.TargetStride);
        ref float k = ref Unsafe.Add(ref coefficients, (nuint)first);
        nuint n = shape.Width, last = n - 1;
        nuint c1 = Math.Min(1, last), c2 = Math.Min(2, last), c3 = Math.Min(3, last);
        nuint c4 = Math.Min(4, last), c5 = Math.Min(5, last), c6 = Math.Min(6, last), c7 = Math.Min(7, last);
        bool eight = n > 4;
        for (int i = 0; i < lanes; i++)
        {
            ref float row = ref Unsafe.Add(ref y, (nuint)i * shape.TargetStride);
            for (nuint c = 0; c < Chains; c++)
            {
                Unsafe.Add(ref lane, (c * MostLanes) + (nuint)i) = Unsafe.Add(ref row, Math.Min(c, last));
            }
        }

        TVec s0 = TSimd.Load(ref lane, 0), s1 = TSimd.Load(ref lane, MostLanes), s2 = TSimd.Load(ref lane, 2 * MostLanes), s3 = TSimd.Load(ref lane, 3 * MostLanes);
        TVec s4 = TSimd.Load(ref lane, 4 * MostLanes), s5 = TSimd.Load(ref lane, 5 * MostLanes), s6 = TSimd.Load(ref lane, 6 * MostLanes), s7 = TSimd.Load(ref lane, 7 * MostLanes);
        nuint termOffset = 0;
        nuint coefficientOffset = 0;
        for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
        {
            TVec coefficient = TSimd.Load(ref k, coefficientOffset);
            ref float term = ref Unsafe.Add(ref terms, termOffset);
            s0 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(term), s0);
            s1 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c1)), s1);
            s2 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c2)), s2);
            s3 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c3)), s3);
            if (eight)
            {
                s4 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c4)), s4);
                s5 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c5)), s5);
                s6 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c6)), s6);
                s7 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c7)), s7);
            }
        }

        TSimd.Store(s0, ref lane, 0);
        TSimd.Store(s1, ref lane, MostLanes);
        TSimd.Store(s2, ref lane, 2 * MostLanes);
        TSimd.Store(s3, ref lane, 3 * MostLanes);
        TSimd.Store(s4, ref lane, 4 * MostLanes);
        TSimd.Store(s5, ref lane, 5 * MostLanes);
        TSimd.Store(s6, ref lane, 6 * MostLanes);
        TSimd.Store(s7, ref lane, 7 * MostLanes);
        for (int i = keepFrom; i < lanes; i++)
        {
            ref float row = ref Unsafe.Add(ref y, (nuint)i * shape.TargetStride);
            for (nuint c = 0; c < n; c++)
            {
                Unsafe.Add(ref row, c) = Unsafe.Add(ref lane, (c * MostLanes) + (nuint)i);
            }
        }
    }

    // Target row y0 += Σ_j coefficient(j) · terms row j.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Combine1<TSimd, TVec>(ref float y0, ref float k0, ref float terms, in CombinationShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint n = shape.Width;
        nuint width = (nuint)TSimd.Count;
        nuint p = 0;

        // Four vectors at once keep four multiply-add chains in flight.
        for (; n - p >= 4 * width; p += 4 * width)
        {
            nuint p1 = p + width, p2 = p + (2 * width), p3 = p + (3 * width);
            TVec s0 = TSimd.Load(ref y0, p), s1 = TSimd.Load(ref y0, p1), s2 = TSimd.Load(ref y0, p2), s3 = TSimd.Load(ref y0, p3);
            nuint termOffset = 0;
            nuint coefficientOffset = 0;
            for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
            {
                TVec s = TSimd.Broadcast(Unsafe.Add(ref k0, coefficientOffset));
                s0 = TSimd.MultiplyAdd(s, TSimd.Load(ref terms, termOffset + p), s0);
                s1 = TSimd.MultiplyAdd(s, TSimd.Load(ref terms, termOffset + p1), s1);
                s2 = TSimd.MultiplyAdd(s, TSimd.Load(ref terms, termOffset + p2), s2);
                s3 = TSimd.MultiplyAdd(s, TSimd.Load(ref terms, termOffset + p3), s3);
            }

            TSimd.Store(s0, ref y0, p);
            TSimd.Store(s1, ref y0, p1);
            TSimd.Store(s2, ref y0, p2);
            TSimd.Store(s3, ref y0, p3);
        }

        while (p < n)
        {
            nuint at = p <= n - width ? p : n - width;
            TVec old = TSimd.Load(ref y0, at);
            TVec sum = old;
            nuint termOffset = 0;
            nuint coefficientOffset = 0;
            for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
            {
                sum = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k0, coefficientOffset)), TSimd.Load(ref terms, termOffset + at), sum);
            }

            TSimd.Store(TSimd.Select(TSimd.LanesFrom((int)(p - at)), sum, old), ref y0, at);
            p = at + width;
        }
    }

    /// <summary>The combinations in scalar code: no SIMD, or fewer targets than a 128-bit vector.</summary>
    public static void Scalar(ref float target, ref float coefficients, ref float terms, in CombinationShape shape)
    {
        for (int i = 0; i < shape.Count; i++)
        {
            ref float y = ref Unsafe.Add(ref target, (nuint)i * shape.TargetStride);
            ref float coefficientRow = ref Unsafe.Add(ref coefficients, (nuint)i * shape.CoefficientCountStride);
            for (int j = 0; j < shape.Terms; j++)
            {
                float coefficient = Unsafe.Add(ref coefficientRow, (nuint)j * shape.CoefficientTermStride);
                ScalarLoops.AddScaled(coefficient, ref Unsafe.Add(ref terms, (nuint)j * shape.TermStride), ref y, shape.Width);
            }
        }
    }
}
