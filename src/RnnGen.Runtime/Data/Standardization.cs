using System;
using System.Globalization;

namespace RnnGen.Data;

/// <summary>
/// The shift and scale that give values mean 0 and standard deviation 1: (x − Mean) / StandardDeviation, as
/// scikit-learn's <c>StandardScaler</c> computes it. Fit it on the training values only, apply it to every value,
/// and <see cref="Invert(Span{float})"/> a model's predictions to read them in the original units.
/// </summary>
public sealed record Standardization
{
    /// <summary>A standardization with the given statistics.</summary>
    /// <param name="mean">Subtracted first; finite.</param>
    /// <param name="standardDeviation">Divides next; finite and positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">A statistic is not finite, or the standard deviation is not positive.</exception>
    public Standardization(float mean, float standardDeviation)
    {
        if (!float.IsFinite(mean))
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be finite.");
        }

        if (!float.IsFinite(standardDeviation) || standardDeviation <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(standardDeviation), standardDeviation, "The standard deviation must be finite and positive.");
        }

        Mean = mean;
        StandardDeviation = standardDeviation;
    }

    /// <summary>The mean of the training values.</summary>
    public float Mean { get; }

    /// <summary>
    /// The population standard deviation of the training values (divided by n, as NumPy's <c>std</c>), or 1 when they
    /// are all equal, as scikit-learn does, so that a constant series stays finite.
    /// </summary>
    public float StandardDeviation { get; }

    /// <summary>Computes the mean and standard deviation of <paramref name="training"/> in double precision.</summary>
    /// <param name="training">The training values; at least one, all finite.</param>
    /// <returns>The fitted standardization.</returns>
    /// <exception cref="ArgumentException"><paramref name="training"/> is empty or holds a value that is not finite.</exception>
    public static Standardization Fit(ReadOnlySpan<float> training)
    {
        if (training.IsEmpty)
        {
            throw new ArgumentException("There are no training values to fit.", nameof(training));
        }

        double sum = 0;
        for (int i = 0; i < training.Length; i++)
        {
            if (!float.IsFinite(training[i]))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Training value {i} is {training[i]}; every value must be finite."), nameof(training));
            }

            sum += training[i];
        }

        double mean = sum / training.Length;
        double squares = 0;
        foreach (float value in training)
        {
            double deviation = value - mean;
            squares += deviation * deviation;
        }

        float standardDeviation = (float)Math.Sqrt(squares / training.Length);
        return new Standardization((float)mean, standardDeviation > 0 ? standardDeviation : 1f);
    }

    /// <summary>Replaces each value x with (x − Mean) / StandardDeviation.</summary>
    public void Apply(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (values[i] - Mean) / StandardDeviation;
        }
    }

    /// <summary>Replaces each standardized value z with z · StandardDeviation + Mean, undoing <see cref="Apply"/>.</summary>
    public void Invert(Span<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Invert(values[i]);
        }
    }

    /// <summary>Maps one standardized value z back to z · StandardDeviation + Mean.</summary>
    public float Invert(float value) => (value * StandardDeviation) + Mean;
}
