using System;
using System.ComponentModel;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// A frozen copy of one generated model's parameters for its <c>Step</c>, made by the model's
/// <c>CreateStepWeights(precision)</c>: every weight matrix a step multiplies by, packed in the order the step's kernel
/// streams it and held in <see cref="Precision"/>, beside a float32 copy of all parameters (Step reads biases and
/// embeddings from it): about 1.5 (bfloat16) to 2 (float32) times the memory of the parameters, more for small
/// matrices, whose rows are padded to whole panels (eight vectors: 64 rows with AVX2). Step with the copy reads
/// nothing from the model's own <c>Parameters</c>. A step is
/// bound by reading its weights once from cache, so packing them (one sequential read per panel of outputs, no horizontal sums) and halving
/// their bytes (<see cref="StepPrecision.BFloat16"/>) is what makes it faster. Changes to the model's
/// <c>Parameters</c> after the copy (training, loading weights) do not reach it: create it again then. It can be shared
/// by threads that step models of the same class; it is never written after it is made.
/// </summary>
public sealed class StepWeights
{
    private readonly float[] _values;
    private readonly PackedStepMatrix[] _matrices;

    private StepWeights(Type modelType, float[] values, PackedStepMatrix[] matrices, StepPrecision precision)
    {
        ModelType = modelType;
        _values = values;
        _matrices = matrices;
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

    /// <summary>
    /// Copies <paramref name="parameters"/> and packs the matrices in it; called by a generated model's
    /// <c>CreateStepWeights</c>, which passes its own layout.
    /// </summary>
    /// <param name="modelType">The generated model class.</param>
    /// <param name="parameters">All of the model's parameter values.</param>
    /// <param name="precision">How to hold the matrices.</param>
    /// <param name="matrices">Each matrix Step multiplies by: its offset in <paramref name="parameters"/> and its shape, in the order Step asks for them.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="precision"/> is not defined.</exception>
    /// <exception cref="ArgumentException">A matrix does not lie within <paramref name="parameters"/>.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static StepWeights Create(Type modelType, ReadOnlySpan<float> parameters, StepPrecision precision, ReadOnlySpan<(int Offset, int Rows, int Columns)> matrices)
    {
        ArgumentNullException.ThrowIfNull(modelType);
        if (precision is not (StepPrecision.Float32 or StepPrecision.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "The precision must be Float32 or BFloat16.");
        }

        var packed = new PackedStepMatrix[matrices.Length];
        for (int i = 0; i < matrices.Length; i++)
        {
            (int offset, int rows, int columns) = matrices[i];
            long length = (long)rows * columns;
            if (offset < 0 || rows < 0 || columns < 0 || offset + length > parameters.Length)
            {
                throw new ArgumentException(
                    $"Matrix {i} ([{rows}, {columns}] at offset {offset}) does not lie within the {parameters.Length} parameters.", nameof(matrices));
            }

            packed[i] = PackedStepMatrix.Pack(parameters.Slice(offset, (int)length), rows, columns, precision);
        }

        return new StepWeights(modelType, parameters.ToArray(), packed, precision);
    }

    /// <summary>The float32 copy of all parameters, in the model's layout; generated Step reads biases and embeddings from it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The packed matrix <paramref name="index"/>, in the order given to <see cref="Create"/>.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public PackedStepMatrix Matrix(int index) => _matrices[index];

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
