using System;
using System.ComponentModel;

namespace RnnGen.Kernels;

/// <summary>Allocates a generated model's buffers once, with a clear error when the requested capacity cannot exist.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Workspace
{
    /// <summary>Rows of a [maxSteps, maxBatch] buffer, after checking both are positive and their product fits.</summary>
    public static int Rows(int maxBatch, int maxSteps)
    {
        if (maxBatch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, "maxBatch must be at least 1.");
        }

        if (maxSteps < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, "maxSteps must be at least 1.");
        }

        long rows = (long)maxBatch * maxSteps;
        if (rows > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, $"maxBatch × maxSteps = {rows} rows is more than one buffer can hold.");
        }

        return (int)rows;
    }

    /// <summary>
    /// Rows of a [maxSteps, maxBatch] buffer, after checking that the model's widest buffers fit in one array each: a
    /// model's constructor checks this before it allocates anything, so sizes too large are refused up front rather
    /// than after gigabytes of other buffers (or an out-of-memory error).
    /// </summary>
    /// <param name="maxBatch">Sequences per batch.</param>
    /// <param name="maxSteps">Steps per sequence.</param>
    /// <param name="widestSequenceRow">Floats per row of the widest buffer with a row per step and sequence.</param>
    /// <param name="widestBatchRow">Floats per row of the widest buffer with a row per sequence.</param>
    public static int Rows(int maxBatch, int maxSteps, int widestSequenceRow, int widestBatchRow)
    {
        int rows = Rows(maxBatch, maxSteps);
        ArgumentOutOfRangeException.ThrowIfNegative(widestSequenceRow);
        ArgumentOutOfRangeException.ThrowIfNegative(widestBatchRow);
        long sequenceFloats = (long)rows * widestSequenceRow;
        if (sequenceFloats > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, $"maxBatch × maxSteps = {rows} rows of up to {widestSequenceRow} floats ({sequenceFloats}) is more than one buffer can hold: lower maxBatch or maxSteps.");
        }

        long batchFloats = (long)maxBatch * widestBatchRow;
        if (batchFloats > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, $"maxBatch = {maxBatch} rows of up to {widestBatchRow} floats ({batchFloats}) is more than one buffer can hold: lower maxBatch.");
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
