using System;
using System.Globalization;

namespace RnnGen.Training;

/// <summary>
/// Binary cross-entropy on logits (sigmoid and cross-entropy fused), PyTorch's
/// <c>nn.BCEWithLogitsLoss(pos_weight=…, reduction='mean')</c>: the mean over the elements of the counted rows.
/// </summary>
/// <remarks>
/// <para>
/// The logits are <c>rows</c> rows of <c>width</c> independent binary outputs: a per-sequence output
/// [batch, width], or a per-step output [steps, batch, width] read as steps · batch rows (row t · batch + b).
/// Targets are probabilities in [0, 1] (usually 0 or 1) in the same layout. A row mask excludes rows — the
/// padding steps past a sequence's length: they are not read, get a zero gradient and are not counted.
/// </para>
/// <para>
/// Each element's loss is max(x, 0) − x·y + log(1 + e^−|x|), which neither overflows nor loses the small
/// term for large |x|; with a positive weight p it is weighted as in PyTorch,
/// −[p·y·log σ(x) + (1 − y)·log(1 − σ(x))]. Losses are evaluated in double precision.
/// </para>
/// <para>When no row counts, the loss is 0 and the gradient all zeros; PyTorch returns NaN there.</para>
/// </remarks>
public sealed class BinaryCrossEntropyWithLogits
{
    /// <summary>Creates the loss.</summary>
    /// <param name="positiveWeight">
    /// Weight p of the positive term, PyTorch's <c>pos_weight</c> with the same value for every output; above 1
    /// favours recall on a rare positive class (for example the number of negatives over positives). Default 1.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="positiveWeight"/> is not a positive finite number.</exception>
    public BinaryCrossEntropyWithLogits(float positiveWeight = 1f)
    {
        if (!float.IsFinite(positiveWeight) || positiveWeight <= 0f)
        {
            throw new ArgumentOutOfRangeException(
                nameof(positiveWeight),
                positiveWeight,
                string.Create(CultureInfo.InvariantCulture, $"The positive weight must be a positive finite number, but is {positiveWeight}."));
        }

        PositiveWeight = positiveWeight;
    }

    /// <summary>Weight of the positive term (PyTorch's <c>pos_weight</c>); 1 for the plain loss.</summary>
    public float PositiveWeight { get; }

    /// <summary>
    /// Computes the mean binary cross-entropy over the elements of the counted rows, and writes the gradient of
    /// that mean with respect to the logits, (σ(x) − y) / counted elements for weight 1, ready for Backward.
    /// </summary>
    /// <param name="logits">Logits, <c>rows</c> × <paramref name="width"/> values, row-major.</param>
    /// <param name="targets">Target probabilities, same layout as <paramref name="logits"/>; excluded rows are not read.</param>
    /// <param name="gradient">Receives the gradient; same length as <paramref name="logits"/>, not overlapping an input. Every element is written.</param>
    /// <param name="rowMask">One entry per row, false to exclude the row; empty (the default) to count every row.</param>
    /// <param name="width">Outputs per row; at least 1.</param>
    /// <returns>The summed loss of the counted elements and their number (counted rows × <paramref name="width"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the others, or <paramref name="gradient"/> overlaps an input.</exception>
    public LossValue Compute(ReadOnlySpan<float> logits, ReadOnlySpan<float> targets, Span<float> gradient, ReadOnlySpan<bool> rowMask = default, int width = 1)
    {
        int rows = LossArguments.RowsOf(logits.Length, width, nameof(logits), nameof(width));
        LossArguments.CheckLength(logits.Length, targets.Length, nameof(targets), "as many as logits");
        LossArguments.CheckLength(logits.Length, gradient.Length, nameof(gradient), "as many as logits");
        LossArguments.CheckSeparate(logits, gradient, nameof(logits), nameof(gradient));
        LossArguments.CheckSeparate(targets, gradient, nameof(targets), nameof(gradient));
        int countedRows = LossArguments.CountMaskedRows(rowMask, rows, nameof(rowMask));
        if (countedRows == 0)
        {
            gradient.Clear();
            return default;
        }

        int counted = countedRows * width;
        double scale = 1.0 / counted;
        double positiveWeight = PositiveWeight;
        double sum = 0;
        for (int row = 0; row < rows; row++)
        {
            int start = row * width;
            if (!LossArguments.Counts(rowMask, row))
            {
                gradient.Slice(start, width).Clear();
                continue;
            }

            for (int i = start; i < start + width; i++)
            {
                double x = logits[i];
                double y = targets[i];

                // w = (p − 1)·y + 1 weighs −log σ(x) = max(−x, 0) + log(1 + e^−|x|); for p = 1 the loss is
                // exactly max(x, 0) − x·y + log(1 + e^−|x|).
                double weight = ((positiveWeight - 1) * y) + 1;
                double exponential = Math.Exp(-Math.Abs(x));
                sum += Math.Max(x, 0) - (x * y) + ((weight - 1) * Math.Max(-x, 0)) + (weight * LogOnePlus(exponential));

                // d/dx = w·σ(x) − p·y over the common denominator 1 + e^−|x|, using w − p·y = 1 − y: no overflow,
                // and a confident right answer keeps its tiny gradient instead of cancelling to 0.
                double numerator = x >= 0 ? (1 - y) - (positiveWeight * y * exponential) : ((1 - y) * exponential) - (positiveWeight * y);
                gradient[i] = (float)(numerator / (1 + exponential) * scale);
            }
        }

        return new LossValue(sum, counted);
    }

    /// <summary>log(1 + u) for u in [0, 1], accurate when u is tiny.</summary>
    /// <remarks>
    /// Math has no log1p and <see cref="double.LogP1"/> is log(u + 1), which returns 0 once 1 + u rounds to 1.
    /// Scaling log(v) by u / (v − 1), with v = 1 + u rounded, cancels that rounding error (Goldberg, 1991).
    /// </remarks>
    private static double LogOnePlus(double u)
    {
        double v = 1 + u;
        return v == 1 ? u : Math.Log(v) * u / (v - 1);
    }
}
