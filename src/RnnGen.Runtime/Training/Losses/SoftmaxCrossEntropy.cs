using System;

namespace RnnGen.Training;

/// <summary>
/// Softmax cross-entropy over class logits with integer labels, PyTorch's
/// <c>nn.CrossEntropyLoss(ignore_index=…, reduction='mean')</c>.
/// </summary>
/// <remarks>
/// <para>
/// The logits are <c>rows</c> rows of <c>classes</c> values: a per-sequence output [batch, classes], or a
/// per-step output [steps, batch, classes] read as steps · batch rows (row t · batch + b), with one label per
/// row in the same order. Rows labelled with <see cref="IgnoreLabel"/> — the padding steps past a sequence's
/// length — are not read, get a zero gradient and are not counted in the mean.
/// </para>
/// <para>
/// When no row counts, the loss is 0 and the gradient all zeros, so an all-padding batch leaves the weights
/// alone; PyTorch returns NaN there.
/// </para>
/// </remarks>
public sealed class SoftmaxCrossEntropy
{
    /// <summary>The ignore label PyTorch uses by default (<c>ignore_index=-100</c>).</summary>
    public const int DefaultIgnoreLabel = -100;

    /// <summary>Creates the loss.</summary>
    /// <param name="ignoreLabel">
    /// Label that marks a row to skip. It may be any value, a valid class included, in which case that class
    /// is skipped, as in PyTorch.
    /// </param>
    public SoftmaxCrossEntropy(int ignoreLabel = DefaultIgnoreLabel)
    {
        IgnoreLabel = ignoreLabel;
    }

    /// <summary>Label that marks a row to skip (PyTorch's <c>ignore_index</c>).</summary>
    public int IgnoreLabel { get; }

    /// <summary>
    /// Computes the mean cross-entropy −log softmax(x)[label] over the counted rows, and writes the gradient of
    /// that mean with respect to the logits, (softmax(x) − onehot(label)) / counted rows, ready for Backward.
    /// </summary>
    /// <param name="logits">Logits, <c>rows</c> × <paramref name="classes"/> values, row-major.</param>
    /// <param name="classes">Number of classes, the width of a row; at least 1.</param>
    /// <param name="labels">One label per row: a class in [0, classes) or <see cref="IgnoreLabel"/>.</param>
    /// <param name="gradient">Receives the gradient; same length as <paramref name="logits"/>, not overlapping it. Every element is written.</param>
    /// <returns>The summed loss of the counted rows and their number.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="classes"/> is not positive, or a label is neither a class nor the ignore label (the message names the row).
    /// </exception>
    /// <exception cref="ArgumentException">A span's length does not match the others, or <paramref name="gradient"/> overlaps an input.</exception>
    public LossValue Compute(ReadOnlySpan<float> logits, int classes, ReadOnlySpan<int> labels, Span<float> gradient)
    {
        int rows = LossArguments.RowsOf(logits.Length, classes, nameof(logits), nameof(classes));
        LossArguments.CheckLength(rows, labels.Length, nameof(labels), "one per row of logits");
        LossArguments.CheckLength(logits.Length, gradient.Length, nameof(gradient), "as many as logits");
        LossArguments.CheckSeparate(logits, gradient, nameof(logits), nameof(gradient));
        int counted = LossArguments.CountLabeledRows(labels, classes, IgnoreLabel, nameof(labels));
        if (counted == 0)
        {
            gradient.Clear();
            return default;
        }

        double scale = 1.0 / counted;
        double sum = 0;
        for (int row = 0; row < rows; row++)
        {
            int label = labels[row];
            Span<float> rowGradient = gradient.Slice(row * classes, classes);
            if (label == IgnoreLabel)
            {
                rowGradient.Clear();
                continue;
            }

            sum += RowLoss(logits.Slice(row * classes, classes), label, scale, rowGradient);
        }

        return new LossValue(sum, counted);
    }

    /// <summary>
    /// One row's loss log Σ exp(x − max) − (x[label] − max), with its gradient written on the way: the
    /// exponentials go into the gradient row as they are summed, then are scaled in place.
    /// </summary>
    private static double RowLoss(ReadOnlySpan<float> logits, int label, double scale, Span<float> gradient)
    {
        // Subtracting the row max makes the largest exponential 1: none overflows and the sum is at least 1.
        float max = logits[0];
        for (int i = 1; i < logits.Length; i++)
        {
            max = MathF.Max(max, logits[i]);
        }

        double total = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float exponential = MathF.Exp(logits[i] - max);
            gradient[i] = exponential;
            total += exponential;
        }

        float softmaxScale = (float)(scale / total);
        for (int i = 0; i < gradient.Length; i++)
        {
            gradient[i] *= softmaxScale;
        }

        gradient[label] -= (float)scale;
        return Math.Log(total) - ((double)logits[label] - max);
    }
}
