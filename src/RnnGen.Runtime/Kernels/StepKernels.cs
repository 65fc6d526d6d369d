using System;
using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// The affine maps of one streaming step (batch 1), called by generated <c>Step</c> code: a dense layer's (or a GRU's
/// input and recurrent) output = W·x + b, and an LSTM's or a plain RNN's gates = W_ih·x + b_ih + W_hh·h + b_hh in one
/// pass. There each block of eight outputs streams its rows of both weights into the same eight accumulators and
/// reduces them once, and the biases are added as the block is stored: half the horizontal sums of two separate
/// products, and no pass over the gates to copy or add a bias. Weights are PyTorch layout [outputs, inner], contiguous,
/// or packed by <see cref="PackedStepMatrix"/> for the overloads that take one (a model's <see cref="StepWeights"/>),
/// and <see cref="LstmStep"/> runs an LSTM's whole step, cell included, through packed weights.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class StepKernels
{
    /// <summary>output[o] = Σ_k weight[o·input.Length + k] · input[k] + bias[o].</summary>
    /// <param name="weight">[output.Length, input.Length], contiguous.</param>
    /// <param name="input">The input vector.</param>
    /// <param name="bias">One value per output.</param>
    /// <param name="output">Overwritten; must not overlap the other spans.</param>
    /// <exception cref="ArgumentException">A span's length does not fit the others.</exception>
    public static void Affine(ReadOnlySpan<float> weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output)
    {
        // One input has no reduction to share: the bias, then the batch-1 product of MatrixKernels, whose blocks
        // carry less bookkeeping than the two-input loop (about 5 % of a GRU step).
        CheckLengths(weight, input, bias, output.Length, nameof(weight), nameof(bias));
        bias.CopyTo(output);
        MatrixKernels.MultiplyTransposedAdd(input, input.Length, weight, output, output.Length, 1, input.Length, output.Length);
    }

    /// <summary>
    /// output[o] = Σ_k weight[o·input.Length + k] · input[k] + bias[o]
    ///           + Σ_k otherWeight[o·otherInput.Length + k] · otherInput[k] + otherBias[o]:
    /// a recurrent cell's gates from the layer input and the previous hidden state.
    /// </summary>
    /// <param name="weight">[output.Length, input.Length], contiguous.</param>
    /// <param name="input">The first input vector.</param>
    /// <param name="bias">One value per output.</param>
    /// <param name="otherWeight">[output.Length, otherInput.Length], contiguous.</param>
    /// <param name="otherInput">The second input vector.</param>
    /// <param name="otherBias">One value per output.</param>
    /// <param name="output">Overwritten; must not overlap the other spans.</param>
    /// <exception cref="ArgumentException">A span's length does not fit the others.</exception>
    public static void Affine(
        ReadOnlySpan<float> weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> otherWeight, ReadOnlySpan<float> otherInput, ReadOnlySpan<float> otherBias,
        Span<float> output)
    {
        CheckLengths(weight, input, bias, output.Length, nameof(weight), nameof(bias));
        CheckLengths(otherWeight, otherInput, otherBias, output.Length, nameof(otherWeight), nameof(otherBias));
        StepLoops.Run(new AffineOperands(
            ref MemoryMarshal.GetReference(weight), ref MemoryMarshal.GetReference(input), (nuint)input.Length,
            ref MemoryMarshal.GetReference(otherWeight), ref MemoryMarshal.GetReference(otherInput), (nuint)otherInput.Length,
            ref MemoryMarshal.GetReference(bias), ref MemoryMarshal.GetReference(otherBias),
            ref MemoryMarshal.GetReference(output), output.Length));
    }

    private static void CheckLengths(ReadOnlySpan<float> weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, int outputs, string weightName, string biasName)
    {
        if (weight.Length != (long)outputs * input.Length)
        {
            ThrowWeightLength(weightName, weight.Length, outputs, input.Length);
        }

        if (bias.Length != outputs)
        {
            ThrowBiasLength(biasName, bias.Length, outputs);
        }
    }

    // The messages are built apart, so the checks on every Step stay a compare and a branch.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWeightLength(string name, int length, int outputs, int inputs) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{name} must have {(long)outputs * inputs} elements ({outputs} outputs × {inputs} inputs), but has {length}."), name);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBiasLength(string name, int length, int outputs) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{name} must have {outputs} elements (one per output), but has {length}."), name);
}

/// <summary>
/// The operands of <see cref="StepKernels"/>' two-input map:
/// output[o] = Σ_k w[o·Inner + k]·x[k] + Σ_k u[o·OtherInner + k]·h[k] + (bias[o] + otherBias[o]).
/// </summary>
file readonly ref struct AffineOperands(
    ref float w, ref float x, nuint inner,
    ref float u, ref float h, nuint otherInner,
    ref float bias, ref float otherBias,
    ref float y, int outputs)
{
    public readonly ref float W = ref w;
    public readonly ref float X = ref x;
    public readonly nuint Inner = inner;
    public readonly ref float U = ref u;
    public readonly ref float H = ref h;
    public readonly nuint OtherInner = otherInner;
    public readonly ref float Bias = ref bias;
    public readonly ref float OtherBias = ref otherBias;
    public readonly ref float Y = ref y;
    public readonly int Outputs = outputs;
}

