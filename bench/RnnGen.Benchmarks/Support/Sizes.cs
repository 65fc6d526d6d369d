namespace RnnGen.Benchmarks.Support;

/// <summary>The sizes shared by every case: MNIST-like rows, 28 features over 28 steps, 10 classes.</summary>
internal static class Sizes
{
    /// <summary>Features per time step.</summary>
    public const int Input = 28;

    /// <summary>Time steps of a full sequence.</summary>
    public const int Steps = 28;

    /// <summary>Classes of the training cases' Dense layer.</summary>
    public const int Classes = 10;
}
