namespace RnnGen.Training;

/// <summary>The learning rate as a function of the epoch, for setting <see cref="Optimizer.LearningRate"/> before each epoch.</summary>
/// <remarks>
/// Schedules are closed forms of the epoch (PyTorch's <c>_get_closed_form_lr</c>), so they hold no state, and a
/// resumed run gets the same rates as an uninterrupted one.
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for <paramref name="epoch"/>.</summary>
    /// <param name="epoch">0 for the first epoch; not negative.</param>
    /// <param name="initialLearningRate">The learning rate at epoch 0 (PyTorch's <c>base_lr</c>); zero or positive, finite.</param>
    /// <exception cref="System.ArgumentOutOfRangeException">An argument is out of range.</exception>
    float LearningRateAt(int epoch, float initialLearningRate);
}
