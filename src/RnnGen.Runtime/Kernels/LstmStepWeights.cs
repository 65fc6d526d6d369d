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
/// step checks only its spans' lengths: the instructions between one step's cell and the next step's product are what
/// the small step costs (docs/performance.md, "Streaming: one step"). Never written after it is made.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class LstmStepWeights
{
    private const int LineFloats = AlignedFloats.Alignment / sizeof(float);

    private readonly float[] _biases; // b_ih + b_hh, b_ih and b_hh, 4H values each, from _sum, _bias and _otherBias
    private readonly int _sum;
    private readonly int _bias;
    private readonly int _otherBias;

    private LstmStepWeights(PackedStepMatrix weight, ReadOnlySpan<float> bias, PackedStepMatrix otherWeight, ReadOnlySpan<float> otherBias)
    {
        Weight = weight;
        OtherWeight = otherWeight;
        Inputs = weight.Columns;
        Hidden = otherWeight.Columns;
        Fused = weight.CellGates == PackedStepMatrix.LstmGates;
        Panels = weight.Panels;

        int gates = bias.Length, stride = (gates + LineFloats - 1) / LineFloats * LineFloats;
        _biases = AlignedFloats.Allocate(3 * stride, out _sum);
        _bias = _sum + stride;
        _otherBias = _bias + stride;
        bias.CopyTo(_biases.AsSpan(_bias));
        otherBias.CopyTo(_biases.AsSpan(_otherBias));

        // The fused step adds this sum to each gate's products: the same float addition that the map does first, so
        // the same bits, with half the loads.
        for (int i = 0; i < gates; i++)
        {
            _biases[_sum + i] = bias[i] + otherBias[i];
        }
    }

    /// <summary>W_ih, [4H, <see cref="Inputs"/>], packed.</summary>
    public PackedStepMatrix Weight { get; }

    /// <summary>W_hh, [4H, <see cref="Hidden"/>], packed like <see cref="Weight"/>.</summary>
    public PackedStepMatrix OtherWeight { get; }

    /// <summary>The length of the layer's input.</summary>
    public int Inputs { get; }

    /// <summary>H, the length of h and of c.</summary>
    public int Hidden { get; }

    /// <summary>Bytes held: the two packed matrices and the three biases' values.</summary>
    public long Bytes => Weight.Bytes + OtherWeight.Bytes + (3L * 4 * Hidden * sizeof(float));

    /// <summary>b_ih, 4H values.</summary>
    internal ReadOnlySpan<float> Bias => _biases.AsSpan(_bias, 4 * Hidden);

    /// <summary>b_hh, 4H values.</summary>
    internal ReadOnlySpan<float> OtherBias => _biases.AsSpan(_otherBias, 4 * Hidden);

    /// <summary>The first of b_ih + b_hh's 4H values.</summary>
    internal ref float Sum => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_biases), _sum);

    /// <summary>Whether the matrices were packed for the fused cell (their units fill whole panels).</summary>
    internal bool Fused { get; }

    /// <summary>The matrices' panels.</summary>
    internal int Panels { get; }

    /// <summary>
    /// Checks that the matrices and biases make one LSTM layer, then copies the biases: <paramref name="otherWeight"/>
    /// is [4H, H], <paramref name="weight"/> [4H, inputs], both packed alike, and each bias has 4H values.
    /// </summary>
    /// <param name="weight">W_ih, packed (<see cref="PackedStepMatrix.CellGates"/> 4 where its units fill whole panels).</param>
    /// <param name="bias">b_ih.</param>
    /// <param name="otherWeight">W_hh, packed like <paramref name="weight"/>.</param>
    /// <param name="otherBias">b_hh.</param>
    /// <exception cref="ArgumentNullException">A matrix is null.</exception>
    /// <exception cref="ArgumentException">A shape does not fit, or the two matrices were packed differently.</exception>
    public static LstmStepWeights Create(PackedStepMatrix weight, ReadOnlySpan<float> bias, PackedStepMatrix otherWeight, ReadOnlySpan<float> otherBias)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(otherWeight);
        long gates = 4L * otherWeight.Columns;
        if (otherWeight.Rows != gates)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"otherWeight is [{otherWeight.Rows}, {otherWeight.Columns}]; W_hh of an LSTM of {otherWeight.Columns} units is [{gates}, {otherWeight.Columns}]."),
                nameof(otherWeight));
        }

        if (weight.Rows != gates)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"weight is [{weight.Rows}, {weight.Columns}]; W_ih of an LSTM of {otherWeight.Columns} units has {gates} rows."),
                nameof(weight));
        }

        StepKernels.CheckPackedAlike(weight, otherWeight);
        CheckBias(bias.Length, gates, nameof(bias));
        CheckBias(otherBias.Length, gates, nameof(otherBias));
        return new LstmStepWeights(weight, bias, otherWeight, otherBias);
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
