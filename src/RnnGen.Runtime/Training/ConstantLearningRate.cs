namespace RnnGen.Training;

/// <summary>Keeps the initial learning rate for every epoch.</summary>
public sealed class ConstantLearningRate : ILearningRateSchedule
{
    /// <inheritdoc/>
    public float LearningRateAt(int epoch, float initialLearningRate)
    {
        ArgumentGuard.AtLeast(epoch, 0, nameof(epoch));
        ArgumentGuard.NonNegative(initialLearningRate, nameof(initialLearningRate));
        return initialLearningRate;
    }
}
