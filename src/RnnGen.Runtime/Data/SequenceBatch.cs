using System;
using System.Collections.Generic;

namespace RnnGen.Data;

/// <summary>
/// Gathers variable-length sequences into the time-major buffers a generated model's <c>Forward</c> reads:
/// step t of batch member b sits at [t, b], members shorter than the batch's longest are padded with zeros after
/// their end, and a lengths array tells the model where each member ends so that padding is masked.
/// </summary>
/// <remarks>
/// Nothing is allocated: the caller sizes the buffers once for the largest batch and longest sequence and reuses
/// them for every batch. Only the first steps × batch (× width) elements of a destination are written.
/// </remarks>
public static class SequenceBatch
{
    /// <summary>Fills <paramref name="destination"/> [steps, batch, width] with the feature sequences at <paramref name="indices"/>.</summary>
    /// <param name="sequences">Feature sequences, each [its steps, <paramref name="width"/>] row-major and at least one step long.</param>
    /// <param name="width">Features per step; at least 1.</param>
    /// <param name="indices">Which sequences form the batch, in batch order; at least one.</param>
    /// <param name="destination">Receives steps × batch × width floats, zero after each member's end.</param>
    /// <param name="lengths">Receives each member's steps; at least as long as <paramref name="indices"/>.</param>
    /// <returns>steps, the longest member's length.</returns>
    /// <exception cref="ArgumentException">
    /// The batch is empty, a sequence is null, empty or not a whole number of steps, or a buffer is too small.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <paramref name="sequences"/>, or <paramref name="width"/> is below 1.</exception>
    public static int FillFeatures(IReadOnlyList<float[]> sequences, int width, ReadOnlySpan<int> indices, Span<float> destination, Span<int> lengths)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return Fill(sequences, width, indices, destination, lengths);
    }

    /// <summary>Fills <paramref name="destination"/> [steps, batch] with the token sequences at <paramref name="indices"/>.</summary>
    /// <param name="sequences">Token-id sequences, each at least one step long.</param>
    /// <param name="indices">Which sequences form the batch, in batch order; at least one.</param>
    /// <param name="destination">Receives steps × batch ids, <see cref="Vocabulary.PaddingId"/> (0) after each member's end.</param>
    /// <param name="lengths">Receives each member's steps; at least as long as <paramref name="indices"/>.</param>
    /// <returns>steps, the longest member's length.</returns>
    /// <exception cref="ArgumentException">The batch is empty, a sequence is null or empty, or a buffer is too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <paramref name="sequences"/>.</exception>
    public static int FillTokens(IReadOnlyList<int[]> sequences, ReadOnlySpan<int> indices, Span<int> destination, Span<int> lengths) =>
        Fill(sequences, 1, indices, destination, lengths);

    /// <summary>
    /// Fills <paramref name="destination"/> [steps, batch] with one label per step of the label sequences at
    /// <paramref name="indices"/> (e.g. the next token, for a language model), and <paramref name="paddingLabel"/>
    /// after each member's end.
    /// </summary>
    /// <param name="labels">
    /// Label sequences, each as long as its input sequence (not checked here, as the inputs are not given: a shorter one is
    /// padded with <paramref name="paddingLabel"/> from its end).
    /// </param>
    /// <param name="indices">Which sequences form the batch, in batch order; at least one.</param>
    /// <param name="steps">Steps of the batch, as returned by <see cref="FillFeatures"/> or <see cref="FillTokens"/>.</param>
    /// <param name="destination">Receives steps × batch labels.</param>
    /// <param name="paddingLabel">The label of padded steps, one the loss ignores (PyTorch's <c>ignore_index</c>, often −100).</param>
    /// <exception cref="ArgumentException">
    /// The batch is empty, a label sequence is null, empty or longer than <paramref name="steps"/>, or the buffer is too small.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <paramref name="labels"/>, or <paramref name="steps"/> is below 1.</exception>
    public static void FillStepLabels(IReadOnlyList<int[]> labels, ReadOnlySpan<int> indices, int steps, Span<int> destination, int paddingLabel)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        int batch = CheckBatch(indices);
        for (int b = 0; b < batch; b++)
        {
            int length = SequenceAt(labels, indices, b, 1, nameof(labels)).Length;
            if (length > steps)
            {
                throw new ArgumentException(
                    $"Label sequence {indices[b]} (batch position {b}) has {length} steps, more than the batch's {steps}.", nameof(labels));
            }
        }

        CheckCapacity((long)steps * batch, destination.Length, "steps × batch", nameof(destination));
        for (int b = 0; b < batch; b++)
        {
            int[] sequence = labels[indices[b]];
            for (int t = 0; t < steps; t++)
            {
                destination[(t * batch) + b] = t < sequence.Length ? sequence[t] : paddingLabel;
            }
        }
    }

    private static int Fill<T>(IReadOnlyList<T[]> sequences, int width, ReadOnlySpan<int> indices, Span<T> destination, Span<int> lengths)
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int batch = CheckBatch(indices);
        if (lengths.Length < batch)
        {
            throw new ArgumentException($"The batch has {batch} members but lengths holds {lengths.Length}.", nameof(lengths));
        }

        // every check before the first write: a refused batch leaves lengths and destination as they were
        int steps = 0;
        for (int b = 0; b < batch; b++)
        {
            steps = Math.Max(steps, SequenceAt(sequences, indices, b, width, nameof(sequences)).Length / width);
        }

        CheckCapacity((long)steps * batch * width, destination.Length, width == 1 ? "steps × batch" : "steps × batch × width", nameof(destination));
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<T> sequence = sequences[indices[b]];
            int length = sequence.Length / width;
            lengths[b] = length;
            for (int t = 0; t < steps; t++)
            {
                Span<T> target = destination.Slice(((t * batch) + b) * width, width);
                if (t < length)
                {
                    sequence.Slice(t * width, width).CopyTo(target);
                }
                else
                {
                    target.Clear();
                }
            }
        }

        return steps;
    }

    private static int CheckBatch(ReadOnlySpan<int> indices)
    {
        if (indices.IsEmpty)
        {
            throw new ArgumentException("The batch has no members.", nameof(indices));
        }

        return indices.Length;
    }

    /// <summary>The sequence at batch position <paramref name="position"/>, checked to hold a whole number (at least one) of steps.</summary>
    private static T[] SequenceAt<T>(IReadOnlyList<T[]> sequences, ReadOnlySpan<int> indices, int position, int width, string parameterName)
    {
        int index = indices[position];
        if ((uint)index >= (uint)sequences.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(indices), index, $"Batch position {position} holds index {index}, outside the {sequences.Count} sequences.");
        }

        T[] sequence = sequences[index] ?? throw new ArgumentException($"Sequence {index} (batch position {position}) is null.", parameterName);
        if (sequence.Length == 0)
        {
            throw new ArgumentException($"Sequence {index} (batch position {position}) is empty; every sequence needs at least one step.", parameterName);
        }

        if (sequence.Length % width != 0)
        {
            throw new ArgumentException(
                $"Sequence {index} (batch position {position}) has {sequence.Length} values, not a whole number of steps of {width} features.", parameterName);
        }

        return sequence;
    }

    private static void CheckCapacity(long needed, int available, string shape, string parameterName)
    {
        if (available < needed)
        {
            throw new ArgumentException($"The batch needs {shape} = {needed} elements but {parameterName} holds {available}.", parameterName);
        }
    }
}
