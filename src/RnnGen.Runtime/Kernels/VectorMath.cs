using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Vector activations accurate to a few float ulps, for any vector width: the sigmoid on an exponential of our own (the
/// runtime's <see cref="Vector256.Exp(Vector256{float})"/> is an out-of-line call that widens to double, and five of
/// them per eight LSTM units cost more than the recurrent product of a batch-64 training step), tanh on a rational
/// function. Every operation is lane-wise and the same at every width, so a value's result does not depend on the width.
/// </summary>
internal static class VectorMath
{
    /// <summary>1 / (1 + e^−x): 0 for very negative x (e^−x overflows to ∞), NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Sigmoid<TSimd, TVec>(TVec x)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        var one = TSimd.Broadcast(1f);
        return TSimd.Divide(one, TSimd.Add(one, Exp<TSimd, TVec>(TSimd.Subtract(TSimd.Zero, x))));
    }

    /// <summary>
    /// tanh x within 5 float ulps (checked against the double function for every float): for |x| ≤ 9, x·P(x²)/Q(x²)
    /// with P of degree 6 and Q of degree 3 in x², a minimax fit of relative error 1.4e-8 with its coefficients rounded
    /// to float; ±1 beyond 9 (where tanh rounds to 1 anyway), the sign of x (so −0 stays −0), NaN for NaN.
    /// </summary>
    /// <remarks>
    /// Below 0.55 it takes x + x·x²·(P₁ − Q₁)/Q, with P = 1 + x²·P₁ and Q = 1 + x²·Q₁: the correction is small there, so
    /// the roundings of P and Q near 1 cost little (x·P/Q gave 5 ulps at 0.125). Near 1 each rounding of P, Q, their
    /// quotient and the product can cost an ulp, hence 5 in all; the exponential's (1 − e)/(1 + e) it replaces was
    /// within 4. It is faster because the cells' activations are bound by chain length: one division and 13 other
    /// operations against the exponential's 20 and a division, about 1.45× per Vector256 and 20–30 % off the LSTM cell
    /// at 32 to 512 units (Zen 3, docs/performance.md).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Tanh<TSimd, TVec>(TVec x)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        var magnitude = TSimd.Abs(x);
        var c = TSimd.MinNative(TSimd.Broadcast(9f), magnitude); // NaN stays NaN: MinNative returns its second operand then
        var y = TSimd.Multiply(c, c);
        var p1 = TSimd.MultiplyAdd(TSimd.Broadcast(-8.561260153496647e-14f), y, TSimd.Broadcast(5.309201342451608e-11f));
        p1 = TSimd.MultiplyAdd(p1, y, TSimd.Broadcast(-2.029671541947664e-08f));
        p1 = TSimd.MultiplyAdd(p1, y, TSimd.Broadcast(1.1173414350196254e-05f));
        p1 = TSimd.MultiplyAdd(p1, y, TSimd.Broadcast(0.0031058804597705603f));
        p1 = TSimd.MultiplyAdd(p1, y, TSimd.Broadcast(0.1308576613664627f));
        var q1 = TSimd.MultiplyAdd(TSimd.Broadcast(0.0002548886986915022f), y, TSimd.Broadcast(0.024502944201231003f));
        q1 = TSimd.MultiplyAdd(q1, y, TSimd.Broadcast(0.4641909599304199f));
        var one = TSimd.Broadcast(1f);
        var p = TSimd.MultiplyAdd(y, p1, one);
        var q = TSimd.MultiplyAdd(y, q1, one);

        // c·P/Q, or below 0.55 c + c·y·(P₁ − Q₁)/Q
        var small = TSimd.LessThan(magnitude, TSimd.Broadcast(0.55f));
        var numerator = TSimd.Select(small, TSimd.Subtract(p1, q1), p);
        var factor = TSimd.Select(small, TSimd.Multiply(c, y), c);
        var result = TSimd.MultiplyAdd(factor, TSimd.Divide(numerator, q), TSimd.And(c, small));
        result = TSimd.Select(TSimd.LessThan(TSimd.Broadcast(9f), magnitude), one, result);
        return TSimd.Or(result, TSimd.And(x, TSimd.Broadcast(-0f))); // the sign of x on a non-negative value
    }

    /// <summary>x ← σ(x) for the floats [from, end) (whole vectors); inlined into the cells' loops, which are compiled optimized from their first call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SigmoidInPlace<TSimd, TVec>(ref float x, nuint from, nuint end)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        for (nuint j = from; j < end; j += (nuint)TSimd.Count)
        {
            TSimd.Store(Sigmoid<TSimd, TVec>(TSimd.Load(ref x, j)), ref x, j);
        }
    }

    /// <summary>x ← tanh x for the floats [from, end) (whole vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TanhInPlace<TSimd, TVec>(ref float x, nuint from, nuint end)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        for (nuint j = from; j < end; j += (nuint)TSimd.Count)
        {
            TSimd.Store(Tanh<TSimd, TVec>(TSimd.Load(ref x, j)), ref x, j);
        }
    }

    /// <summary>
    /// e^x as Cephes' expf: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two so that n·ln 2 is exact), e^r by its
    /// degree-7 minimax polynomial, 2^n written straight into the exponent bits. Within about 1.3 ulp; +∞ from 88.8 up
    /// (n reaches 128, the exponent of ∞), 2^−126 and below clamp to about 1e-38 instead of underflowing
    /// (callers add it to 1 or subtract it from 1), NaN for NaN.
    /// </summary>
    /// <remarks>
    /// The cells evaluate many of these at once and the core overlaps only a few, so the chain's length sets the pace:
    /// the polynomial goes by Estrin's scheme (three multiply-adds deep, not six), the reduction by multiply-adds, and a
    /// NaN flows through the clamps instead of being selected at the end (max and min return their second operand when
    /// one is NaN, here x). 17 % faster than Horner's order with a final select (3.65 vs 4.39 ns per Vector256, Zen 3).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Exp<TSimd, TVec>(TVec x)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        var clamped = TSimd.MinNative(TSimd.Broadcast(89f), TSimd.MaxNative(TSimd.Broadcast(-87.3f), x));
        var n = TSimd.Round(TSimd.Multiply(clamped, TSimd.Broadcast(1.44269504088896341f)));
        var r = TSimd.MultiplyAdd(n, TSimd.Broadcast(-0.693359375f), clamped);
        r = TSimd.MultiplyAdd(n, TSimd.Broadcast(2.12194440e-4f), r);
        var r2 = TSimd.Multiply(r, r);
        var high = TSimd.MultiplyAdd(TSimd.Broadcast(1.9875691500e-4f), r, TSimd.Broadcast(1.3981999507e-3f));
        var middle = TSimd.MultiplyAdd(TSimd.Broadcast(8.3334519073e-3f), r, TSimd.Broadcast(4.1665795894e-2f));
        var low = TSimd.MultiplyAdd(TSimd.Broadcast(1.6666665459e-1f), r, TSimd.Broadcast(5.0000001201e-1f));
        var p = TSimd.MultiplyAdd(high, TSimd.Multiply(r2, r2), TSimd.MultiplyAdd(middle, r2, low));
        var y = TSimd.MultiplyAdd(p, r2, TSimd.Add(r, TSimd.Broadcast(1f)));
        return TSimd.Multiply(y, TSimd.PowerOfTwo(n));
    }
}
