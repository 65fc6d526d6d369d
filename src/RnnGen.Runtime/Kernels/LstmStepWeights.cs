using System;
using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RnnGen.Kernels;

/// <summary>
/// One LSTM layer's weights for <see cref="StepKernels.LstmStep(LstmStepWeights, ReadOnlySpan{float}, Span{float}, Span{float}, Span{float})"/>:
/// W_ih and W_hh packed alike, b_ih and b_hh copied, and their sum, each bias from a cache line of its own. Their
/// shapes are checked once, when it is made (a model's <see cref="StepWeights"/> makes one per LSTM layer), so that a
/// fused step checks only its spans' lengths: the instructions between one step's cell and the next step's product
/// are what the small step costs (docs/performance.md, "Streaming: one step"). Never written after it is made.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class LstmStepWeights
{
    private readonly float[] _biases; // b_ih + b_hh, b_ih and b_hh, 4H values each, from the three starts below
    private readonly int _biasSumStart;
    private readonly int _inputBiasStart;
    private readonly int _recurrentBiasStart;

    private LstmStepWeights(PackedStepMatrix inputWeight, ReadOnlySpan<float> inputBias, PackedStepMatrix recurrentWeight, ReadOnlySpan<float> recurrentBias)
    {
        InputWeight = inputWeight;
        RecurrentWeight = recurrentWeight;
        Inputs = inputWeight.Columns;
        Hidden = recurrentWeight.Columns;
        Fused = inputWeight.CellGates == PackedStepMatrix.LstmGates;

        int gates = inputBias.Length, stride = AlignedFloats.WholeLines(gates);
        _biases = AlignedFloats.Allocate(3 * stride, out _biasSumStart);
        _inputBiasStart = _biasSumStart + stride;
        _recurrentBiasStart = _inputBiasStart + stride;
        inputBias.CopyTo(_biases.AsSpan(_inputBiasStart));
        recurrentBias.CopyTo(_biases.AsSpan(_recurrentBiasStart));

        // The fused step adds this sum to each gate's products: the float addition that the map does first, so the
        // same bits, with half the loads.
        for (int i = 0; i < gates; i++)
        {
            _biases[_biasSumStart + i] = inputBias[i] + recurrentBias[i];
        }
    }

    /// <summary>W_ih, [4H, <see cref="Inputs"/>], packed.</summary>
    public PackedStepMatrix InputWeight { get; }

    /// <summary>W_hh, [4H, <see cref="Hidden"/>], packed like <see cref="InputWeight"/>.</summary>
    public PackedStepMatrix RecurrentWeight { get; }

    /// <summary>The length of the layer's input.</summary>
    public int Inputs { get; }

    /// <summary>H, the length of h and of c.</summary>
    public int Hidden { get; }

    /// <summary>Bytes held: the two packed matrices and the three biases' values.</summary>
    public long Bytes => InputWeight.Bytes + RecurrentWeight.Bytes + BiasBytes;

    /// <summary>Bytes of the three biases' values (b_ih, b_hh and their sum), not the padding between them.</summary>
    internal long BiasBytes => 3L * 4 * Hidden * sizeof(float);

    /// <summary>b_ih, 4H values.</summary>
    internal ReadOnlySpan<float> InputBias => _biases.AsSpan(_inputBiasStart, 4 * Hidden);

    /// <summary>b_hh, 4H values.</summary>
    internal ReadOnlySpan<float> RecurrentBias => _biases.AsSpan(_recurrentBiasStart, 4 * Hidden);

    /// <summary>b_ih + b_hh, 4H values.</summary>
    internal ReadOnlySpan<float> BiasSum => _biases.AsSpan(_biasSumStart, 4 * Hidden);

    /// <summary>The first value of <see cref="BiasSum"/>, for the fused loop.</summary>
    internal ref float BiasSumStart => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_biases), _biasSumStart);

    /// <summary>Whether the matrices were packed for the fused cell (their units fill whole panels).</summary>
    internal bool Fused { get; }

    /// <summary>
    /// Checks that the matrices and biases make one LSTM layer, then copies the biases: <paramref name="recurrentWeight"/>
    /// is [4H, H], <paramref name="inputWeight"/> [4H, inputs], both packed alike, and each bias has 4H values.
    /// </summary>
    /// <param name="inputWeight">W_ih, packed (<see cref="PackedStepMatrix.CellGates"/> 4 where its units fill whole panels).</param>
    /// <param name="inputBias">b_ih.</param>
    /// <param name="recurrentWeight">W_hh, packed like <paramref name="inputWeight"/>.</param>
    /// <param name="recurrentBias">b_hh.</param>
    /// <exception cref="ArgumentNullException">A matrix is null.</exception>
    /// <exception cref="ArgumentException">A shape does not fit, or the two matrices were packed differently.</exception>
    public static LstmStepWeights Create(PackedStepMatrix inputWeight, ReadOnlySpan<float> inputBias, PackedStepMatrix recurrentWeight, ReadOnlySpan<float> recurrentBias)
    {
        ArgumentNullException.ThrowIfNull(inputWeight);
        ArgumentNullException.ThrowIfNull(recurrentWeight);
        long gates = 4L * recurrentWeight.Columns;
        if (recurrentWeight.Rows != gates)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"recurrentWeight is [{recurrentWeight.Rows}, {recurrentWeight.Columns}]; W_hh of an LSTM of {recurrentWeight.Columns} units is [{gates}, {recurrentWeight.Columns}]."),
                nameof(recurrentWeight));
        }

        if (inputWeight.Rows != gates)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"inputWeight is [{inputWeight.Rows}, {inputWeight.Columns}]; W_ih of an LSTM of {recurrentWeight.Columns} units has {gates} rows."),
                nameof(inputWeight));
        }

        StepKernels.CheckPackedAlike(inputWeight, recurrentWeight, nameof(recurrentWeight), nameof(inputWeight));
        CheckBias(inputBias.Length, gates, nameof(inputBias));
        CheckBias(recurrentBias.Length, gates, nameof(recurrentBias));
        return new LstmStepWeights(inputWeight, inputBias, recurrentWeight, recurrentBias);
    }

    private static void CheckBias(int length, long gates, string name)
    {
        if (length != gates)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{name} must have {gates} values (four gates of {gates / 4} units), but has {length}."), name);
        }
    }
}
