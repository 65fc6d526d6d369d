using System;

namespace RnnGen.Training;

/// <summary>
/// Accuracy counts for the output layouts the losses take, returned as counts so a trainer can add batches
/// together for an exact epoch accuracy.
/// </summary>
public static class Metrics
{
    /// <summary>
    /// Counts rows whose largest logit is at the label; on ties the first largest class is the prediction,
    /// as with PyTorch's <c>argmax</c>.
    /// </summary>
    /// <param name="logits">Logits, <c>rows</c> × <paramref name="classes"/> values, row-major.</param>
    /// <param name="classes">Number of classes; at least 1.</param>
    /// <param name="labels">One label per row: a class in [0, classes) or <paramref name="ignoreLabel"/>.</param>
    /// <param name="ignoreLabel">Label of rows to skip (padding); <see cref="SoftmaxCrossEntropy.DefaultIgnoreLabel"/> by convention.</param>
    /// <param name="counted">Rows not skipped.</param>
    /// <returns>Rows predicted correctly.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="classes"/> is not positive, or a label is neither a class nor the ignore label (the message names the row).
    /// </exception>
    /// <exception cref="ArgumentException">The number of labels is not the number of rows.</exception>
    public static int CountCorrectLabels(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> labels, int ignoreLabel, out int counted)
    {
        int rows = LossArguments.RowsOf(logits.Length, classes, nameof(logits), nameof(classes));
        LossArguments.CheckLength(rows, labels.Length, nameof(labels), "one per row of logits");
        counted = LossArguments.CountLabeledRows(labels, classes, ignoreLabel, nameof(labels));
        int correct = 0;
        for (int row = 0; row < rows; row++)
        {
            int label = labels[row];
            if (label != ignoreLabel && ArgMax(logits.Slice(row * classes, classes)) == label)
            {
                correct++;
            }
        }

        return correct;
    }

    /// <summary>
    /// Counts the elements of the counted rows where the prediction (logit &gt; 0, that is σ(x) &gt; 0.5) agrees
    /// with the target (≥ 0.5).
    /// </summary>
    /// <param name="logits">Logits, <c>rows</c> × <paramref name="width"/> values, row-major.</param>
    /// <param name="targets">Targets, same layout as <paramref name="logits"/>; excluded rows are not read.</param>
    /// <param name="rowMask">One entry per row, false to exclude the row; empty to count every row.</param>
    /// <param name="width">Outputs per row; at least 1.</param>
    /// <param name="counted">Elements of the counted rows (counted rows × <paramref name="width"/>).</param>
    /// <returns>Elements predicted correctly.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the others.</exception>
    public static int CountCorrectBinary(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<bool> rowMask, int width, out int counted)
    {
        int rows = LossArguments.RowsOf(logits.Length, width, nameof(logits), nameof(width));
        LossArguments.CheckLength(logits.Length, targets.Length, nameof(targets), "as many as logits");
        counted = LossArguments.CountMaskedRows(rowMask, rows, nameof(rowMask)) * width;
        int correct = 0;
        for (int row = 0; row < rows; row++)
        {
            if (!LossArguments.Counts(rowMask, row))
            {
                continue;
            }

            for (int i = row * width; i < (row + 1) * width; i++)
            {
                if (logits[i] > 0f == targets[i] >= 0.5f)
                {
                    correct++;
                }
            }
        }

        return correct;
    }

    /// <summary>Index of the first largest value; a NaN is never the largest (an all-NaN row gives -1, never correct).</summary>
    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = Decoding.LogitMath.ArgMax(row);
        return float.IsNaN(row[best]) ? -1 : best;
    }
}
