using System;

namespace RnnGen.Training;

/// <summary>What to do with a batch whose loss or gradient is NaN or infinite.</summary>
public enum NonFiniteBatchPolicy
{
    /// <summary>Stop with a <see cref="TrainingDivergedException"/> naming the epoch, batch and first tensor affected (default).</summary>
    Throw,

    /// <summary>Leave the weights unchanged for that batch, count it in <see cref="EpochRecord.SkippedBatches"/>, and go on.</summary>
    Skip,
}

/// <summary>Stops training when a monitored quantity stops improving (Keras <c>EarlyStopping</c>).</summary>
/// <param name="Patience">Epochs without improvement before stopping.</param>
/// <param name="MinimumDelta">Smallest change that counts as an improvement.</param>
/// <param name="RestoreBestWeights">Put back the weights of the best epoch when stopping or finishing.</param>
public sealed record EarlyStopping(int Patience = 5, double MinimumDelta = 0, bool RestoreBestWeights = true);

/// <summary>Which quantity decides the best epoch (for early stopping and best checkpoints).</summary>
public enum MonitoredQuantity
{
    /// <summary>Validation loss if there is validation data, else training loss; lower is better.</summary>
    Loss,

    /// <summary>Validation metric if there is validation data, else training metric; higher accuracy / lower error is better.</summary>
    Metric,
}

/// <summary>Options of <see cref="Trainer{TModel}.Fit(SequenceDataset, FitOptions)"/>, in the shape of Keras' <c>fit</c>.</summary>
public sealed record FitOptions
{
    /// <summary>Passes over the training data, counting those of <see cref="InitialEpoch"/>.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>
    /// Epochs already done (Keras <c>initial_epoch</c>): training runs epochs InitialEpoch + 1 … Epochs. To resume from a
    /// checkpoint, load it with <see cref="Checkpoint.Load"/> and pass its epoch here (and its monitored value as
    /// <see cref="InitialBest"/>); with the same seed the run continues exactly as if it had never stopped. Create the
    /// trainer before loading: a schedule starts from the optimizer's learning rate when the trainer is created, and
    /// the checkpoint restores the rate the schedule had reached, which would otherwise be decayed twice.
    /// </summary>
    public int InitialEpoch { get; init; }

    /// <summary>
    /// The monitored value of the best epoch so far, when resuming from a best checkpoint
    /// (<see cref="CheckpointInfo.MonitoredValue"/>): early stopping and later checkpoints then compare against it, as
    /// the uninterrupted run would have. Null when starting fresh.
    /// </summary>
    public double? InitialBest { get; init; }

    /// <summary>Sequences per batch; the model must have been built with at least this maxBatch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Seed of the shuffling and the dropout masks, drawn afresh for every epoch from (seed, epoch), so the same seed,
    /// data and thread count give the same weights bit for bit, and a resumed run matches an uninterrupted one.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>Shuffle the training sequences every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Validation data; takes precedence over <see cref="ValidationSplit"/>.</summary>
    public SequenceDataset? Validation { get; init; }

    /// <summary>
    /// Fraction of the training data held out for validation: the last sequences in dataset order, before shuffling
    /// (as Keras does). If the data is sorted (by class, by time), shuffle it first or pass <see cref="Validation"/>.
    /// </summary>
    public double ValidationSplit { get; init; }

    /// <summary>Global-norm gradient clipping threshold (PyTorch <c>clip_grad_norm_</c>), or null for none.</summary>
    public float? ClipGradientNorm { get; init; }

    /// <summary>Learning rate per epoch, from the optimizer's initial rate; null keeps it constant.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>Early stopping, or null to run every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>What decides the best epoch.</summary>
    public MonitoredQuantity Monitor { get; init; } = MonitoredQuantity.Loss;

    /// <summary>
    /// Where to save the best epoch's weights (safetensors, loadable by <c>ParameterSet.LoadSafetensors</c> or PyTorch);
    /// the optimizer state goes next to it (<see cref="Checkpoint.OptimizerPath"/>). Null saves nothing.
    /// </summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// Told after every batch, on the training thread. .NET's own <see cref="Progress{T}"/> posts each report to the
    /// thread pool (or the UI's context), so its reports may arrive after Fit returns; implement IProgress yourself to
    /// handle them in line.
    /// </summary>
    public IProgress<TrainingProgress>? Progress { get; init; }

    /// <summary>Called after every epoch with its record.</summary>
    public Action<EpochRecord>? EpochEnd { get; init; }

    /// <summary>What to do with a batch whose loss or gradient is not finite.</summary>
    public NonFiniteBatchPolicy NonFiniteBatches { get; init; } = NonFiniteBatchPolicy.Throw;
}
