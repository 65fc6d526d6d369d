using System;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

// The maps of one streaming step with weights packed by PackedStepMatrix (see StepWeights).
public static partial class StepKernels
{
    /// <summary>output[o] = Σ_k weight[o, k] · input[k] + bias[o], the weights read from their packed copy.</summary>
    /// <param name="weight">[output.Length, input.Length], packed.</param>
    /// <param name="input">The input vector.</param>
    /// <param name="bias">One value per output.</param>
    /// <param name="output">Overwritten; must not overlap the other spans.</param>
    /// <exception cref="ArgumentNullException"><paramref name="weight"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit the matrix.</exception>
    public static void Affine(PackedStepMatrix weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(weight);
        CheckPacked(weight, input.Length, bias.Length, output.Length, nameof(weight), nameof(input), nameof(bias), nameof(output));
        CheckInOrder(weight, nameof(weight));
        if (weight.RowMajor)
        {
            Affine(weight.Values, input, bias, output);
            return;
        }

        PackedStepLoops.Run(new PackedOperands(weight, input, bias, weight, default, default, hasOther: false, output));
    }

    /// <summary>
    /// output[o] = Σ_k weight[o, k] · input[k] + bias[o] + Σ_k otherWeight[o, k] · otherInput[k] + otherBias[o], the
    /// weights read from their packed copies: a recurrent cell's gates in one pass, as the unpacked form computes them.
    /// </summary>
    /// <param name="weight">[output.Length, input.Length], packed.</param>
    /// <param name="input">The first input vector.</param>
    /// <param name="bias">One value per output.</param>
    /// <param name="otherWeight">[output.Length, otherInput.Length], packed like <paramref name="weight"/>.</param>
    /// <param name="otherInput">The second input vector.</param>
    /// <param name="otherBias">One value per output.</param>
    /// <param name="output">Overwritten; must not overlap the other spans.</param>
    /// <exception cref="ArgumentNullException">A matrix is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not fit its matrix, or the two were packed differently.</exception>
    public static void Affine(
        PackedStepMatrix weight, ReadOnlySpan<float> input, ReadOnlySpan<float> bias,
        PackedStepMatrix otherWeight, ReadOnlySpan<float> otherInput, ReadOnlySpan<float> otherBias,
        Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(otherWeight);
        CheckPacked(weight, input.Length, bias.Length, output.Length, nameof(weight), nameof(input), nameof(bias), nameof(output));
        CheckPacked(otherWeight, otherInput.Length, otherBias.Length, output.Length, nameof(otherWeight), nameof(otherInput), nameof(otherBias), nameof(output));
        CheckPackedAlike(weight, otherWeight, nameof(otherWeight), nameof(weight));
        CheckInOrder(weight, nameof(weight));

        // Row-major or not follows from the rows and the lanes, which the two share.
        if (weight.RowMajor)
        {
            Affine(weight.Values, input, bias, otherWeight.Values, otherInput, otherBias, output);
            return;
        }

        PackedStepLoops.Run(new PackedOperands(weight, input, bias, otherWeight, otherInput, otherBias, hasOther: true, output));
    }

    // Throws, naming the second matrix (otherName), unless the two were packed alike (precision, vector width, layout).
    internal static void CheckPackedAlike(PackedStepMatrix weight, PackedStepMatrix otherWeight, string otherName, string name)
    {
        if (otherWeight.Precision != weight.Precision || otherWeight.Lanes != weight.Lanes || otherWeight.CellGates != weight.CellGates)
        {
            ThrowPackedDifferently(weight, otherWeight, otherName, name);
        }
    }

    // A matrix packed for a cell's fused step has its rows out of order: a map through it would mix the outputs.
    private static void CheckInOrder(PackedStepMatrix weight, string name)
    {
        if (weight.CellGates != 1)
        {
            ThrowPackedForCell(weight, name);
        }
    }

