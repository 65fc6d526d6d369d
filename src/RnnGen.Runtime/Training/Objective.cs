using System;

namespace RnnGen.Training;

/// <summary>Sums of one batch: the loss over its counted elements and the metric over its counted rows.</summary>
internal readonly record struct BatchResult(double LossSum, int LossCount, double MetricSum, int MetricCount);

/// <summary>
/// Binds a <see cref="Loss"/> to the model's output width: computes the batch loss, writes the gradient that
/// Backward takes, and scores the metric (accuracy, or mean absolute error for regression).
/// </summary>
internal sealed class Objective
{
    private readonly Loss _loss;
    private readonly int _width;
    private readonly int _ignoreLabel;
    private readonly SoftmaxCrossEntropy _crossEntropy;
    private readonly BinaryCrossEntropyWithLogits _binaryCrossEntropy = new();

    public Objective(Loss loss, int width, int ignoreLabel)
    {
        _loss = loss;
        _width = width;
        _ignoreLabel = ignoreLabel;
        _crossEntropy = new SoftmaxCrossEntropy(ignoreLabel);
    }

    public string MetricName => _loss == Loss.MeanSquaredError ? "mae" : "accuracy";

    public BatchResult Compute(BatchBuffers batch)
    {
        ReadOnlySpan<float> outputs = batch.Outputs;
        Span<float> gradient = batch.Gradient;
        switch (_loss)
        {
            case Loss.SoftmaxCrossEntropy:
            {
                var loss = _crossEntropy.Compute(outputs, _width, batch.Labels, gradient);
                int correct = Metrics.CountCorrectLabels(outputs, _width, batch.Labels, _ignoreLabel, out int counted);
                return new BatchResult(loss.Sum, loss.Count, correct, counted);
            }

            case Loss.BinaryCrossEntropy:
            {
                var targets = batch.Values(_width);
                var loss = _binaryCrossEntropy.Compute(outputs, targets, gradient, batch.RowMask, _width);
                int correct = Metrics.CountCorrectBinary(outputs, targets, batch.RowMask, _width, out int counted);
                return new BatchResult(loss.Sum, loss.Count, correct, counted);
            }

            default:
            {
                var targets = batch.Values(_width);
                var loss = MeanSquaredError.Compute(outputs, targets, gradient, batch.RowMask, _width);
                return new BatchResult(loss.Sum, loss.Count, AbsoluteError(outputs, targets, batch.RowMask, out int counted), counted);
            }
        }
    }

    private double AbsoluteError(ReadOnlySpan<float> outputs, ReadOnlySpan<float> targets, ReadOnlySpan<bool> rowMask, out int counted)
    {
        double sum = 0;
        counted = 0;
        for (int row = 0; row < rowMask.Length; row++)
        {
            if (!rowMask[row])
            {
                continue;
            }

            for (int j = 0; j < _width; j++)
            {
                int i = (row * _width) + j;
                sum += Math.Abs((double)outputs[i] - targets[i]);
                counted++;
            }
        }

        return sum;
    }
}
