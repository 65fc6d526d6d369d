using System;

namespace RnnGen.Training;

/// <summary>Training met a NaN or infinite loss or gradient; the weights are those before the failing batch.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrainingDivergedException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public TrainingDivergedException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>1-based epoch of the failing batch.</summary>
    public int Epoch { get; init; }

    /// <summary>1-based batch within the epoch.</summary>
    public int Batch { get; init; }

    /// <summary>The first parameter tensor whose gradient was not finite, or null when the loss itself was not.</summary>
    public string? Tensor { get; init; }
}
