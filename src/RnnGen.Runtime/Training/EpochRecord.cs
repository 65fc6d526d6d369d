namespace RnnGen.Training;

/// <summary>What one epoch of <see cref="Trainer{TModel}.Fit(SequenceDataset, FitOptions)"/> measured.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Loss">Mean training loss over the epoch's batches (weighted by counted rows).</param>
/// <param name="Metric">Training accuracy (classification) or mean absolute error (regression).</param>
/// <param name="ValidationLoss">Mean validation loss, or null without validation data.</param>
/// <param name="ValidationMetric">Validation accuracy or mean absolute error, or null.</param>
/// <param name="LearningRate">Learning rate used during the epoch.</param>
/// <param name="Seconds">Wall time of the epoch, validation included.</param>
/// <param name="SkippedBatches">Batches skipped because their loss or gradient was not finite.</param>
public sealed record EpochRecord(int Epoch, double Loss, double Metric, double? ValidationLoss, double? ValidationMetric, float LearningRate, double Seconds, int SkippedBatches);

/// <summary>Reported after every batch, e.g. to draw a progress bar.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="Epochs">Epochs in the run.</param>
/// <param name="Batch">1-based batch within the epoch.</param>
/// <param name="Batches">Batches per epoch.</param>
/// <param name="Loss">Running mean loss of the epoch so far.</param>
/// <param name="Metric">Running metric of the epoch so far.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, int Batch, int Batches, double Loss, double Metric);

/// <summary>Loss and metric of a model on a dataset, from <see cref="Trainer{TModel}.Evaluate"/>.</summary>
/// <param name="Loss">Mean loss.</param>
/// <param name="Metric">Accuracy (classification) or mean absolute error (regression).</param>
/// <param name="Counted">
/// What the loss is the mean of: the labels that counted (sequences or steps, ignored labels left out) for softmax
/// cross-entropy; the target values of the counted rows (rows × the output width) for binary cross-entropy and mean
/// squared error, as PyTorch's mean reduction counts them.
/// </param>
public readonly record struct Evaluation(double Loss, double Metric, int Counted);
