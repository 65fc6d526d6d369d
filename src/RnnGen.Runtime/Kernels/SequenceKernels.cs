using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>
/// Validation and padding helpers for time-major batches [steps, batch, width], used by generated models, and the
/// change to and from sequence-major order [batch, steps, width] that a recurrent layer's time loop works in.
/// A sequence b covers steps t &lt; lengths[b]; later steps are padding.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SequenceKernels
{
    /// <summary>
    /// Checks a batch and returns its step count: batch = <paramref name="lengths"/>.Length in [1, maxBatch],
    /// input length a whole number of [batch, width] steps, steps in [1, maxSteps], every length in [1, steps].
    /// </summary>
    public static int ValidateBatch(int inputLength, int width, ReadOnlySpan<int> lengths, int maxBatch, int maxSteps, string inputName, string lengthsName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        int batch = lengths.Length;
        if (batch < 1 || batch > maxBatch)
        {
            throw new ArgumentException($"The batch has {batch} sequence{(batch == 1 ? string.Empty : "s")} (one length each); this model was built for 1 to {maxBatch} (maxBatch).", lengthsName);
        }

        long stepSize = (long)batch * width;
        if (inputLength == 0 || inputLength % stepSize != 0)
        {
            throw new ArgumentException($"Expected a whole number of steps of [batch {batch}, {width}] = {stepSize} values, got {inputLength}.", inputName);
        }

        long steps = inputLength / stepSize;
        if (steps > maxSteps)
        {
            throw new ArgumentException($"The batch has {steps} steps; this model was built for at most {maxSteps} (maxSteps).", inputName);
        }

        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > steps)
            {
                throw new ArgumentException($"lengths[{b}] is {lengths[b]}, but it must be in [1, {steps}] (the batch has {steps} steps).", lengthsName);
            }
        }

        return (int)steps;
    }

    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    public static void ValidateLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            ThrowLength(expected, actual, string.Empty, name);
        }
    }

    /// <summary>
    /// Throws unless <paramref name="actual"/> equals <paramref name="expected"/>, a product of sizes that may pass
    /// int's range (steps × outputs of a sequence with no step limit).
    /// </summary>
    public static void ValidateLength(int actual, long expected, string name)
    {
        if (actual != expected)
        {
            ThrowLength(expected, actual, string.Empty, name);
        }
    }

    /// <summary>Throws unless the optional span is empty or has exactly <paramref name="expected"/> values.</summary>
    public static void ValidateOptionalLength(int actual, int expected, string name)
    {
        if (actual != 0 && actual != expected)
        {
            ThrowLength(expected, actual, " (or none)", name);
        }
    }

    /// <summary>Throws unless a time-major buffer has <paramref name="steps"/> × <paramref name="batch"/> × <paramref name="width"/> values; the message gives the shape.</summary>
    public static void ValidateShape(int actual, int steps, int batch, int width, string name)
    {
        long expected = (long)steps * batch * width;
        if (actual != expected)
        {
            ThrowShape(steps, batch, width, expected, actual, name);
        }
    }

    /// <summary>Throws unless a buffer of one row per sequence has <paramref name="batch"/> × <paramref name="width"/> values; the message gives the shape.</summary>
    public static void ValidateShape(int actual, int batch, int width, string name)
    {
        long expected = (long)batch * width;
        if (actual != expected)
        {
            ThrowShape(-1, batch, width, expected, actual, name);
        }
    }

    // Apart from the checks, so that Step's two checks per call stay small enough to inline (and a message is only
    // formatted when it is thrown).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(long expected, int actual, string what, string name) =>
        throw new ArgumentException($"Expected {expected} value{(expected == 1 ? string.Empty : "s")}{what}, got {actual}.", name);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowShape(int steps, int batch, int width, long expected, int actual, string name) =>
        throw new ArgumentException($"Expected [{(steps < 0 ? string.Empty : $"steps {steps}, ")}batch {batch}, {width}] = {expected} values, got {actual}.", name);

    /// <summary>Throws unless every token at a step inside its sequence is in [0, vocabularySize).</summary>
    public static void ValidateTokens(ReadOnlySpan<int> tokens, int steps, ReadOnlySpan<int> lengths, int vocabularySize, string name)
    {
        int batch = lengths.Length;
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                int token = tokens[(t * batch) + b];
                if (t < lengths[b] && (uint)token >= (uint)vocabularySize)
                {
                    throw new ArgumentException($"Token {token} at step {t} of sequence {b} is outside [0, {vocabularySize}).", name);
                }
            }
        }
    }

    /// <summary>True when no length is larger than the one before it (longest first), so running sequences form a prefix.</summary>
    public static bool IsLongestFirst(ReadOnlySpan<int> lengths)
    {
        for (int b = 1; b < lengths.Length; b++)
        {
            if (lengths[b] > lengths[b - 1])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Rows the recurrence must compute at step <paramref name="t"/>: when the batch is sorted longest first, only the
    /// sequences still running (a prefix, as in PyTorch's packed sequences); otherwise the whole batch.
    /// </summary>
    public static int RunningRows(ReadOnlySpan<int> lengths, int t, bool longestFirst)
    {
        if (!longestFirst)
        {
            return lengths.Length;
        }

        int running = 0;
        while (running < lengths.Length && lengths[running] > t)
        {
            running++;
        }

        return running;
    }

    /// <summary>Zeroes the rows of padded steps in a [steps, batch, width] buffer.</summary>
    public static void ZeroPadding(Span<float> values, int width, int steps, ReadOnlySpan<int> lengths)
    {
        int batch = lengths.Length;
        for (int b = 0; b < batch; b++)
        {
            for (int t = lengths[b]; t < steps; t++)
            {
                values.Slice(((t * batch) + b) * width, width).Clear();
            }
        }
    }

    /// <summary>
    /// Copies a time-major batch [steps, batch, width] into sequence-major order [batch, steps, width]: row
    /// (t, b) goes to row b·steps + t. A recurrent layer's time loop keeps its rows in that order, so that the
    /// sequences one kernel thread runs lie in one region of memory, apart from the other threads' rows.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative or a span is too short.</exception>
    public static void ToSequenceMajor(ReadOnlySpan<float> timeMajor, Span<float> sequenceMajor, int steps, int batch, int width)
    {
        CheckOrderChange(timeMajor.Length, sequenceMajor.Length, steps, batch, width, nameof(timeMajor), nameof(sequenceMajor));
        TransposeRows(timeMajor, sequenceMajor, steps, batch, width);
    }

    /// <summary>The reverse of <see cref="ToSequenceMajor"/>: row b·steps + t of <paramref name="sequenceMajor"/> goes to row (t, b).</summary>
    /// <exception cref="ArgumentException">A size is negative or a span is too short.</exception>
    public static void ToTimeMajor(ReadOnlySpan<float> sequenceMajor, Span<float> timeMajor, int steps, int batch, int width)
    {
        CheckOrderChange(sequenceMajor.Length, timeMajor.Length, steps, batch, width, nameof(sequenceMajor), nameof(timeMajor));
        TransposeRows(sequenceMajor, timeMajor, batch, steps, width);
    }

    /// <summary>Rows laid out as a grid [outer, inner] copied to the grid [inner, outer]: row o·inner + i goes to row i·outer + o.</summary>
    private static void TransposeRows(ReadOnlySpan<float> source, Span<float> destination, int outer, int inner, int width)
    {
        if (outer == 0 || inner == 0 || width == 0)
        {
            return; // nothing to move (and the slices below would start past an empty source)
        }

        if (outer == 1 || inner == 1)
        {
            // one row or one column of the grid: both orders are the same
            source.Slice(0, outer * inner * width).CopyTo(destination);
            return;
        }

        for (int i = 0; i < inner; i++)
        {
            MatrixKernels.CopyRows(source.Slice(i * width), inner * width, destination.Slice(i * outer * width), width, outer, width);
        }
    }

    private static void CheckOrderChange(int sourceLength, int destinationLength, int steps, int batch, int width, string sourceName, string destinationName)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        long length = (long)steps * batch * width;
        if (sourceLength < length)
        {
            throw new ArgumentException($"Expected at least {length} values ({steps} steps × {batch} sequences × {width}), got {sourceLength}.", sourceName);
        }

        if (destinationLength < length)
        {
            throw new ArgumentException($"Expected room for {length} values ({steps} steps × {batch} sequences × {width}), got {destinationLength}.", destinationName);
        }
    }

    /// <summary>Copies one [batch, H] block of a state vector into <paramref name="destination"/>, or zeroes it when <paramref name="state"/> is empty.</summary>
    public static void LoadState(ReadOnlySpan<float> state, int offset, Span<float> destination)
    {
        if (state.IsEmpty)
        {
            destination.Clear();
        }
        else
        {
            state.Slice(offset, destination.Length).CopyTo(destination);
        }
    }

    /// <summary>Copies <paramref name="source"/> into a state vector at <paramref name="offset"/>, unless <paramref name="state"/> is empty.</summary>
    public static void StoreState(ReadOnlySpan<float> source, Span<float> state, int offset)
    {
        if (!state.IsEmpty)
        {
            source.CopyTo(state.Slice(offset, source.Length));
        }
    }
}
