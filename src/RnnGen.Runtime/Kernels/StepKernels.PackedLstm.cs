using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

// One LSTM step through weights packed for its fused cell (PackedStepMatrix.CellGates 4).
public static partial class StepKernels
{
    /// <summary>
    /// One LSTM step with packed weights: gates = weight·input + bias + otherWeight·h + otherBias (PyTorch's order i, f, g,
    /// o), then c ← σ(f)⊙c + σ(i)⊙tanh(g) and h ← σ(o)⊙tanh(c). Matrices packed for the cell
    /// (<see cref="PackedStepMatrix.CellGates"/> 4) have the cell run on each panel's sums while they are still in
    /// registers; others are mapped into <paramref name="scratch"/>, then go through
    /// <see cref="CellKernels.LstmForward(Span{float}, Span{float}, Span{float})"/>. Both give the bits of that map
    /// followed by that cell.
    /// </summary>
    /// <param name="weight">W_ih, [4H, input.Length], packed.</param>
    /// <param name="input">The layer's input.</param>
    /// <param name="bias">b_ih, 4H values.</param>
    /// <param name="otherWeight">W_hh, [4H, H], packed like <paramref name="weight"/>.</param>
    /// <param name="otherBias">b_hh, 4H values.</param>
    /// <param name="h">The hidden state, H values: read, then overwritten with the new one.</param>
    /// <param name="c">The cell state, H values, updated in place.</param>
    /// <param name="scratch">4H floats, overwritten; must not overlap the other spans.</param>
    /// <exception cref="ArgumentNullException">A matrix is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit the matrices, or the two were packed differently.</exception>
    public static void LstmStep(
        PackedStepMatrix weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias,
        PackedStepMatrix otherWeight, ReadOnlySpan<float> otherBias,
        Span<float> h, Span<float> c, Span<float> scratch)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(otherWeight);
        int hidden = otherWeight.Columns;
        int gates = 4 * hidden;
        CheckPacked(otherWeight, h.Length, otherBias.Length, gates, nameof(otherWeight), nameof(h), nameof(otherBias));
        CheckPacked(weight, input.Length, bias.Length, gates, nameof(weight), nameof(input), nameof(bias));
        CheckPackedAlike(weight, otherWeight);
        if (c.Length != hidden || scratch.Length != gates)
        {
            ThrowCellLengths(hidden, c.Length, scratch.Length);
        }

        if (weight.CellGates != 4)
        {
            Affine(weight, input, bias, otherWeight, h, otherBias, scratch);
            CellKernels.LstmForward(scratch, c, h);
            return;
        }

        // One panel has read all of h before its cell writes the new one; with more, later panels still read the old h.
        Span<float> next = weight.Panels == 1 ? h : scratch[..hidden];
        PackedLstmLoops.Run(new LstmOperands(weight, input, bias, otherWeight, h, otherBias, c, next));
        if (weight.Panels > 1)
        {
            next.CopyTo(h);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowCellLengths(int hidden, int cells, int scratch) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"With h of {hidden} values, c must have {hidden} and scratch {4L * hidden}, but they have {cells} and {scratch}."),
            cells != hidden ? "c" : "scratch");
}

/// <summary>The operands of the fused step, taken apart once: references and counts, which the loops keep in registers.</summary>
file readonly ref struct LstmOperands(
    PackedStepMatrix w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias,
    PackedStepMatrix u, ReadOnlySpan<float> h, ReadOnlySpan<float> otherBias,
    Span<float> c, Span<float> next)
{
    public readonly PackedStepMatrix W = w;
    public readonly PackedStepMatrix U = u;
    public readonly ref float X = ref MemoryMarshal.GetReference(x);
    public readonly int Inputs = x.Length;
    public readonly ref float H = ref MemoryMarshal.GetReference(h);
    public readonly int Hidden = h.Length;
    public readonly ref float Bias = ref MemoryMarshal.GetReference(bias);
    public readonly ref float OtherBias = ref MemoryMarshal.GetReference(otherBias);
    public readonly ref float C = ref MemoryMarshal.GetReference(c);
    public readonly ref float Next = ref MemoryMarshal.GetReference(next);
}

