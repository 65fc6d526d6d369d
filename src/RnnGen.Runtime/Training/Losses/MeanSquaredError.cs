using System;

namespace RnnGen.Training;

/// <summary>
/// Squared error (x − y)² averaged over the elements of the counted rows, PyTorch's
/// <c>nn.MSELoss(reduction='mean')</c>.
/// </summary>
/// <remarks>
/// <para>
/// The outputs are <c>rows</c> rows of <c>width</c> values: a per-sequence output [batch, width], or a
/// per-step output [steps, batch, width] read as steps · batch rows (row t · batch + b), with targets in the
/// same layout. A row mask excludes rows — the padding steps past a sequence's length: they are not read, get
/// a zero gradient and are not counted. Losses are summed in double precision.
/// </para>
/// <para>When no row counts, the loss is 0 and the gradient all zeros; PyTorch returns NaN there.</para>
/// </remarks>
public static class MeanSquaredError
{
    /// <summary>
    /// Computes the mean squared error over the elements of the counted rows, and writes the gradient of that
    /// mean with respect to the outputs, 2(x − y) / counted elements, ready for Backward.
    /// </summary>
    /// <param name="outputs">Model outputs, <c>rows</c> × <paramref name="width"/> values, row-major.</param>
    /// <param name="targets">Targets, same layout as <paramref name="outputs"/>; excluded rows are not read.</param>
    /// <param name="gradient">Receives the gradient; same length as <paramref name="outputs"/>, not overlapping an input. Every element is written.</param>
    /// <param name="rowMask">One entry per row, false to exclude the row; empty (the default) to count every row.</param>
    /// <param name="width">Values per row; at least 1.</param>
    /// <returns>The summed squared error of the counted elements and their number (counted rows × <paramref name="width"/>).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> is not positive.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the others, or <paramref name="gradient"/> overlaps an input.</exception>
    public static LossValue Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, Span<float> gradient, ReadOnlySpan<bool> rowMask = default, int width = 1)
    {
        int rows = LossArguments.RowsOf(outputs.Length, width, nameof(outputs), nameof(width));
        LossArguments.CheckLength(outputs.Length, targets.Length, nameof(targets), "as many as outputs");
        LossArguments.CheckLength(outputs.Length, gradient.Length, nameof(gradient), "as many as outputs");
        LossArguments.CheckSeparate(outputs, gradient, nameof(outputs), nameof(gradient));
        LossArguments.CheckSeparate(targets, gradient, nameof(targets), nameof(gradient));
        int countedRows = LossArguments.CountMaskedRows(rowMask, rows, nameof(rowMask));
        if (countedRows == 0)
        {
            gradient.Clear();
            return default;
        }

        int counted = countedRows * width;
        double scale = 2.0 / counted;
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
                double difference = (double)outputs[i] - targets[i];
                sum += difference * difference;
                gradient[i] = (float)(difference * scale);
            }
        }

        return new LossValue(sum, counted);
    }
}
