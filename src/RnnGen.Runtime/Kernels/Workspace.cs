using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>Allocates a generated model's buffers once, with a clear error when the requested capacity cannot exist.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Workspace
{
    /// <summary>
    /// Rows of a [maxSteps, maxBatch] buffer, after checking both are positive and their product fits. Errors name the
    /// arguments as the caller wrote them (an encoder–decoder pair passes <c>maxSourceSteps</c>).
    /// </summary>
    public static int Rows(
        int maxBatch,
        int maxSteps,
        [CallerArgumentExpression(nameof(maxBatch))] string batchName = "maxBatch",
        [CallerArgumentExpression(nameof(maxSteps))] string stepsName = "maxSteps")
    {
        if (maxBatch < 1)
        {
            throw new ArgumentOutOfRangeException(batchName, maxBatch, $"{batchName} must be at least 1.");
        }

        if (maxSteps < 1)
        {
            throw new ArgumentOutOfRangeException(stepsName, maxSteps, $"{stepsName} must be at least 1.");
        }

        long rows = (long)maxBatch * maxSteps;
        if (rows > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(stepsName, maxSteps, $"{batchName} × {stepsName} = {rows} rows is more than one buffer can hold.");
        }

        return (int)rows;
    }

    /// <summary>
    /// Rows of a [maxSteps, maxBatch] buffer, after checking that the model's widest buffers fit in one array each: a
    /// model's constructor checks this before it allocates anything (and a pair's, for both models, before either),
    /// so sizes too large are refused up front rather than after gigabytes of other buffers or an out-of-memory error.
    /// </summary>
    /// <param name="maxBatch">Sequences per batch.</param>
    /// <param name="maxSteps">Steps per sequence.</param>
    /// <param name="widestSequenceRow">Floats per row of the widest buffer with a row per step and sequence.</param>
    /// <param name="widestBatchRow">Floats per row of the widest buffer with a row per sequence.</param>
    /// <param name="batchName">How the caller spelled <paramref name="maxBatch"/>, for the error.</param>
    /// <param name="stepsName">How the caller spelled <paramref name="maxSteps"/>, for the error.</param>
    public static int Rows(
        int maxBatch,
        int maxSteps,
        int widestSequenceRow,
        int widestBatchRow,
        [CallerArgumentExpression(nameof(maxBatch))] string batchName = "maxBatch",
        [CallerArgumentExpression(nameof(maxSteps))] string stepsName = "maxSteps")
    {
        int rows = Rows(maxBatch, maxSteps, batchName, stepsName);
        ArgumentOutOfRangeException.ThrowIfNegative(widestSequenceRow);
        ArgumentOutOfRangeException.ThrowIfNegative(widestBatchRow);
        long sequenceFloats = (long)rows * widestSequenceRow;
        if (sequenceFloats > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(stepsName, maxSteps, $"{batchName} × {stepsName} = {rows} rows of up to {widestSequenceRow} floats ({sequenceFloats}) is more than one buffer can hold: lower {batchName} or {stepsName}.");
        }

        long batchFloats = (long)maxBatch * widestBatchRow;
        if (batchFloats > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(batchName, maxBatch, $"{batchName} = {maxBatch} rows of up to {widestBatchRow} floats ({batchFloats}) is more than one buffer can hold: lower {batchName}.");
        }

        return rows;
    }

    /// <summary>A zeroed buffer of <paramref name="rows"/> × <paramref name="width"/> floats, from a 64-byte boundary.</summary>
    public static WorkspaceBuffer Floats(int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        long length = (long)rows * width;
        if (length > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, $"A buffer of {rows} rows × {width} floats ({length}) is larger than .NET arrays allow: lower maxBatch or maxSteps.");
        }

        return new WorkspaceBuffer((int)length);
    }
}
