using System;

namespace RnnGen.Training;

/// <summary>
/// Confusion counts of binary predictions (logit &gt; 0) against targets (≥ 0.5), accumulated over batches, and
/// the precision, recall, F1 and accuracy they give.
/// </summary>
/// <remarks>
/// A mutable value: keep it in a local or field and call <see cref="Add"/> on that variable, not on a copy.
/// A ratio whose denominator is zero is 0, as with scikit-learn's <c>zero_division=0</c>.
/// </remarks>
public struct BinaryConfusion
{
    /// <summary>Positive predictions of positive targets.</summary>
    public long TruePositives { readonly get; private set; }

    /// <summary>Positive predictions of negative targets.</summary>
    public long FalsePositives { readonly get; private set; }

    /// <summary>Negative predictions of negative targets.</summary>
    public long TrueNegatives { readonly get; private set; }

    /// <summary>Negative predictions of positive targets.</summary>
    public long FalseNegatives { readonly get; private set; }

    /// <summary>All counted predictions.</summary>
    public readonly long Total => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;

    /// <summary>TP / (TP + FP): the share of positive predictions that are right; 0 with no positive prediction.</summary>
    public readonly double Precision => Ratio(TruePositives, TruePositives + FalsePositives);

    /// <summary>TP / (TP + FN): the share of positive targets found; 0 with no positive target.</summary>
    public readonly double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);

    /// <summary>
    /// 2·TP / (2·TP + FP + FN), the harmonic mean of <see cref="Precision"/> and <see cref="Recall"/>; 0 when
    /// there is no true positive.
    /// </summary>
    public readonly double F1 => Ratio(2 * TruePositives, (2 * TruePositives) + FalsePositives + FalseNegatives);

    /// <summary>(TP + TN) / total; 0 when nothing was counted.</summary>
    public readonly double Accuracy => Ratio(TruePositives + TrueNegatives, Total);

    /// <summary>Adds the predictions of a batch.</summary>
    /// <param name="logits">Logits, <c>rows</c> × <paramref name="width"/> values, row-major.</param>
    /// <param name="targets">Targets, same layout as <paramref name="logits"/>; excluded rows are not read.</param>
    /// <param name="rowMask">One entry per row, false to exclude the row; empty (the default) to count every row.</param>
    /// <param name="width">Outputs per row; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the others.</exception>
    public void Add(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, ReadOnlySpan<bool> rowMask = default, int width = 1)
    {
        int rows = LossArguments.RowsOf(logits.Length, width, nameof(logits), nameof(width));
        LossArguments.CheckLength(logits.Length, targets.Length, nameof(targets), "as many as logits");
        LossArguments.CountMaskedRows(rowMask, rows, nameof(rowMask));
        for (int row = 0; row < rows; row++)
        {
            if (!LossArguments.Counts(rowMask, row))
            {
                continue;
            }

            for (int i = row * width; i < (row + 1) * width; i++)
            {
                bool predicted = logits[i] > 0f;
                bool actual = targets[i] >= 0.5f;
                if (predicted && actual)
                {
                    TruePositives++;
                }
                else if (predicted)
                {
                    FalsePositives++;
                }
                else if (actual)
                {
                    FalseNegatives++;
                }
                else
                {
                    TrueNegatives++;
                }
            }
        }
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
