using System;

namespace RnnGen.Training;

/// <summary>Multiplies the learning rate by γ every epoch: torch.optim.lr_scheduler.ExponentialLR.</summary>
/// <remarks>η(epoch) = η₀ · γ^epoch, computed in double and rounded to float once.</remarks>
public sealed class ExponentialDecay : ILearningRateSchedule
{
    private readonly double _gammaAsWritten;

    /// <summary>Creates the schedule.</summary>
    /// <param name="gamma">γ, the factor per epoch; positive, finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is out of range.</exception>
    public ExponentialDecay(float gamma)
    {
        ArgumentGuard.Positive(gamma, nameof(gamma));
        Gamma = gamma;
        _gammaAsWritten = WrittenValue.Of(gamma);
    }

    /// <summary>γ.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public float LearningRateAt(int epoch, float initialLearningRate)
    {
        ArgumentGuard.AtLeast(epoch, 0, nameof(epoch));
        ArgumentGuard.NonNegative(initialLearningRate, nameof(initialLearningRate));
        return (float)(WrittenValue.Of(initialLearningRate) * Math.Pow(_gammaAsWritten, epoch));
    }
}