    private static void CheckPacked(PackedStepMatrix weight, int inputs, int biases, int outputs, string weightName, string inputName, string biasName, string outputName)
    {
        if (weight.Rows != outputs || weight.Columns != inputs || biases != outputs)
        {
            ThrowPackedShape(weight, inputs, biases, outputs, weightName, inputName, biasName, outputName);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPackedShape(PackedStepMatrix weight, int inputs, int biases, int outputs, string weightName, string inputName, string biasName, string outputName)
    {
        // the odd one out: the output when the weight's rows and the bias agree with each other
        string name = weight.Columns != inputs ? inputName
            : weight.Rows == biases ? outputName
            : biases != outputs ? biasName
            : weightName;
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{weightName} is [{weight.Rows}, {weight.Columns}], which does not map {inputName} of {inputs} values to {outputs} outputs with {biasName} of {biases} values."),
            name);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPackedDifferently(PackedStepMatrix weight, PackedStepMatrix otherWeight, string otherName, string name) =>
        throw new ArgumentException(
            $"{otherName} was packed as {otherWeight.Precision} for {otherWeight.Lanes}-float vectors, {Layout(otherWeight)}; {name} as {weight.Precision} for {weight.Lanes}, {Layout(weight)}; pack both alike.",
            otherName);

    private static string Layout(PackedStepMatrix weight) => weight.CellGates == 1 ? "its rows in order" : "for an LSTM's fused cell";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPackedForCell(PackedStepMatrix weight, string name) =>
        throw new ArgumentException(
            $"{name} was packed for the fused step of a cell of {weight.CellGates} gates, its rows out of order; step the cell with it (LstmStepWeights.Create, then LstmStep), or pack it in order for a map.",
            name);
}

/// <summary>The operands of a packed map; with one input (not <see cref="HasOther"/>), <see cref="U"/> is <see cref="W"/> and the other spans are empty.</summary>
file readonly ref struct PackedOperands(
    PackedStepMatrix w, ReadOnlySpan<float> x, ReadOnlySpan<float> bias,
    PackedStepMatrix u, ReadOnlySpan<float> h, ReadOnlySpan<float> otherBias,
    bool hasOther, Span<float> y)
{
    public readonly PackedStepMatrix W = w;
    public readonly ReadOnlySpan<float> X = x;
    public readonly ReadOnlySpan<float> Bias = bias;
    public readonly PackedStepMatrix U = u;
    public readonly ReadOnlySpan<float> H = h;
    public readonly ReadOnlySpan<float> OtherBias = otherBias;
    public readonly bool HasOther = hasOther;
    public readonly Span<float> Y = y;
}

/// <summary>How a packed matrix holds its values; a type argument, so that the JIT keeps one loop body.</summary>
internal interface IPackedFormat
{
    static abstract bool IsBFloat16 { get; }
}

internal readonly struct Float32Slots : IPackedFormat
{
    public static bool IsBFloat16 => false;
}

internal readonly struct BFloat16Pairs : IPackedFormat
{
    public static bool IsBFloat16 => true;
}

/// <summary>A whole panel's accumulation and the widening of slots to columns, shared by the maps and the fused LSTM step.</summary>
internal static class PackedSlots
{
    // A whole panel's sums: s_j += Σ_k x[k] · column k's vector j of the panel, n columns (in bfloat16, two per slot).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Accumulate<TSimd, TVec, TFormat>(
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
                s0 = Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 0), s0);
                s1 = Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, lanes), s1);
                s2 = Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 2 * lanes), s2);
                s3 = Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 3 * lanes), s3);
                s4 = Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 4 * lanes), s4);
                s5 = Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 5 * lanes), s5);
                s6 = Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 6 * lanes), s6);
                s7 = Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 7 * lanes), s7);
                slots = ref Unsafe.Add(ref slots, rows);
            }
        }

        for (; k < n; k++)
        {
            TVec a = TSimd.Broadcast(Unsafe.Add(ref x, k));
            s0 = TSimd.MultiplyAdd(a, Column<TSimd, TVec, TFormat>(ref slots, 0), s0);
            s1 = TSimd.MultiplyAdd(a, Column<TSimd, TVec, TFormat>(ref slots, lanes), s1);
            s2 = TSimd.MultiplyAdd(a, Column<TSimd, TVec, TFormat>(ref slots, 2 * lanes), s2);
            s3 = TSimd.MultiplyAdd(a, Column<TSimd, TVec, TFormat>(ref slots, 3 * lanes), s3);
            s4 = TSimd.MultiplyAdd(a, Column<TSimd, TVec, TFormat>(ref slots, 4 * lanes), s4);
            s5 = TSimd.MultiplyAdd(a, Column<TSimd, TVec, TFormat>(ref slots, 5 * lanes), s5);
            s6 = TSimd.MultiplyAdd(a, Column<TSimd, TVec, TFormat>(ref slots, 6 * lanes), s6);
            s7 = TSimd.MultiplyAdd(a, Column<TSimd, TVec, TFormat>(ref slots, 7 * lanes), s7);
            slots = ref Unsafe.Add(ref slots, rows);
        }
    }

    // One panel row's sum plus two columns' shares: first times the weights in the slots' low halves, second times
    // those in their high halves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Pair<TSimd, TVec>(TVec first, TVec second, TVec slots, TVec sum)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct =>
        TSimd.MultiplyAdd(second, TSimd.HighBFloat16(slots), TSimd.MultiplyAdd(first, TSimd.LowBFloat16(slots), sum));

    // A vector of one column's weights: float32 as stored, or the low halves of bfloat16 slots.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVec Column<TSimd, TVec, TFormat>(ref float slots, nuint offset)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat =>
        TFormat.IsBFloat16 ? TSimd.LowBFloat16(TSimd.Load(ref slots, offset)) : TSimd.Load(ref slots, offset);
}