/// <summary>
/// The loops of the fused LSTM step. A panel packed for the cell holds two vectors of units of each gate: its eight
/// accumulators take the input's columns, then h's, as the packed map's do, and the cell then runs on them. Every panel
/// is whole, so the map's panel loop (partial panels, split accumulators) is not needed: two plain loops, and the
/// operands passed as references and counts, which the JIT keeps in registers.
/// </summary>
file static class PackedLstmLoops
{
    public static void Run(in LstmOperands o)
    {
        bool pairs = o.W.Precision == StepPrecision.BFloat16;
        switch (o.W.Lanes)
        {
            case 16 when pairs: Step<Simd512, Vector512<float>, BFloat16Pairs>(o.W, o.U, ref o.X, o.Inputs, ref o.H, o.Hidden, ref o.Bias, ref o.OtherBias, ref o.C, ref o.Next); break;
            case 16: Step<Simd512, Vector512<float>, Float32Slots>(o.W, o.U, ref o.X, o.Inputs, ref o.H, o.Hidden, ref o.Bias, ref o.OtherBias, ref o.C, ref o.Next); break;
            case 8 when pairs: Step<Simd256, Vector256<float>, BFloat16Pairs>(o.W, o.U, ref o.X, o.Inputs, ref o.H, o.Hidden, ref o.Bias, ref o.OtherBias, ref o.C, ref o.Next); break;
            case 8: Step<Simd256, Vector256<float>, Float32Slots>(o.W, o.U, ref o.X, o.Inputs, ref o.H, o.Hidden, ref o.Bias, ref o.OtherBias, ref o.C, ref o.Next); break;
            case 4 when pairs: Step<Simd128, Vector128<float>, BFloat16Pairs>(o.W, o.U, ref o.X, o.Inputs, ref o.H, o.Hidden, ref o.Bias, ref o.OtherBias, ref o.C, ref o.Next); break;
            default: Step<Simd128, Vector128<float>, Float32Slots>(o.W, o.U, ref o.X, o.Inputs, ref o.H, o.Hidden, ref o.Bias, ref o.OtherBias, ref o.C, ref o.Next); break;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Step<TSimd, TVec, TFormat>(PackedStepMatrix w, PackedStepMatrix u, ref float x, int inputs, ref float h, int hidden, ref float bias, ref float otherBias, ref float c, ref float next)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
    {
        nuint units = 2 * (nuint)TSimd.Count;
        int panels = w.Panels;
        for (int panel = 0; panel < panels; panel++)
        {
            TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;
            Accumulate<TSimd, TVec, TFormat>(ref w.Panel(panel), ref x, inputs, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
            Accumulate<TSimd, TVec, TFormat>(ref u.Panel(panel), ref h, hidden, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
            Cell<TSimd, TVec>(ref bias, ref otherBias, ref c, ref next, (nuint)hidden, (nuint)panel * units, s0, s1, s2, s3, s4, s5, s6, s7);
        }
    }

    // s_j += Σ_k x[k] · the panel's column k, vector j; in bfloat16 two columns per slot (the map's Pair and Column).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate<TSimd, TVec, TFormat>(
        ref float slots, ref float x, int n, ref TVec s0, ref TVec s1, ref TVec s2, ref TVec s3, ref TVec s4, ref TVec s5, ref TVec s6, ref TVec s7)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
    {
        nuint lanes = (nuint)TSimd.Count;
        nuint rows = PackedStepMatrix.PanelVectors * lanes;
        int k = 0;
        if (TFormat.IsBFloat16)
        {
            for (; k + 1 < n; k += 2)
            {
                TVec first = TSimd.Broadcast(Unsafe.Add(ref x, k));
                TVec second = TSimd.Broadcast(Unsafe.Add(ref x, k + 1));
                s0 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 0), s0);
                s1 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, lanes), s1);
                s2 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 2 * lanes), s2);
                s3 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 3 * lanes), s3);
                s4 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 4 * lanes), s4);
                s5 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 5 * lanes), s5);
                s6 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 6 * lanes), s6);
                s7 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 7 * lanes), s7);
                slots = ref Unsafe.Add(ref slots, rows);
            }
        }

        for (; k < n; k++)
        {
            TVec a = TSimd.Broadcast(Unsafe.Add(ref x, k));
            s0 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 0), s0);
            s1 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, lanes), s1);
            s2 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 2 * lanes), s2);
            s3 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 3 * lanes), s3);
            s4 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 4 * lanes), s4);
            s5 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 5 * lanes), s5);
            s6 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 6 * lanes), s6);
            s7 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 7 * lanes), s7);
            slots = ref Unsafe.Add(ref slots, rows);
        }
    }

    // The cell on one panel: s0, s1 hold units [first, first + 2 lanes) of gate i, s2, s3 of f, s4, s5 of g, s6, s7 of o.
    // Each gate gets its two biases as the map adds them, then CellKernels.LstmForward's operations, so the bits are
    // those of the map and that cell. Every activation is issued before the two updates, so that the eight independent
    // exponentials overlap (unit by unit, the step took 9 ns longer). Out of line: inlined beside the loops, its ten
    // activations ran the JIT out of inlining budget, and it called the later exponentials (three times slower).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Cell<TSimd, TVec>(ref float bias, ref float other, ref float c, ref float next, nuint n, nuint first, TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint u0 = first, u1 = first + (nuint)TSimd.Count;
        var i0 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(Biases<TSimd, TVec>(ref bias, ref other, u0), s0));
        var i1 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(Biases<TSimd, TVec>(ref bias, ref other, u1), s1));
        var f0 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(Biases<TSimd, TVec>(ref bias, ref other, n + u0), s2));
        var f1 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(Biases<TSimd, TVec>(ref bias, ref other, n + u1), s3));
        var g0 = VectorMath.Tanh<TSimd, TVec>(TSimd.Add(Biases<TSimd, TVec>(ref bias, ref other, (2 * n) + u0), s4));
        var g1 = VectorMath.Tanh<TSimd, TVec>(TSimd.Add(Biases<TSimd, TVec>(ref bias, ref other, (2 * n) + u1), s5));
        var o0 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(Biases<TSimd, TVec>(ref bias, ref other, (3 * n) + u0), s6));
        var o1 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(Biases<TSimd, TVec>(ref bias, ref other, (3 * n) + u1), s7));
        var c0 = TSimd.Add(TSimd.Multiply(f0, TSimd.Load(ref c, u0)), TSimd.Multiply(i0, g0));
        var c1 = TSimd.Add(TSimd.Multiply(f1, TSimd.Load(ref c, u1)), TSimd.Multiply(i1, g1));
        TSimd.Store(c0, ref c, u0);
        TSimd.Store(c1, ref c, u1);
        TSimd.Store(TSimd.Multiply(o0, VectorMath.Tanh<TSimd, TVec>(c0)), ref next, u0);
        TSimd.Store(TSimd.Multiply(o1, VectorMath.Tanh<TSimd, TVec>(c1)), ref next, u1);
    }

    // b_ih + b_hh, added as the map adds them.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Biases<TSimd, TVec>(ref float bias, ref float other, nuint offset)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct =>
        TSimd.Add(TSimd.Load(ref bias, offset), TSimd.Load(ref other, offset));
}
