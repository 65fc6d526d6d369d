using System;

namespace RnnGen.Training;

/// <summary>Multiplies the learning rate by γ every <see cref="StepSize"/> epochs: torch.optim.lr_scheduler.StepLR.</summary>
/// <remarks>η(epoch) = η₀ · γ^⌊epoch / StepSize⌋, computed in double and rounded to float once.</remarks>
public sealed class StepDecay : ILearningRateSchedule
{
    private readonly double _gammaAsWritten;

    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Epochs between decays; at least 1.</param>
    /// <param name="gamma">γ, the factor applied at each decay; positive, finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it.</exception>
    public StepDecay(int stepSize, float gamma = 0.1f)
    {
        ArgumentGuard.AtLeast(stepSize, 1, nameof(stepSize));
        ArgumentGuard.Positive(gamma, nameof(gamma));
        StepSize = stepSize;
        Gamma = gamma;
        _gammaAsWritten = WrittenValue.Of(gamma);
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>γ.</summary>
    public float Gamma { get; }

    /// <inheritdoc/>
    public float LearningRateAt(int epoch, float initialLearningRate)
    {
        ArgumentGuard.AtLeast(epoch, 0, nameof(epoch));
        ArgumentGuard.NonNegative(initialLearningRate, nameof(initialLearningRate));
        return (float)(WrittenValue.Of(initialLearningRate) * Math.Pow(_gammaAsWritten, epoch / StepSize));
    }
}
