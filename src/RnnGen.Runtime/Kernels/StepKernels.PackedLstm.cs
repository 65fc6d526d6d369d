using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RnnGen.Kernels;

// One LSTM step through its LstmStepWeights, fused where the matrices were packed for the cell.
public static partial class StepKernels
{
    /// <summary>
    /// One LSTM step: gates = W_ih·input + b_ih + W_hh·h + b_hh (PyTorch's order i, f, g, o), then
    /// c ← σ(f)⊙c + σ(i)⊙tanh(g) and h ← σ(o)⊙tanh(c). Matrices packed for the cell (<see cref="PackedStepMatrix.CellGates"/>
    /// 4) have the cell run on each panel's sums while they are still in registers (x86 without AVX-512, which has 16
    /// vector registers, not 32, stores all panels' sums to <paramref name="scratch"/> first); others are mapped into
    /// <paramref name="scratch"/>, then go through <see cref="CellKernels.LstmForward(Span{float}, Span{float}, Span{float})"/>.
    /// Where the packing's vector width runs in hardware, both give the bits of that map followed by that cell.
    /// </summary>
    /// <param name="weights">The layer's weights, their shapes checked when they were made.</param>
    /// <param name="input">The layer's input.</param>
    /// <param name="h">The hidden state, H values: read, then overwritten with the new one.</param>
    /// <param name="c">The cell state, H values, updated in place.</param>
    /// <param name="scratch">4H floats of workspace; what they hold afterwards is unspecified.</param>
    /// <remarks><paramref name="input"/>, <paramref name="h"/>, <paramref name="c"/> and <paramref name="scratch"/> must not overlap.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="weights"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit the weights.</exception>
    public static void LstmStep(LstmStepWeights weights, ReadOnlySpan<float> input, Span<float> h, Span<float> c, Span<float> scratch)
    {
        // One test for the common case, and the rest out of line: a throw or a call that returns here would have the
        // step save and restore registers around it. Instructions between one step's cell and the next step's product
        // cost the fused step time (docs/performance.md, "Streaming: one step").
        if (weights is null || input.Length != weights.Inputs || h.Length != weights.Hidden || c.Length != weights.Hidden
            || scratch.Length != 4L * weights.Hidden)
        {
            throw LstmStepArgumentException(weights, input.Length, h.Length, c.Length, scratch.Length);
        }

        if (!weights.Fused)
        {
            MapThenCell(weights, input, h, c, scratch);
            return;
        }

        PackedLstmLoops.Run(
            weights.InputWeight, weights.RecurrentWeight, ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(h),
            ref weights.BiasSumStart, ref MemoryMarshal.GetReference(c), ref MemoryMarshal.GetReference(scratch), PackedLstmLoops.SixteenRegisters);
    }

    /// <summary>
    /// <see cref="LstmStep"/>'s fused loops with the cell where the caller says, in registers or after the last
    /// panel, whatever this machine's registers: tests compare the two bit for bit. The weights must be packed for the
    /// cell, and the spans' lengths fit them.
    /// </summary>
    internal static void FusedLstmStep(LstmStepWeights weights, ReadOnlySpan<float> input, Span<float> h, Span<float> c, Span<float> scratch, bool cellAfterPanels)
    {
        if (!weights.Fused || input.Length != weights.Inputs || h.Length != weights.Hidden || c.Length != weights.Hidden || scratch.Length != 4L * weights.Hidden)
        {
            throw new ArgumentException("The weights must be packed for the cell, and the spans fit them.", nameof(weights));
        }

        PackedLstmLoops.Run(
            weights.InputWeight, weights.RecurrentWeight, ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(h),
            ref weights.BiasSumStart, ref MemoryMarshal.GetReference(c), ref MemoryMarshal.GetReference(scratch), cellAfterPanels);
    }

    // Units that do not fill whole panels: the packed map (which checks the shapes again), then the cell.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void MapThenCell(LstmStepWeights weights, ReadOnlySpan<float> input, Span<float> h, Span<float> c, Span<float> scratch)
    {
        Affine(weights.InputWeight, input, weights.InputBias, weights.RecurrentWeight, h, weights.RecurrentBias, scratch);
        CellKernels.LstmForward(scratch, c, h);
    }

    // The exception for the first argument that does not fit, naming it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ArgumentException LstmStepArgumentException(LstmStepWeights? weights, int inputLength, int hLength, int cLength, int scratchLength)
    {
        if (weights is null)
        {
            return new ArgumentNullException(nameof(weights));
        }

        int units = weights.Hidden;
        string name = inputLength != weights.Inputs ? "input" : hLength != units ? "h" : cLength != units ? "c" : "scratch";
        return new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"The layer maps input of {weights.Inputs} values to {units} units: h and c must have {units} values and scratch {4L * units}, but input has {inputLength}, h {hLength}, c {cLength} and scratch {scratchLength}."),
            name);
    }
}

