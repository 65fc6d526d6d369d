using System;

namespace RnnGen.Training;

/// <summary>
/// Lowers the learning rate along half a cosine from η₀ to a minimum over <see cref="MaxEpochs"/> epochs:
/// torch.optim.lr_scheduler.CosineAnnealingLR (without restarts).
/// </summary>
/// <remarks>
/// η(epoch) = η_min + (η₀ − η_min)·(1 + cos(π·epoch / T_max)) / 2, computed in double and rounded to float once.
/// As in PyTorch's closed form, past T_max the rate rises again along the cosine; train for at most T_max epochs.
/// </remarks>
public sealed class CosineAnnealing : ILearningRateSchedule
{
    private readonly double _minimumAsWritten;

    /// <summary>Creates the schedule.</summary>
    /// <param name="maxEpochs">T_max, the epoch at which the rate reaches the minimum; at least 1.</param>
    /// <param name="minimumLearningRate">η_min; zero or positive, finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it.</exception>
    public CosineAnnealing(int maxEpochs, float minimumLearningRate = 0f)
    {
        ArgumentGuard.AtLeast(maxEpochs, 1, nameof(maxEpochs));
        ArgumentGuard.NonNegative(minimumLearningRate, nameof(minimumLearningRate));
        MaxEpochs = maxEpochs;
        MinimumLearningRate = minimumLearningRate;
        _minimumAsWritten = WrittenValue.Of(minimumLearningRate);
    }

    /// <summary>T_max.</summary>
    public int MaxEpochs { get; }

    /// <summary>η_min.</summary>
    public float MinimumLearningRate { get; }

    /// <inheritdoc/>
    public float LearningRateAt(int epoch, float initialLearningRate)
    {
        ArgumentGuard.AtLeast(epoch, 0, nameof(epoch));
        ArgumentGuard.NonNegative(initialLearningRate, nameof(initialLearningRate));
        double initial = WrittenValue.Of(initialLearningRate);
        return (float)(_minimumAsWritten + ((initial - _minimumAsWritten) * (1 + Math.Cos(Math.PI * epoch / MaxEpochs)) / 2));
    }
}
