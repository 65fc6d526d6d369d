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
        CheckPacked(weight, input.Length, bias.Length, output.Length, nameof(weight), nameof(input), nameof(bias));
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
        CheckPacked(weight, input.Length, bias.Length, output.Length, nameof(weight), nameof(input), nameof(bias));
        CheckPacked(otherWeight, otherInput.Length, otherBias.Length, output.Length, nameof(otherWeight), nameof(otherInput), nameof(otherBias));
        if (otherWeight.Precision != weight.Precision || otherWeight.Lanes != weight.Lanes)
        {
            ThrowPackedDifferently(weight, otherWeight);
        }

        PackedStepLoops.Run(new PackedOperands(weight, input, bias, otherWeight, otherInput, otherBias, hasOther: true, output));
    }

    private static void CheckPacked(PackedStepMatrix weight, int inputs, int biases, int outputs, string weightName, string inputName, string biasName)
    {
        if (weight.Rows != outputs || weight.Columns != inputs || biases != outputs)
        {
            ThrowPackedShape(weight, inputs, biases, outputs, weightName, inputName, biasName);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPackedShape(PackedStepMatrix weight, int inputs, int biases, int outputs, string weightName, string inputName, string biasName)
    {
        string name = weight.Columns != inputs ? inputName : biases != outputs ? biasName : weightName;
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{weightName} is [{weight.Rows}, {weight.Columns}], which does not map {inputName} of {inputs} values to {outputs} outputs with {biasName} of {biases} values."),
            name);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPackedDifferently(PackedStepMatrix weight, PackedStepMatrix otherWeight) =>
        throw new ArgumentException(
            $"otherWeight was packed as {otherWeight.Precision} for {otherWeight.Lanes}-float vectors, weight as {weight.Precision} for {weight.Lanes}; pack both alike.",
            nameof(otherWeight));
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
file interface IPackedFormat
{
    static abstract bool IsBFloat16 { get; }
}

file readonly struct Float32Slots : IPackedFormat
{
    public static bool IsBFloat16 => false;
}

file readonly struct BFloat16Pairs : IPackedFormat
{
    public static bool IsBFloat16 => true;
}

/// <summary>
/// The loops of the packed maps. Each block of eight outputs keeps eight accumulators, streams its chunks of both
/// matrices (one sequential read each), and reduces once; a bfloat16 slot vector widens to the weights of two input
/// vectors. The last chunk of an input is read from a zero-padded copy, where the packed zeros meet zeros.
/// </summary>
file static class PackedStepLoops
{
    /// <summary>Floats of the widest chunk: sixteen lanes of bfloat16 pairs.</summary>
    private const int MaxChunkColumns = 32;

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

    [SkipLocalsInit]
    private static void Affine<TSimd, TVec, TFormat>(in PackedOperands p)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
        where TFormat : struct, IPackedFormat
    {
        // Chunks of each input read in place, and the last one from its zero-padded copy if the input ends inside it.
        int chunkColumns = p.W.ChunkColumns;
        int chunksX = p.W.Chunks;
        int chunksH = p.HasOther ? p.U.Chunks : 0;
        int fullX = chunksX * chunkColumns == p.X.Length ? chunksX : chunksX - 1;
        int fullH = chunksH * chunkColumns == p.H.Length ? chunksH : chunksH - 1;
        Span<float> tails = stackalloc float[2 * MaxChunkColumns];
        if (fullX < chunksX)
        {
            tails[..chunkColumns].Clear();
            p.X[(fullX * chunkColumns)..].CopyTo(tails);
        }

        if (fullH < chunksH)
        {
            tails.Slice(MaxChunkColumns, chunkColumns).Clear();
            p.H[(fullH * chunkColumns)..].CopyTo(tails[MaxChunkColumns..]);
        }

        nuint lanes = (nuint)TSimd.Count;
        nuint chunkSlots = PackedStepMatrix.BlockRows * lanes;
        ref float firstW = ref p.W.Block(0);
        ref float firstU = ref p.U.Block(0);
        int outputs = p.Y.Length;
        for (int block = 0; block < p.W.Blocks; block++)
        {
            TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;

            // The first input, then the second (none with one input: no chunks).
            ref float slots = ref Unsafe.Add(ref firstW, (nuint)block * (nuint)chunksX * chunkSlots);
            ref float x = ref MemoryMarshal.GetReference(p.X);
            ref float tail = ref MemoryMarshal.GetReference(tails);
            int full = fullX;
            int chunks = chunksX;
            for (int input = 0; input < 2; input++)
            {
                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    ref float v = ref chunk < full ? ref Unsafe.Add(ref x, chunk * chunkColumns) : ref tail;
                    if (TFormat.IsBFloat16)
                    {
                        TVec low = TSimd.Load(ref v, 0);
                        TVec high = TSimd.Load(ref v, lanes);
                        s0 = Pair<TSimd, TVec>(low, high, TSimd.Load(ref slots, 0), s0);
                        s1 = Pair<TSimd, TVec>(low, high, TSimd.Load(ref slots, lanes), s1);
                        s2 = Pair<TSimd, TVec>(low, high, TSimd.Load(ref slots, 2 * lanes), s2);
                        s3 = Pair<TSimd, TVec>(low, high, TSimd.Load(ref slots, 3 * lanes), s3);
                        s4 = Pair<TSimd, TVec>(low, high, TSimd.Load(ref slots, 4 * lanes), s4);
                        s5 = Pair<TSimd, TVec>(low, high, TSimd.Load(ref slots, 5 * lanes), s5);
                        s6 = Pair<TSimd, TVec>(low, high, TSimd.Load(ref slots, 6 * lanes), s6);
                        s7 = Pair<TSimd, TVec>(low, high, TSimd.Load(ref slots, 7 * lanes), s7);
                    }
                    else
                    {
                        TVec a = TSimd.Load(ref v, 0);
                        s0 = TSimd.MultiplyAdd(a, TSimd.Load(ref slots, 0), s0);
                        s1 = TSimd.MultiplyAdd(a, TSimd.Load(ref slots, lanes), s1);
                        s2 = TSimd.MultiplyAdd(a, TSimd.Load(ref slots, 2 * lanes), s2);
                        s3 = TSimd.MultiplyAdd(a, TSimd.Load(ref slots, 3 * lanes), s3);
                        s4 = TSimd.MultiplyAdd(a, TSimd.Load(ref slots, 4 * lanes), s4);
                        s5 = TSimd.MultiplyAdd(a, TSimd.Load(ref slots, 5 * lanes), s5);
                        s6 = TSimd.MultiplyAdd(a, TSimd.Load(ref slots, 6 * lanes), s6);
                        s7 = TSimd.MultiplyAdd(a, TSimd.Load(ref slots, 7 * lanes), s7);
                    }

                    slots = ref Unsafe.Add(ref slots, chunkSlots);
                }

                slots = ref Unsafe.Add(ref firstU, (nuint)block * (nuint)chunksH * chunkSlots);
                x = ref MemoryMarshal.GetReference(p.H);
                tail = ref Unsafe.Add(ref MemoryMarshal.GetReference(tails), MaxChunkColumns);
                full = fullH;
                chunks = chunksH;
            }

            Store(p, block * PackedStepMatrix.BlockRows, TSimd.SumEach(s0, s1, s2, s3), TSimd.SumEach(s4, s5, s6, s7), outputs);
        }
    }

    // One row's sum plus its share of a bfloat16 chunk: the inputs low times the weights in the slots' low halves,
    // and the inputs high times those in their high halves. (Summing the two products apart from the accumulator,
    // to shorten its chain, measured slower: one more multiply on the ports the multiply-adds use.)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVec Pair<TSimd, TVec>(TVec low, TVec high, TVec slots, TVec sum)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct =>
        TSimd.MultiplyAdd(high, TSimd.HighBFloat16(slots), TSimd.MultiplyAdd(low, TSimd.LowBFloat16(slots), sum));

    // Outputs [o, o + 8) of the block's sums, each plus its biases; the last block may hold fewer.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(in PackedOperands p, int o, Vector128<float> low, Vector128<float> high, int outputs)
    {
        if (o + PackedStepMatrix.BlockRows <= outputs)
        {
            ref float y = ref MemoryMarshal.GetReference(p.Y);
            (Biases(p, o) + low).StoreUnsafe(ref y, (nuint)o);
            (Biases(p, o + 4) + high).StoreUnsafe(ref y, (nuint)(o + 4));
        }
        else
        {
            StorePartial(p, o, low, high, outputs);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StorePartial(in PackedOperands p, int o, Vector128<float> low, Vector128<float> high, int outputs)
    {
        Span<float> sums = stackalloc float[PackedStepMatrix.BlockRows];
        low.CopyTo(sums);
        high.CopyTo(sums[4..]);
        for (int i = o; i < outputs; i++)
        {
            float bias = p.HasOther ? p.Bias[i] + p.OtherBias[i] : p.Bias[i];
            p.Y[i] = bias + sums[i - o];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Biases(in PackedOperands p, int o)
    {
        Vector128<float> bias = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(p.Bias), (nuint)o);
        return p.HasOther ? bias + Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(p.OtherBias), (nuint)o) : bias;
    }
}