/// <summary>
/// The loops of the fused LSTM step. A panel packed for the cell holds two vectors of units of each gate: for each
/// panel, eight accumulators take the input's columns, then h's, through the maps' loop over a whole panel
/// (<see cref="PackedSlots.Accumulate"/>), and the cell then runs on them while they are in registers, or, on x86
/// without AVX-512, on all panels' sums stored to scratch after the last panel.
/// </summary>
file static class PackedLstmLoops
{
    // The operands come as arguments: taken through a struct on the caller's stack, the LSTM(28→32) step ran 4–5 ns
    // longer (of some 130); the instructions between one step's cell and the next step's product are what keeps the
    // core from overlapping the two (docs/performance.md, "Streaming: one step").
    // Inlined into LstmStep, where cellAfterPanels is the constant SixteenRegisters and its test goes away.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run(PackedStepMatrix w, PackedStepMatrix u, ref float x, ref float h, ref float biasSum, ref float c, ref float scratch, bool cellAfterPanels)
    {
        bool pairs = w.Precision == StepPrecision.BFloat16;
        switch (w.Lanes)
        {
            case 16 when pairs: Step<Simd512, Vector512<float>, BFloat16Pairs>(w, u, ref x, ref h, ref biasSum, ref c, ref scratch, cellAfterPanels); break;
            case 16: Step<Simd512, Vector512<float>, Float32Slots>(w, u, ref x, ref h, ref biasSum, ref c, ref scratch, cellAfterPanels); break;
            case 8 when pairs: Step<Simd256, Vector256<float>, BFloat16Pairs>(w, u, ref x, ref h, ref biasSum, ref c, ref scratch, cellAfterPanels); break;
            case 8: Step<Simd256, Vector256<float>, Float32Slots>(w, u, ref x, ref h, ref biasSum, ref c, ref scratch, cellAfterPanels); break;
            case 4 when pairs: Step<Simd128, Vector128<float>, BFloat16Pairs>(w, u, ref x, ref h, ref biasSum, ref c, ref scratch, cellAfterPanels); break;
            default: Step<Simd128, Vector128<float>, Float32Slots>(w, u, ref x, ref h, ref biasSum, ref c, ref scratch, cellAfterPanels); break;
        }
    }

    // A layer of one panel (two vectors of units: 32 in Vector512) gets a method without the loop over panels: the
    // LSTM(28→32) step took 119–121 ns against 122–126 through the loop (alternating processes, one vCPU; 155–157 against
    // 160–163 on the other); the same branch inside the looping method gained nothing.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Step<TSimd, TVec, TFormat>(PackedStepMatrix w, PackedStepMatrix u, ref float x, ref float h, ref float biasSum, ref float c, ref float scratch, bool cellAfterPanels)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
    {
        if (cellAfterPanels)
        {
            PanelsThenCell<TSimd, TVec, TFormat>(w, u, ref x, ref h, ref biasSum, ref c, ref scratch);
        }
        else if (w.Panels == 1)
        {
            OnePanel<TSimd, TVec, TFormat>(w, u, ref x, ref h, ref biasSum, ref c);
        }
        else
        {
            Panels<TSimd, TVec, TFormat>(w, u, ref x, ref h, ref biasSum, ref c, ref scratch);
        }
    }

    // One panel reads all of h before its cell writes the new one over it.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void OnePanel<TSimd, TVec, TFormat>(PackedStepMatrix w, PackedStepMatrix u, ref float x, ref float h, ref float biasSum, ref float c)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
    {
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;
        PackedSlots.Accumulate<TSimd, TVec, TFormat>(ref w.Panel(0), ref x, w.Columns, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
        PackedSlots.Accumulate<TSimd, TVec, TFormat>(ref u.Panel(0), ref h, u.Columns, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
        Cell<TSimd, TVec>(ref biasSum, ref c, ref h, (nuint)u.Columns, 0, s0, s1, s2, s3, s4, s5, s6, s7);
    }

    // Later panels still read the old h, so the new one goes to scratch until the last panel is done.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Panels<TSimd, TVec, TFormat>(PackedStepMatrix w, PackedStepMatrix u, ref float x, ref float h, ref float biasSum, ref float c, ref float scratch)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
    {
        int inputs = w.Columns, hidden = u.Columns, panels = w.Panels;
        nuint units = PackedStepMatrix.UnitVectors * (nuint)TSimd.Count;
        for (int panel = 0; panel < panels; panel++)
        {
            TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;
            PackedSlots.Accumulate<TSimd, TVec, TFormat>(ref w.Panel(panel), ref x, inputs, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
            PackedSlots.Accumulate<TSimd, TVec, TFormat>(ref u.Panel(panel), ref h, hidden, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
            Cell<TSimd, TVec>(ref biasSum, ref c, ref scratch, (nuint)hidden, (nuint)panel * units, s0, s1, s2, s3, s4, s5, s6, s7);
        }

        MemoryMarshal.CreateReadOnlySpan(ref scratch, hidden).CopyTo(MemoryMarshal.CreateSpan(ref h, hidden));
    }

    // x86 without AVX-512 has 16 vector registers, where the cell's eight activations in flight and their constants
    // spill to the stack (242 stack accesses in a panel's cell): the LSTM(28→32) step took 512–554 ns that way,
    // 374–419 ns with each panel's sums stored to scratch with their biases (as the map writes them) and
    // CellKernels.LstmForward run on them after the last panel, which gives the same bits (LSTM(28→128) 4.23–4.58
    // against 4.01–4.80 µs; Zen 3, scratch harness, docs/performance.md).
    public static bool SixteenRegisters => X86Base.IsSupported && !Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PanelsThenCell<TSimd, TVec, TFormat>(PackedStepMatrix w, PackedStepMatrix u, ref float x, ref float h, ref float biasSum, ref float c, ref float scratch)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
    {
        int inputs = w.Columns, hidden = u.Columns, panels = w.Panels;
        nuint n = (nuint)hidden, units = PackedStepMatrix.UnitVectors * (nuint)TSimd.Count;
        for (int panel = 0; panel < panels; panel++)
        {
            TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;
            PackedSlots.Accumulate<TSimd, TVec, TFormat>(ref w.Panel(panel), ref x, inputs, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
            PackedSlots.Accumulate<TSimd, TVec, TFormat>(ref u.Panel(panel), ref h, hidden, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
            nuint u0 = (nuint)panel * units, u1 = u0 + (nuint)TSimd.Count;
            TSimd.Store(TSimd.Add(TSimd.Load(ref biasSum, u0), s0), ref scratch, u0);
            TSimd.Store(TSimd.Add(TSimd.Load(ref biasSum, u1), s1), ref scratch, u1);
            TSimd.Store(TSimd.Add(TSimd.Load(ref biasSum, n + u0), s2), ref scratch, n + u0);
            TSimd.Store(TSimd.Add(TSimd.Load(ref biasSum, n + u1), s3), ref scratch, n + u1);
            TSimd.Store(TSimd.Add(TSimd.Load(ref biasSum, (2 * n) + u0), s4), ref scratch, (2 * n) + u0);
            TSimd.Store(TSimd.Add(TSimd.Load(ref biasSum, (2 * n) + u1), s5), ref scratch, (2 * n) + u1);
            TSimd.Store(TSimd.Add(TSimd.Load(ref biasSum, (3 * n) + u0), s6), ref scratch, (3 * n) + u0);
            TSimd.Store(TSimd.Add(TSimd.Load(ref biasSum, (3 * n) + u1), s7), ref scratch, (3 * n) + u1);
        }

        CellKernels.LstmForward(MemoryMarshal.CreateSpan(ref scratch, 4 * hidden), MemoryMarshal.CreateSpan(ref c, hidden), MemoryMarshal.CreateSpan(ref h, hidden));
    }

    // The cell on one panel: s0, s1 hold units [first, first + 2 lanes) of gate i, s2, s3 of f, s4, s5 of g, s6, s7 of o.
    // Each gate gets b_ih + b_hh, summed as the map sums them, then CellKernels.LstmForward's operations, so the bits
    // are those of the map and that cell. Every activation is issued before the two updates, so that the eight independent
    // exponentials overlap (unit by unit, the step took 9 ns longer). The new h goes to next: h itself for one panel,
    // scratch for several.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Cell<TSimd, TVec>(ref float biasSum, ref float c, ref float next, nuint n, nuint first, TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint u0 = first, u1 = first + (nuint)TSimd.Count;
        var i0 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(TSimd.Load(ref biasSum, u0), s0));
        var i1 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(TSimd.Load(ref biasSum, u1), s1));
        var f0 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(TSimd.Load(ref biasSum, n + u0), s2));
        var f1 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(TSimd.Load(ref biasSum, n + u1), s3));
        var g0 = VectorMath.Tanh<TSimd, TVec>(TSimd.Add(TSimd.Load(ref biasSum, (2 * n) + u0), s4));
        var g1 = VectorMath.Tanh<TSimd, TVec>(TSimd.Add(TSimd.Load(ref biasSum, (2 * n) + u1), s5));
        var o0 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(TSimd.Load(ref biasSum, (3 * n) + u0), s6));
        var o1 = VectorMath.Sigmoid<TSimd, TVec>(TSimd.Add(TSimd.Load(ref biasSum, (3 * n) + u1), s7));
        var c0 = TSimd.Add(TSimd.Multiply(f0, TSimd.Load(ref c, u0)), TSimd.Multiply(i0, g0));
        var c1 = TSimd.Add(TSimd.Multiply(f1, TSimd.Load(ref c, u1)), TSimd.Multiply(i1, g1));
        TSimd.Store(c0, ref c, u0);
        TSimd.Store(c1, ref c, u1);
        TSimd.Store(TSimd.Multiply(o0, VectorMath.Tanh<TSimd, TVec>(c0)), ref next, u0);
        TSimd.Store(TSimd.Multiply(o1, VectorMath.Tanh<TSimd, TVec>(c1)), ref next, u1);
    }
}
