using System;

namespace RnnGen.Training;

/// <summary>Options of <see cref="EncoderDecoderTrainer{TModel}.Fit"/>.</summary>
public sealed record EncoderDecoderFitOptions
{
    /// <summary>Passes over the training pairs, counting those of <see cref="InitialEpoch"/>.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>
    /// Epochs already done: training runs epochs InitialEpoch + 1 … Epochs. To resume from a checkpoint, create the
    /// trainer, load the checkpoint with <see cref="Checkpoint.Load"/> and pass its epoch here (and its monitored value
    /// as <see cref="InitialBest"/>); with the same seed the run continues exactly as if it had never stopped.
    /// </summary>
    public int InitialEpoch { get; init; }

    /// <summary>
    /// The lowest monitored loss so far, when resuming from a checkpoint (<see cref="CheckpointInfo.MonitoredValue"/>):
    /// later checkpoints are then written only for epochs that beat it, as in the uninterrupted run. Null when starting
    /// fresh.
    /// </summary>
    public double? InitialBest { get; init; }

    /// <summary>Pairs per batch; the model must have been built with at least this maxBatch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seed of the shuffling, the dropout masks and scheduled sampling, drawn afresh per epoch from (seed, epoch).</summary>
    public ulong Seed { get; init; }

    /// <summary>Shuffle the pairs every epoch.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Held-out pairs, scored after every epoch (teacher-forced loss and token accuracy), or null.</summary>
    public SequencePairDataset? Validation { get; init; }

    /// <summary>Global-norm gradient clipping threshold (PyTorch <c>clip_grad_norm_</c>), or null for none.</summary>
    public float? ClipGradientNorm { get; init; }

    /// <summary>Learning rate per epoch, from the optimizer's initial rate; null keeps it constant.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// Scheduled sampling (Bengio et al., 2015): the probability, per 1-based epoch (not per batch), that a decoder input
    /// is the model's own previous prediction, its most likely token (argmax, not a draw), instead of the true previous
    /// token, decided token by token; null or 0 is pure teacher forcing (Bengio et al.'s ε is 1 − this). The
    /// predictions come from a teacher-forced pass over the same batch without dropout (the two-pass form of Mihaylova
    /// and Martins, 2019), so a batch costs one more forward pass when the probability is above 0. Fit asks it for
    /// every epoch it will run before the first, and refuses a value outside [0, 1] then.
    /// </summary>
    public Func<int, double>? SamplingProbability { get; init; }

    /// <summary>
    /// Where to save the weights (and optimizer state) of the epoch with the lowest validation loss, or the lowest
    /// training loss without validation; null saves nothing.
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
}
