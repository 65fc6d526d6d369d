using System;
using System.ComponentModel;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// A frozen copy of one generated model's parameters for its <c>Step</c>, made by the model's
/// <c>CreateStepWeights(precision)</c>: every weight matrix a step multiplies by, packed in the order the step's kernel
/// streams it and held in <see cref="Precision"/>, and a float32 copy of the spans it reads as they are (biases,
/// embedding tables), with each LSTM layer's b_ih + b_hh summed once (<see cref="LstmStepWeights"/>). In float32 that
/// is the parameters' memory and those sums, a little more where a matrix's rows do not fill whole vectors (8 rows with
/// AVX2); in bfloat16 the packed matrices take half, but biases, embedding tables and matrices of
/// two vectors of rows or fewer (a small Dense head, kept row-major for its kernel) stay float32 (see
/// <see cref="Bytes"/>). Step with the copy reads nothing from the model's own
/// <c>Parameters</c>. A step is bound by reading its weights once from cache, so packing them (one sequential read per
/// panel of outputs, no horizontal sums) and halving their bytes (<see cref="StepPrecision.BFloat16"/>) is what makes
/// it faster. Changes to the model's <c>Parameters</c> after the copy (training, loading weights) do not reach it:
/// create it again then. It can be shared by threads that step models of the same class; it is never written after it
/// is made.
/// </summary>
public sealed class StepWeights
{
    private readonly PackedStepMatrix[] _matrices;
    private readonly float[] _unpacked;
    private readonly int[] _unpackedStarts; // span i is _unpackedLengths[i] values of _unpacked from _unpackedStarts[i]
    private readonly int[] _unpackedLengths;
    private readonly LstmStepWeights[] _lstmLayers;

    private StepWeights(
        Type modelType, PackedStepMatrix[] matrices, float[] unpacked, int[] unpackedStarts, int[] unpackedLengths, LstmStepWeights[] lstmLayers, StepPrecision precision)
    {
        ModelType = modelType;
        _matrices = matrices;
        _lstmLayers = lstmLayers;
        _unpacked = unpacked;
        _unpackedStarts = unpackedStarts;
        _unpackedLengths = unpackedLengths;
        Precision = precision;
    }

    /// <summary>The generated model class the copy was made from; Step of another class refuses it.</summary>
    public Type ModelType { get; }

    /// <summary>How the weight matrices are held.</summary>
    public StepPrecision Precision { get; }

    /// <summary>Bytes of the packed matrices: what one step reads (each matrix once).</summary>
    public long MatrixBytes
    {
        get
        {
            long bytes = 0;
            foreach (PackedStepMatrix matrix in _matrices)
            {
                bytes += matrix.Bytes;
            }

            foreach (LstmStepWeights layer in _lstmLayers)
            {
                bytes += layer.InputWeight.Bytes + layer.RecurrentWeight.Bytes;
            }

            return bytes;
        }
    }

    /// <summary>
    /// Bytes of the whole copy: the packed matrices (their padding included) and the values of the float32 spans (not
    /// the padding that starts each on a cache line): the unpacked spans, and each LSTM layer's b_ih, b_hh and their sum.
    /// </summary>
    public long Bytes
    {
        get
        {
            long bytes = MatrixBytes;
            foreach (int length in _unpackedLengths)
            {
                bytes += (long)length * sizeof(float);
            }

            foreach (LstmStepWeights layer in _lstmLayers)
            {
                bytes += layer.BiasBytes;
            }

            return bytes;
        }
    }

