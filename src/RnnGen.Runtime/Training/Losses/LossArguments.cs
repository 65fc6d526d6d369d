using System;
using System.Globalization;

namespace RnnGen.Training;

/// <summary>Argument checks and row counting shared by the losses and metrics, run once before their loops.</summary>
internal static class LossArguments
{
    /// <summary>Rows of a [rows, width] buffer; throws unless the width is positive and divides the length.</summary>
    public static int RowsOf(int length, int width, string spanName, string widthName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width, widthName);
        if (length % width != 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{spanName} must hold whole rows of {width} values, but has {length} values."),
                spanName);
        }

        return length / width;
    }

    /// <summary>Throws unless a span has exactly the expected length.</summary>
    public static void CheckLength(int expected, int actual, string spanName, string expectedWhat)
    {
        if (actual != expected)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{spanName} must have {expected} elements ({expectedWhat}), but has {actual}."),
                spanName);
        }
    }

    /// <summary>
    /// Throws if the gradient shares memory with an input: it is written while the input is still being read, and
    /// cleared when no row counts, which would silently change the caller's input.
    /// </summary>
    public static void CheckSeparate(ReadOnlySpan<float> input, ReadOnlySpan<float> gradient, string inputName, string gradientName)
    {
        if (gradient.Overlaps(input))
        {
            throw new ArgumentException(
                $"{gradientName} must not share memory with {inputName}: it is written while {inputName} is still read; pass a buffer of its own.",
                gradientName);
        }
    }

    /// <summary>
    /// Rows whose label is not <paramref name="ignoreLabel"/>; throws for any other label outside [0, classes).
    /// </summary>
    public static int CountLabeledRows(ReadOnlySpan<int> labels, int classes, int ignoreLabel, string labelsName)
    {
        int counted = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            int label = labels[row];
            if (label == ignoreLabel)
            {
                continue;
            }

            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(
                    labelsName,
                    label,
                    string.Create(CultureInfo.InvariantCulture, $"Row {row} has label {label}; a label must be in [0, {classes}) or be the ignore label {ignoreLabel}."));
            }

            counted++;
        }

        return counted;
    }

    /// <summary>Rows that count under a row mask; an empty mask counts every row, any other must have one entry per row.</summary>
    public static int CountMaskedRows(ReadOnlySpan<bool> rowMask, int rows, string maskName)
    {
        if (rowMask.IsEmpty)
        {
            return rows;
        }

        CheckLength(rows, rowMask.Length, maskName, "one per row, or none to count every row");
        int counted = 0;
        foreach (bool counts in rowMask)
        {
            if (counts)
            {
                counted++;
            }
        }

        return counted;
    }

    /// <summary>Whether a row counts under a mask already checked by <see cref="CountMaskedRows"/>.</summary>
    public static bool Counts(ReadOnlySpan<bool> rowMask, int row) => rowMask.IsEmpty || rowMask[row];
}
