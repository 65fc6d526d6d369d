using System;
using System.Collections.Generic;

namespace RnnGen.Data;

/// <summary>Shapes sequences for a recurrent network: padding to one length, and windows cut from a time series.</summary>
public static class Sequences
{
    /// <summary>
    /// Pads <paramref name="sequence"/> with <paramref name="value"/> or cuts it to exactly <paramref name="length"/>
    /// steps, as Keras' <c>pad_sequences</c> does for one sequence (both sides default to the start, as there). A model
    /// masks by length, not by value (Keras' <c>mask_zero</c>): it reads a padded sequence padding and all, so for a
    /// model's input give sequences unpadded with their lengths; this is for fixed-size windows and other formats.
    /// </summary>
    /// <param name="sequence">Token ids, for example; may be empty.</param>
    /// <param name="length">Steps of the result; zero or more.</param>
    /// <param name="padding">Where padding goes when the sequence is shorter.</param>
    /// <param name="truncating">Which steps are dropped when the sequence is longer.</param>
    /// <param name="value">The padding value; 0 is <see cref="Vocabulary.PaddingId"/>.</param>
    /// <returns>A new array of <paramref name="length"/> values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or a side is undefined.</exception>
    public static int[] PadOrTruncate(
        ReadOnlySpan<int> sequence, int length, PaddingSide padding = PaddingSide.Pre, PaddingSide truncating = PaddingSide.Pre, int value = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckSide(padding, nameof(padding));
        CheckSide(truncating, nameof(truncating));
        var result = new int[length];
        PadOrTruncateInto(sequence, result, padding, truncating, value);
        return result;
    }

    /// <summary>
    /// Pads or cuts every sequence to one length with <see cref="PadOrTruncate"/>, as Keras' <c>pad_sequences</c>
    /// does, giving rows of equal length.
    /// </summary>
    /// <param name="sequences">The sequences; each may be empty.</param>
    /// <param name="maxLength">Steps of every row; null for the longest sequence's length.</param>
    /// <param name="padding">Where padding goes when a sequence is shorter.</param>
    /// <param name="truncating">Which steps are dropped when a sequence is longer.</param>
    /// <param name="value">The padding value; 0 is <see cref="Vocabulary.PaddingId"/>.</param>
    /// <returns>One new array per sequence, in order.</returns>
    /// <exception cref="ArgumentException">A sequence is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLength"/> is negative or a side is undefined.</exception>
    public static int[][] Pad(
        IReadOnlyList<int[]> sequences, int? maxLength, PaddingSide padding = PaddingSide.Pre, PaddingSide truncating = PaddingSide.Pre, int value = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        CheckSide(padding, nameof(padding));
        CheckSide(truncating, nameof(truncating));
        int longest = 0;
        for (int i = 0; i < sequences.Count; i++)
        {
            int[] sequence = sequences[i] ?? throw new ArgumentException($"Sequence {i} is null.", nameof(sequences));
            longest = Math.Max(longest, sequence.Length);
        }

        int length = maxLength ?? longest;
        ArgumentOutOfRangeException.ThrowIfNegative(length, nameof(maxLength));
        var rows = new int[sequences.Count][];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new int[length];
            PadOrTruncateInto(sequences[i], rows[i], padding, truncating, value);
        }

        return rows;
    }

    /// <summary>
    /// Cuts a univariate time series into overlapping windows for next-value prediction: window k reads
    /// <paramref name="window"/> values from k · <paramref name="stride"/> and its target is the
    /// <paramref name="horizon"/> values right after them. On 0, 1, …, 9 with window 3 this gives the inputs
    /// [0, 1, 2], [1, 2, 3], …, [6, 7, 8] and the targets [3], [4], …, [9].
    /// </summary>
    /// <param name="series">The values in time order; standardize them first (<see cref="Standardize"/>).</param>
    /// <param name="window">Values per input; at least 1.</param>
    /// <param name="horizon">Values per target; at least 1.</param>
    /// <param name="stride">Steps between the starts of consecutive windows; at least 1.</param>
    /// <returns>
    /// <c>Inputs</c> [count, window] and <c>Targets</c> [count, horizon], row-major, where count is
    /// (series length − window − horizon) / stride + 1 rounded down.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    /// <exception cref="ArgumentException">The series is shorter than one window and its target, or the windows would not fit in an array.</exception>
    public static (float[] Inputs, float[] Targets) SlidingWindows(ReadOnlySpan<float> series, int window, int horizon = 1, int stride = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(horizon);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        long span = (long)window + horizon;
        if (series.Length < span)
        {
            throw new ArgumentException(
                $"The series has {series.Length} values; a window of {window} and a horizon of {horizon} need at least {span}.", nameof(series));
        }

        int count = (int)((series.Length - span) / stride) + 1;
        long inputLength = (long)count * window;
        if (inputLength > Array.MaxLength || (long)count * horizon > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{count} windows of {window} values and {horizon} targets do not fit in an array; use a larger stride.", nameof(series));
        }

        var inputs = new float[inputLength];
        var targets = new float[count * horizon];
        for (int k = 0; k < count; k++)
        {
            int start = k * stride;
            series.Slice(start, window).CopyTo(inputs.AsSpan(k * window, window));
            series.Slice(start + window, horizon).CopyTo(targets.AsSpan(k * horizon, horizon));
        }

        return (inputs, targets);
    }

    /// <summary>
    /// Fits a <see cref="Standardization"/> on the first <paramref name="trainingCount"/> values of
    /// <paramref name="series"/> (the training part of a series split in time order) and applies it to every value
    /// in place, so that no statistic leaks from validation or test values into training.
    /// </summary>
    /// <param name="series">The whole series; overwritten with standardized values.</param>
    /// <param name="trainingCount">How many leading values to fit on; 1 to the series length.</param>
    /// <returns>The mean and standard deviation, to map predictions back with <see cref="Standardization.Invert(Span{float})"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainingCount"/> is out of range.</exception>
    /// <exception cref="ArgumentException">A training value is not finite.</exception>
    public static Standardization Standardize(Span<float> series, int trainingCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainingCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trainingCount, series.Length);
        Standardization standardization = Standardization.Fit(series[..trainingCount]);
        standardization.Apply(series);
        return standardization;
    }

    private static void PadOrTruncateInto(ReadOnlySpan<int> sequence, Span<int> destination, PaddingSide padding, PaddingSide truncating, int value)
    {
        int length = destination.Length;
        ReadOnlySpan<int> kept = sequence.Length <= length
            ? sequence
            : truncating == PaddingSide.Pre ? sequence[^length..] : sequence[..length];
        int padCount = length - kept.Length;
        if (padding == PaddingSide.Pre)
        {
            destination[..padCount].Fill(value);
            kept.CopyTo(destination[padCount..]);
        }
        else
        {
            kept.CopyTo(destination);
            destination[kept.Length..].Fill(value);
        }
    }

    private static void CheckSide(PaddingSide side, string parameterName)
    {
        if (side is not (PaddingSide.Pre or PaddingSide.Post))
        {
            throw new ArgumentOutOfRangeException(parameterName, side, "Use PaddingSide.Pre or PaddingSide.Post.");
        }
    }
}