    /// <summary>
    /// Packs the matrices of <paramref name="parameters"/>, copies the spans Step reads unpacked and makes each LSTM
    /// layer's weights for its fused step; called by a generated model's <c>CreateStepWeights</c>, which passes its own
    /// layout.
    /// </summary>
    /// <param name="modelType">The generated model class.</param>
    /// <param name="parameters">All of the model's parameter values.</param>
    /// <param name="precision">How to hold the matrices.</param>
    /// <param name="matrices">Each other matrix Step multiplies by (a Dense's, a GRU's, a plain RNN's): its offset in <paramref name="parameters"/> and its shape, in the order Step asks for them.</param>
    /// <param name="unpacked">Each span Step reads as it is (a bias, an embedding table): its offset and length, in the order Step asks for them.</param>
    /// <param name="lstmLayers">
    /// Each LSTM layer (each of a stack's): the offsets of W_ih, b_ih, W_hh and b_hh, its input's length and its units, in
    /// the order Step asks for them.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not defined.</exception>
    /// <exception cref="ArgumentException">A size is negative, or a matrix, a span or an LSTM layer's parameters do not lie within <paramref name="parameters"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static StepWeights Create(
        Type modelType, ReadOnlySpan<float> parameters, StepPrecision precision,
        ReadOnlySpan<(int Offset, int Rows, int Columns)> matrices, ReadOnlySpan<(int Offset, int Length)> unpacked,
        ReadOnlySpan<(int InputWeight, int InputBias, int RecurrentWeight, int RecurrentBias, int Inputs, int Hidden)> lstmLayers)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        if (precision is not (StepPrecision.Float32 or StepPrecision.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "The precision must be Float32 or BFloat16.");
        }

        int lanes = PackedStepMatrix.MachineLanes;
        var packed = new PackedStepMatrix[matrices.Length];
        for (int i = 0; i < matrices.Length; i++)
        {
            (int offset, int rows, int columns) = matrices[i];
            if (rows < 0 || columns < 0)
            {
                throw new ArgumentException($"Matrix {i} has the shape [{rows}, {columns}]; rows and columns must not be negative.", nameof(matrices));
            }

            ReadOnlySpan<float> values = Within(parameters, offset, (long)rows * columns, $"Matrix {i} ([{rows}, {columns}])", nameof(matrices));
            packed[i] = PackedStepMatrix.Pack(values, rows, columns, precision, lanes);
        }

        var layers = new LstmStepWeights[lstmLayers.Length];
        for (int i = 0; i < lstmLayers.Length; i++)
        {
            (int inputWeight, int inputBias, int recurrentWeight, int recurrentBias, int inputs, int hidden) = lstmLayers[i];
            if (inputs < 0 || hidden < 0 || 4L * hidden > parameters.Length)
            {
                throw new ArgumentException(
                    $"LSTM layer {i} has {inputs} inputs and {hidden} units; neither may be negative, and its 4 × {hidden} gates must not outnumber the {parameters.Length} parameters.",
                    nameof(lstmLayers));
            }

            string layer = $"LSTM layer {i} ({inputs} → {hidden})";
            long gates = 4L * hidden;
            layers[i] = LstmStepWeights.Create(
                PackedStepMatrix.Pack(Within(parameters, inputWeight, gates * inputs, layer + "'s W_ih", nameof(lstmLayers)), (int)gates, inputs, precision, lanes, PackedStepMatrix.LstmGates),
                Within(parameters, inputBias, gates, layer + "'s b_ih", nameof(lstmLayers)),
                PackedStepMatrix.Pack(Within(parameters, recurrentWeight, gates * hidden, layer + "'s W_hh", nameof(lstmLayers)), (int)gates, hidden, precision, lanes, PackedStepMatrix.LstmGates),
                Within(parameters, recurrentBias, gates, layer + "'s b_hh", nameof(lstmLayers)));
        }

        // Each span from a cache line of its own, so that a step's vector loads of a bias never straddle two: read from
        // an unaligned copy, the biases cost a hand-written LSTM(28→32) step 1.7–2.7 ns of its 116–124.
        var starts = new int[unpacked.Length];
        var lengths = new int[unpacked.Length];
        int end = 0;
        for (int i = 0; i < unpacked.Length; i++)
        {
            (int offset, int length) = unpacked[i];
            Within(parameters, offset, length, $"Span {i}", nameof(unpacked));
            starts[i] = end;
            lengths[i] = length;
            end = checked(end + AlignedFloats.WholeLines(length));
        }

        float[] copies = AlignedFloats.Allocate(end, out int first);
        for (int i = 0; i < unpacked.Length; i++)
        {
            starts[i] += first;
            parameters.Slice(unpacked[i].Offset, unpacked[i].Length).CopyTo(copies.AsSpan(starts[i]));
        }

        return new StepWeights(modelType, packed, copies, starts, lengths, layers, precision);
    }

    // The length values of parameters from offset, or an exception that names what does not fit.
    private static ReadOnlySpan<float> Within(ReadOnlySpan<float> parameters, int offset, long length, string what, string name)
    {
        if (offset < 0 || length < 0 || offset + length > parameters.Length)
        {
            throw new ArgumentException($"{what}: {length} values at offset {offset} do not lie within the {parameters.Length} parameters.", name);
        }

        return parameters.Slice(offset, (int)length);
    }

    /// <summary>The packed matrix <paramref name="index"/>, in the order given to <see cref="Create"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public PackedStepMatrix Matrix(int index) => _matrices[index];

    /// <summary>LSTM layer <paramref name="index"/>'s weights for its fused step, in the order given to <see cref="Create"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public LstmStepWeights Lstm(int index) => _lstmLayers[index];

    /// <summary>The float32 copy of unpacked span <paramref name="index"/>, in the order given to <see cref="Create"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ReadOnlySpan<float> Unpacked(int index) => _unpacked.AsSpan(_unpackedStarts[index], _unpackedLengths[index]);

    /// <summary>Throws unless the copy was made by <paramref name="modelType"/>, whose Step or Predict is about to read it.</summary>
    /// <param name="modelType">The model class about to read the copy.</param>
    /// <param name="paramName">The caller's parameter that holds the copy, named by the exception.</param>
    /// <exception cref="ArgumentException">It was made by another model class.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void CheckModel(Type modelType, string paramName)
    {
        if (modelType != ModelType)
        {
            ThrowOtherModel(modelType, paramName);
        }
    }

    private void ThrowOtherModel(Type modelType, string paramName) =>
        throw new ArgumentException(
            $"These step weights were made by {ModelType.FullName}.CreateStepWeights; {modelType.FullName} needs weights made by its own CreateStepWeights.",
            paramName);
}
