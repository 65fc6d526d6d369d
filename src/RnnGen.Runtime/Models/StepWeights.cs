using System;
using System.ComponentModel;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// A frozen copy of one generated model's parameters for its <c>Step</c>, made by the model's
/// <c>CreateStepWeights(precision)</c>: every weight matrix a step multiplies by, packed in the order the step's kernel
/// streams it and held in <see cref="Precision"/>, and a float32 copy of the spans it reads as they are (biases,
/// embedding tables). In float32 that is the parameters' memory, a little more where a matrix's rows do not fill whole
/// vectors (8 rows with AVX2); in bfloat16 the packed matrices take half, but biases, embedding tables and matrices of
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

    private StepWeights(Type modelType, PackedStepMatrix[] matrices, float[] unpacked, int[] unpackedStarts, int[] unpackedLengths, StepPrecision precision)
    {
        ModelType = modelType;
        _matrices = matrices;
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

            return bytes;
        }
    }

    /// <summary>Bytes of the whole copy: the packed matrices (their padding included) and the unpacked spans' values (not the padding that starts each on a cache line).</summary>
    public long Bytes
    {
        get
        {
            long floats = 0;
            foreach (int length in _unpackedLengths)
            {
                floats += length;
            }

            return MatrixBytes + (floats * sizeof(float));
        }
    }

    /// <summary>
    /// Packs the matrices of <paramref name="parameters"/> and copies the spans Step reads unpacked; called by a generated
    /// model's <c>CreateStepWeights</c>, which passes its own layout.
    /// </summary>
    /// <param name="modelType">The generated model class.</param>
    /// <param name="parameters">All of the model's parameter values.</param>
    /// <param name="precision">How to hold the matrices.</param>
    /// <param name="matrices">
    /// Each matrix Step multiplies by, in the order Step asks for them: its offset in <paramref name="parameters"/>, its
    /// shape, and the gates of the cell whose step reads it (4 for an LSTM's, which is then packed for the fused cell
    /// where its units fill whole panels; 1 for a map).
    /// </param>
    /// <param name="unpacked">Each span Step reads as it is (a bias, an embedding table): its offset and length, in the order Step asks for them.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not defined.</exception>
    /// <exception cref="ArgumentException">A matrix or a span does not lie within <paramref name="parameters"/>, or a matrix's cell gates are neither 1 nor 4.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static StepWeights Create(
        Type modelType, ReadOnlySpan<float> parameters, StepPrecision precision,
        ReadOnlySpan<(int Offset, int Rows, int Columns, int CellGates)> matrices, ReadOnlySpan<(int Offset, int Length)> unpacked)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        if (precision is not (StepPrecision.Float32 or StepPrecision.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "The precision must be Float32 or BFloat16.");
        }

        var packed = new PackedStepMatrix[matrices.Length];
        for (int i = 0; i < matrices.Length; i++)
        {
            (int offset, int rows, int columns, int cellGates) = matrices[i];
            long length = (long)rows * columns;
            if (offset < 0 || rows < 0 || columns < 0 || offset + length > parameters.Length)
            {
                throw new ArgumentException(
                    $"Matrix {i} ([{rows}, {columns}] at offset {offset}) does not lie within the {parameters.Length} parameters.", nameof(matrices));
            }

            if (cellGates is not (1 or PackedStepMatrix.LstmGates))
            {
                throw new ArgumentException($"Matrix {i} has {cellGates} cell gates; a map's matrix has 1, an LSTM's 4.", nameof(matrices));
            }

            packed[i] = PackedStepMatrix.Pack(parameters.Slice(offset, (int)length), rows, columns, precision, PackedStepMatrix.MachineLanes, cellGates);
        }

        // Each span from a cache line of its own, so that a step's vector loads of a bias never straddle two: read from
        // an unaligned copy, the biases cost a hand-written LSTM(28→32) step 1.7–2.7 ns of its 116–124.
        const int LineFloats = AlignedFloats.Alignment / sizeof(float);
        var starts = new int[unpacked.Length];
        var lengths = new int[unpacked.Length];
        int end = 0;
        for (int i = 0; i < unpacked.Length; i++)
        {
            (int offset, int length) = unpacked[i];
            if (offset < 0 || length < 0 || (long)offset + length > parameters.Length)
            {
                throw new ArgumentException(
                    $"Span {i} ({length} values at offset {offset}) does not lie within the {parameters.Length} parameters.", nameof(unpacked));
            }

            starts[i] = end;
            lengths[i] = length;
            end = checked(end + ((length + LineFloats - 1) / LineFloats * LineFloats));
        }

        float[] copies = AlignedFloats.Allocate(end, out int first);
        for (int i = 0; i < unpacked.Length; i++)
        {
            starts[i] += first;
            parameters.Slice(unpacked[i].Offset, unpacked[i].Length).CopyTo(copies.AsSpan(starts[i]));
        }

        return new StepWeights(modelType, packed, copies, starts, lengths, precision);
    }

    /// <summary>The packed matrix <paramref name="index"/>, in the order given to <see cref="Create"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public PackedStepMatrix Matrix(int index) => _matrices[index];

    /// <summary>The float32 copy of unpacked span <paramref name="index"/>, in the order given to <see cref="Create"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ReadOnlySpan<float> Unpacked(int index) => _unpacked.AsSpan(_unpackedStarts[index], _unpackedLengths[index]);

    /// <summary>Throws unless the copy was made by <paramref name="modelType"/>, whose Step is about to read it.</summary>
    /// <exception cref="ArgumentException">It was made by another model class.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void CheckModel(Type modelType)
    {
        if (modelType != ModelType)
        {
            ThrowOtherModel(modelType);
        }
    }

    private void ThrowOtherModel(Type modelType) =>
        throw new ArgumentException(
            $"These step weights were made by {ModelType.FullName}.CreateStepWeights; {modelType.FullName}.Step needs weights made by its own CreateStepWeights.");
}