/// <summary>
/// The loops of the packed maps. Each panel of outputs (up to eight vectors) keeps one accumulator per vector and
/// adds, input by input, the input's value times the panel's column of weights: one sequential read per panel, and no
/// horizontal sums. In bfloat16 a vector of slots widens to two columns, taken with two consecutive inputs.
/// </summary>
file static class PackedStepLoops
{
    public static void Run(in PackedOperands p)
    {
        bool pairs = p.W.Precision == StepPrecision.BFloat16;
        switch (p.W.Lanes)
        {
            case 16 when pairs: Affine<Simd512, Vector512<float>, BFloat16Pairs>(p); break;
            case 16: Affine<Simd512, Vector512<float>, Float32Slots>(p); break;
            case 8 when pairs: Affine<Simd256, Vector256<float>, BFloat16Pairs>(p); break;
            case 8: Affine<Simd256, Vector256<float>, Float32Slots>(p); break;
            case 4 when pairs: Affine<Simd128, Vector128<float>, BFloat16Pairs>(p); break;
            default: Affine<Simd128, Vector128<float>, Float32Slots>(p); break;
        }
    }

    // Each width and format its own method, compiled once with full optimization: inlined into Run, the six of them
    // ran the JIT out of inlining budget under dynamic PGO, which then called PackedSlots.Accumulate with the
    // accumulators in memory (the GRU(28→128) step with float32 weights at 3.3–5.0 µs instead of 1.8).
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Affine<TSimd, TVec, TFormat>(in PackedOperands p)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
    {
        int whole = p.W.LastPanelVectors == PackedStepMatrix.PanelVectors ? p.W.Panels : p.W.Panels - 1;
        for (int panel = 0; panel < whole; panel++)
        {
            Panel<TSimd, TVec, TFormat, WholePanel>(p, panel, PackedStepMatrix.PanelVectors);
        }

        if (whole < p.W.Panels)
        {
            LastPanel<TSimd, TVec, TFormat>(p, whole, p.W.LastPanelVectors);
        }
    }

    // The last panel when it is not whole, out of line: with a call per panel, or with this panel inlined beside the
    // loop, the maps of the 128-unit cells were 2–7 % slower (profile harness: GRU(128) bfloat16 maps 1.93 against
    // 1.89 µs).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LastPanel<TSimd, TVec, TFormat>(in PackedOperands p, int panel, int count)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat =>
        Panel<TSimd, TVec, TFormat, PartPanel>(p, panel, count);

    // One panel of `count` vectors: a whole panel accumulates all eight (PackedSlots.Accumulate); a last panel tests
    // the count at run time (one loop for every count; its few FMA chains leave time for the branches). A
    // last panel of four vectors or fewer (three or four vectors in all, or the tail of a larger matrix) would leave too
    // few FMA chains to hide their latency, so it splits its columns in two, each half into its own accumulators (s0–s3
    // and s4–s7), summed at the end.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Panel<TSimd, TVec, TFormat, TPanel>(in PackedOperands p, int panel, int count)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
        where TPanel : struct, IPanelSize
    {
        int vectors = TPanel.IsWhole ? PackedStepMatrix.PanelVectors : count;
        bool split = vectors <= PackedStepMatrix.PanelVectors / 2;
        nuint lanes = (nuint)TSimd.Count;
        nuint panelRows = (nuint)vectors * lanes;
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;

        if (TPanel.IsWhole)
        {
            // All eight vectors, the first input's columns then the second's: the loops of the fused LSTM step too.
            PackedSlots.Accumulate<TSimd, TVec, TFormat>(ref p.W.Panel(panel), ref MemoryMarshal.GetReference(p.X), p.X.Length, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
            if (p.HasOther)
            {
                PackedSlots.Accumulate<TSimd, TVec, TFormat>(ref p.U.Panel(panel), ref MemoryMarshal.GetReference(p.H), p.H.Length, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
            }
        }
        else
        {
            // The first input, then the second (none with one input).
            ref float slots = ref p.W.Panel(panel);
            ref float x = ref MemoryMarshal.GetReference(p.X);
            int n = p.X.Length;
            for (int input = 0; input < 2; input++)
            {
                int k = 0;
                if (TFormat.IsBFloat16 && split)
                {
                    // Low halves (even columns) into s0–s3, high halves (odd columns) into s4–s7.
                    for (; k + 1 < n; k += 2)
                    {
                        TVec first = TSimd.Broadcast(Unsafe.Add(ref x, k));
                        TVec second = TSimd.Broadcast(Unsafe.Add(ref x, k + 1));
                        (s0, s4) = Halves<TSimd, TVec>(first, second, TSimd.Load(ref slots, 0), s0, s4);
                        if (vectors > 1) (s1, s5) = Halves<TSimd, TVec>(first, second, TSimd.Load(ref slots, lanes), s1, s5);
                        if (vectors > 2) (s2, s6) = Halves<TSimd, TVec>(first, second, TSimd.Load(ref slots, 2 * lanes), s2, s6);
                        if (vectors > 3) (s3, s7) = Halves<TSimd, TVec>(first, second, TSimd.Load(ref slots, 3 * lanes), s3, s7);
                        slots = ref Unsafe.Add(ref slots, panelRows);
                    }
                }
                else if (TFormat.IsBFloat16)
                {
                    for (; k + 1 < n; k += 2)
                    {
                        TVec first = TSimd.Broadcast(Unsafe.Add(ref x, k));
                        TVec second = TSimd.Broadcast(Unsafe.Add(ref x, k + 1));
                        s0 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 0), s0);
                        s1 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, lanes), s1);
                        s2 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 2 * lanes), s2);
                        s3 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 3 * lanes), s3);
                        if (vectors > 4) s4 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 4 * lanes), s4);
                        if (vectors > 5) s5 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 5 * lanes), s5);
                        if (vectors > 6) s6 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 6 * lanes), s6);
                        if (vectors > 7) s7 = PackedSlots.Pair<TSimd, TVec>(first, second, TSimd.Load(ref slots, 7 * lanes), s7);
                        slots = ref Unsafe.Add(ref slots, panelRows);
                    }
                }
                else if (split)
                {
                    // Float32 columns two at a time: the first into s0–s3, the second into s4–s7.
                    for (; k + 1 < n; k += 2)
                    {
                        TVec first = TSimd.Broadcast(Unsafe.Add(ref x, k));
                        TVec second = TSimd.Broadcast(Unsafe.Add(ref x, k + 1));
                        ref float next = ref Unsafe.Add(ref slots, panelRows);
                        s0 = TSimd.MultiplyAdd(first, TSimd.Load(ref slots, 0), s0);
                        s4 = TSimd.MultiplyAdd(second, TSimd.Load(ref next, 0), s4);
                        if (vectors > 1) (s1, s5) = (TSimd.MultiplyAdd(first, TSimd.Load(ref slots, lanes), s1), TSimd.MultiplyAdd(second, TSimd.Load(ref next, lanes), s5));
                        if (vectors > 2) (s2, s6) = (TSimd.MultiplyAdd(first, TSimd.Load(ref slots, 2 * lanes), s2), TSimd.MultiplyAdd(second, TSimd.Load(ref next, 2 * lanes), s6));
                        if (vectors > 3) (s3, s7) = (TSimd.MultiplyAdd(first, TSimd.Load(ref slots, 3 * lanes), s3), TSimd.MultiplyAdd(second, TSimd.Load(ref next, 3 * lanes), s7));
                        slots = ref Unsafe.Add(ref next, panelRows);
                    }
                }

                // Float32 columns one by one (an odd count's last one when split); in bfloat16 the last column of an
                // odd count (its pair's high half is zero).
                for (; k < n; k++)
                {
                    TVec a = TSimd.Broadcast(Unsafe.Add(ref x, k));
                    s0 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 0), s0);
                    if (vectors > 1) s1 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, lanes), s1);
                    if (vectors > 2) s2 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 2 * lanes), s2);
                    if (vectors > 3) s3 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 3 * lanes), s3);
                    if (vectors > 4) s4 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 4 * lanes), s4);
                    if (vectors > 5) s5 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 5 * lanes), s5);
                    if (vectors > 6) s6 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 6 * lanes), s6);
                    if (vectors > 7) s7 = TSimd.MultiplyAdd(a, PackedSlots.Column<TSimd, TVec, TFormat>(ref slots, 7 * lanes), s7);
                    slots = ref Unsafe.Add(ref slots, panelRows);
                }

                if (!p.HasOther)
                {
                    break;
                }

                slots = ref p.U.Panel(panel);
                x = ref MemoryMarshal.GetReference(p.H);
                n = p.H.Length;
            }
        }

        if (split)
        {
            (s0, s1, s2, s3) = (TSimd.Add(s0, s4), TSimd.Add(s1, s5), TSimd.Add(s2, s6), TSimd.Add(s3, s7));
        }

        int o = panel * p.W.PanelRows;
        int outputs = p.Y.Length;
        if (o + (int)panelRows > outputs)
        {
            StorePartial<TSimd, TVec>(p, o, outputs, s0, s1, s2, s3, s4, s5, s6, s7);
            return;
        }

        ref float y = ref Unsafe.Add(ref MemoryMarshal.GetReference(p.Y), o);
        TSimd.Store(TSimd.Add(Biases<TSimd, TVec>(p, o), s0), ref y, 0);
        if (vectors > 1) TSimd.Store(TSimd.Add(Biases<TSimd, TVec>(p, o + (int)lanes), s1), ref y, lanes);
        if (vectors > 2) TSimd.Store(TSimd.Add(Biases<TSimd, TVec>(p, o + (2 * (int)lanes)), s2), ref y, 2 * lanes);
        if (vectors > 3) TSimd.Store(TSimd.Add(Biases<TSimd, TVec>(p, o + (3 * (int)lanes)), s3), ref y, 3 * lanes);
        if (vectors > 4) TSimd.Store(TSimd.Add(Biases<TSimd, TVec>(p, o + (4 * (int)lanes)), s4), ref y, 4 * lanes);
        if (vectors > 5) TSimd.Store(TSimd.Add(Biases<TSimd, TVec>(p, o + (5 * (int)lanes)), s5), ref y, 5 * lanes);
        if (vectors > 6) TSimd.Store(TSimd.Add(Biases<TSimd, TVec>(p, o + (6 * (int)lanes)), s6), ref y, 6 * lanes);
        if (vectors > 7) TSimd.Store(TSimd.Add(Biases<TSimd, TVec>(p, o + (7 * (int)lanes)), s7), ref y, 7 * lanes);
    }

    // Two columns' shares of one panel row apart: first times the low halves into low, second times the high halves
    // into high.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (TVec Low, TVec High) Halves<TSimd, TVec>(TVec first, TVec second, TVec slots, TVec low, TVec high)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct =>
        (TSimd.MultiplyAdd(first, TSimd.LowBFloat16(slots), low), TSimd.MultiplyAdd(second, TSimd.HighBFloat16(slots), high));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Biases<TSimd, TVec>(in PackedOperands p, int o)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec bias = TSimd.Load(ref MemoryMarshal.GetReference(p.Bias), (nuint)o);
        return p.HasOther ? TSimd.Add(bias, TSimd.Load(ref MemoryMarshal.GetReference(p.OtherBias), (nuint)o)) : bias;
    }

    // The last panel when its last vector holds fewer outputs than lanes: through a buffer, output by output. The
    // buffer is made here, not by the caller, where the JIT would zero its stack slots on every map.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StorePartial<TSimd, TVec>(in PackedOperands p, int o, int outputs, TVec s0, TVec s1, TVec s2, TVec s3, TVec s4, TVec s5, TVec s6, TVec s7)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ReadOnlySpan<TVec> sums = [s0, s1, s2, s3, s4, s5, s6, s7];
        ReadOnlySpan<float> values = MemoryMarshal.Cast<TVec, float>(sums);
        for (int i = o; i < outputs; i++)
        {
            float bias = p.HasOther ? p.Bias[i] + p.OtherBias[i] : p.Bias[i];
            p.Y[i] = bias + values[i - o];
        }
    }
}

/// <summary>
/// Whether a panel has all <see cref="PackedStepMatrix.PanelVectors"/> vectors, as a type: one loop for whole panels,
/// their count a constant, and one for a last panel of any count (a Native AOT binary compiles each for every width and
/// precision, so one per count would cost it some hundred kilobytes).
/// </summary>
file interface IPanelSize
{
    static abstract bool IsWhole { get; }
}

file readonly struct WholePanel : IPanelSize
{
    public static bool IsWhole => true;
}

file readonly struct PartPanel : IPanelSize
{
    public static bool IsWhole => false;
}