/// <summary>
/// The loops of <see cref="StepKernels"/>, generic over the vector width. Each output is one multiply-add chain per
/// vector lane over both inputs, reduced by <see cref="ISimd{TVec}.SumEach"/>; blocks of 8 and of 4 outputs compute an
/// output identically, so the last outputs are a block of 4 that may overlap the one before (it writes the same bits).
/// </summary>
file static class StepLoops
{
    public static void Run(in AffineOperands operands)
    {
        // The widest vector that the longer input fills (a shorter input is summed beside it, see ShortDots), but 512
        // bits only from two such vectors on, and not when the shorter input fills 256 bits but not 512 (8–15 values).
        // Every block of outputs ends in a reduction whose cost grows with the width; from two vectors the halved loads
        // win. Zen 5, default Step, three process pairs against 512 bits from eight vectors only: LSTM(28→32) 335–344 →
        // 304–313 ns, LSTM(28→64) 1036–1100 → 823–850 ns, and LSTM(12→128), whose input had gone to scalar, 4.2–4.7 →
        // 2.9–3.0 µs. Inputs of 8–15 beside 512 bits, on 128-bit chains: maps 8–36 % slower at hidden 32–64.
        nuint longest = Math.Max(operands.Inner, operands.OtherInner);
        nuint shortest = Math.Min(operands.Inner, operands.OtherInner);
        bool shortSuits512 = shortest >= (nuint)Vector512<float>.Count || shortest < (nuint)Vector256<float>.Count;
        if (Vector512.IsHardwareAccelerated && longest >= 2 * (nuint)Vector512<float>.Count && shortSuits512)
        {
            Affine<Simd512, Vector512<float>>(operands);
        }
        else if (Vector256.IsHardwareAccelerated && longest >= (nuint)Vector256<float>.Count)
        {
            Affine<Simd256, Vector256<float>>(operands);
        }
        else if (Vector128.IsHardwareAccelerated && longest >= (nuint)Vector128<float>.Count)
        {
            Affine<Simd128, Vector128<float>>(operands);
        }
        else
        {
            AffineScalar(operands);
        }
    }

    public static void Affine<TSimd, TVec>(in AffineOperands p)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        int outputs = p.Outputs;
        if (outputs < 4)
        {
            for (int o = 0; o < outputs; o++)
            {
                Unsafe.Add(ref p.Y, o) = Bias(p, o) + Dot<TSimd, TVec>(ref p.X, ref Row(ref p.W, o, p.Inner), p.Inner)
                    + Dot<TSimd, TVec>(ref p.H, ref Row(ref p.U, o, p.OtherInner), p.OtherInner);
            }

            return;
        }

        int first = 0;
        for (; first + 8 <= outputs; first += 8)
        {
            Block8<TSimd, TVec>(p, first);
        }

        if (first + 4 <= outputs)
        {
            Block4<TSimd, TVec>(p, first);
            first += 4;
        }

        if (first < outputs)
        {
            Block4<TSimd, TVec>(p, outputs - 4);
        }
    }

    // Outputs [o, o + 8): eight chains over both inputs, then one reduction. Compiled fully optimized at once, as the
    // packed loops are: under tiered PGO the default LSTM(28→32) Step settled at 425 and 741 ns in two of three
    // benchmark processes (309 in the third); so compiled, 307 and 314 in the next two.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block8<TSimd, TVec>(in AffineOperands p, int o)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;
        Vector128<float> shortLow = Vector128<float>.Zero, shortHigh = Vector128<float>.Zero;
        nuint width = (nuint)TSimd.Count;
        ref float v = ref p.X;
        ref float r0 = ref Row(ref p.W, o, p.Inner);
        nuint n = p.Inner;
        for (int input = 0; input < 2; input++)
        {
            ref float r1 = ref Unsafe.Add(ref r0, n);
            ref float r2 = ref Unsafe.Add(ref r1, n);
            ref float r3 = ref Unsafe.Add(ref r2, n);
            ref float r4 = ref Unsafe.Add(ref r3, n);
            ref float r5 = ref Unsafe.Add(ref r4, n);
            ref float r6 = ref Unsafe.Add(ref r5, n);
            ref float r7 = ref Unsafe.Add(ref r6, n);
            if (n >= width)
            {
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

                // The final vector ends at n; both factors are masked so a non-finite value
                // in an overlapping lane cannot turn 0 · ∞ into NaN.
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
            else if (n > 0)
            {
                // An input shorter than a vector (a model with a handful of features): summed beside the chains.
                shortLow += ShortDots(ref v, ref r0, ref r1, ref r2, ref r3, n);
                shortHigh += ShortDots(ref v, ref r4, ref r5, ref r6, ref r7, n);
            }

            v = ref p.H;
            r0 = ref Row(ref p.U, o, p.OtherInner);
            n = p.OtherInner;
        }

        ref float y = ref Unsafe.Add(ref p.Y, o);
        (Biases(p, o) + (TSimd.SumEach(s0, s1, s2, s3) + shortLow)).StoreUnsafe(ref y);
        (Biases(p, o + 4) + (TSimd.SumEach(s4, s5, s6, s7) + shortHigh)).StoreUnsafe(ref y, 4);
    }

    // Outputs [o, o + 4): Block8's arithmetic for four outputs.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block4<TSimd, TVec>(in AffineOperands p, int o)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        Vector128<float> shortSums = Vector128<float>.Zero;
        nuint width = (nuint)TSimd.Count;
        ref float v = ref p.X;
        ref float r0 = ref Row(ref p.W, o, p.Inner);
        nuint n = p.Inner;
        for (int input = 0; input < 2; input++)
        {
            ref float r1 = ref Unsafe.Add(ref r0, n);
            ref float r2 = ref Unsafe.Add(ref r1, n);
            ref float r3 = ref Unsafe.Add(ref r2, n);
            if (n >= width)
            {
                DotChains.Four<TSimd, TVec>(ref v, ref r0, ref r1, ref r2, ref r3, n, ref s0, ref s1, ref s2, ref s3);
            }
            else if (n > 0)
            {
                shortSums += ShortDots(ref v, ref r0, ref r1, ref r2, ref r3, n);
            }

            v = ref p.H;
            r0 = ref Row(ref p.U, o, p.OtherInner);
            n = p.OtherInner;
        }

        (Biases(p, o) + (TSimd.SumEach(s0, s1, s2, s3) + shortSums)).StoreUnsafe(ref Unsafe.Add(ref p.Y, o));
    }

    // Fewer than four outputs in all: one dot product per input and output.
    private static float Dot<TSimd, TVec>(ref float x, ref float w, nuint n)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint width = (nuint)TSimd.Count;
        if (n < width)
        {
            return ScalarDot(ref x, ref w, n);
        }

        TVec s = TSimd.Zero;
        nuint k = 0;
        for (; n - k > width; k += width)
        {
            s = TSimd.MultiplyAdd(TSimd.Load(ref x, k), TSimd.Load(ref w, k), s);
        }

        nuint last = n - width;
        TVec mask = TSimd.LanesFrom((int)(k - last));
        s = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref x, last), mask), TSimd.And(TSimd.Load(ref w, last), mask), s);
        return TSimd.Sum(s);
    }

    // Four rows' dot products with an input shorter than the loops' vector: on 128-bit chains from four values on, in
    // scalar below. Summed in scalar, four to seven inputs cost as much as the recurrent part of a small LSTM's map:
    // these chains made the gates' map of LSTM(4–7 → 16–64) 1.2–1.8 times faster (against the scalar sums,
    // alternating in one process; LSTM(6→32) 422 → 263 ns).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> ShortDots(ref float v, ref float r0, ref float r1, ref float r2, ref float r3, nuint n)
    {
        if (n < (nuint)Vector128<float>.Count || !Vector128.IsHardwareAccelerated)
        {
            return Vector128.Create(ScalarDot(ref v, ref r0, n), ScalarDot(ref v, ref r1, n), ScalarDot(ref v, ref r2, n), ScalarDot(ref v, ref r3, n));
        }

        Vector128<float> s0 = Vector128<float>.Zero, s1 = Vector128<float>.Zero, s2 = Vector128<float>.Zero, s3 = Vector128<float>.Zero;
        DotChains.Four<Simd128, Vector128<float>>(ref v, ref r0, ref r1, ref r2, ref r3, n, ref s0, ref s1, ref s2, ref s3);
        return Simd128.SumEach(s0, s1, s2, s3);
    }

    public static void AffineScalar(in AffineOperands p)
    {
        for (int o = 0; o < p.Outputs; o++)
        {
            Unsafe.Add(ref p.Y, o) = Bias(p, o) + ScalarDot(ref p.X, ref Row(ref p.W, o, p.Inner), p.Inner)
                + ScalarDot(ref p.H, ref Row(ref p.U, o, p.OtherInner), p.OtherInner);
        }
    }

    // Always inlined: when Block8 still went through tiered PGO, the short-input branch was found cold and this left a
    // call there, and the JIT kept Block8's eight accumulators on the stack across the whole loop over inputs (the
    // default Step of LSTM(28→32): 425–624 ns, 322–384 inlined, three process pairs).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarDot(ref float x, ref float w, nuint n)
    {
        float sum = 0f;
        for (nuint k = 0; k < n; k++)
        {
            sum += Unsafe.Add(ref x, k) * Unsafe.Add(ref w, k);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref float Row(ref float weight, int o, nuint inner) => ref Unsafe.Add(ref weight, (nuint)o * inner);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Bias(in AffineOperands p, int o) => Unsafe.Add(ref p.Bias, o) + Unsafe.Add(ref p.OtherBias, o);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Biases(in AffineOperands p, int o) =>
        Vector128.LoadUnsafe(ref p.Bias, (nuint)o) + Vector128.LoadUnsafe(ref p.OtherBias, (nuint)o);
}
