namespace RnnGen.Training;

/// <summary>
/// The loss of one batch: the summed per-element (or per-row) loss and how many elements (or rows) it sums,
/// so a trainer can add batches together and take an exact epoch mean.
/// </summary>
/// <param name="Sum">Sum of the loss over the counted elements (rows for cross-entropy), in double precision.</param>
/// <param name="Count">Number of counted elements (rows for cross-entropy); excluded rows are not counted.</param>
public readonly record struct LossValue(double Sum, int Count)
{
    /// <summary>
    /// <see cref="Sum"/> / <see cref="Count"/>, PyTorch's <c>reduction='mean'</c>; 0 when nothing was counted,
    /// where PyTorch gives NaN.
    /// </summary>
    public double Mean => Count == 0 ? 0 : Sum / Count;
}
