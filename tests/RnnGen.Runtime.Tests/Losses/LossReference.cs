using System;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary>
/// Double-precision reference losses written straight from their definitions (no fused tricks), the central
/// finite differences of their means, and the tolerance checks the loss tests share.
/// </summary>
internal static class LossReference
{
    // A step small enough that the O(h²) truncation error is far below 1e-5 of the gradient, large enough that
    // the O(ε/h) rounding error of the double loss is too.
    private const double Step = 1e-5;

    /// <summary>Mean of log Σ_j exp(x_j) − x_label over rows whose label is not the ignore label; 0 if none.</summary>
    public static double CrossEntropyMean(double[] logits, int classes, int[] labels, int ignoreLabel)
    {
        double sum = 0;
        int counted = 0;
        for (int row = 0; row < labels.Length; row++)
        {
            if (labels[row] == ignoreLabel)
            {
                continue;
            }

            double max = double.NegativeInfinity;
            for (int j = 0; j < classes; j++)
            {
                max = Math.Max(max, logits[(row * classes) + j]);
            }

            double total = 0;
            for (int j = 0; j < classes; j++)
            {
                total += Math.Exp(logits[(row * classes) + j] - max);
            }

            sum += max + Math.Log(total) - logits[(row * classes) + labels[row]];
            counted++;
        }

        return counted == 0 ? 0 : sum / counted;
    }

    /// <summary>Mean of −[p·y·log σ(x) + (1 − y)·log(1 − σ(x))] over the elements of the counted rows; 0 if none.</summary>
    public static double BinaryCrossEntropyMean(double[] logits, double[] targets, bool[]? rowMask, int width, double positiveWeight)
    {
        double sum = 0;
        int counted = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            if (rowMask is not null && !rowMask[i / width])
            {
                continue;
            }

            double x = logits[i];
            double y = targets[i];

            // log σ(x) = −softplus(−x) and log(1 − σ(x)) = −softplus(x).
            sum += (positiveWeight * y * Softplus(-x)) + ((1 - y) * Softplus(x));
            counted++;
        }

        return counted == 0 ? 0 : sum / counted;
    }

    /// <summary>Mean of (x − y)² over the elements of the counted rows; 0 if none.</summary>
    public static double SquaredErrorMean(double[] outputs, double[] targets, bool[]? rowMask, int width)
    {
        double sum = 0;
        int counted = 0;
        for (int i = 0; i < outputs.Length; i++)
        {
            if (rowMask is not null && !rowMask[i / width])
            {
                continue;
            }

            sum += (outputs[i] - targets[i]) * (outputs[i] - targets[i]);
            counted++;
        }

        return counted == 0 ? 0 : sum / counted;
    }

    /// <summary>∂loss/∂x_i ≈ (loss(x + h·e_i) − loss(x − h·e_i)) / 2h for every i.</summary>
    public static double[] CentralDifference(Func<double[], double> loss, double[] at)
    {
        var gradient = new double[at.Length];
        var probe = (double[])at.Clone();
        for (int i = 0; i < at.Length; i++)
        {
            probe[i] = at[i] + Step;
            double above = loss(probe);
            probe[i] = at[i] - Step;
            double below = loss(probe);
            probe[i] = at[i];
            gradient[i] = (above - below) / (2 * Step);
        }

        return gradient;
    }

    /// <summary>
    /// Asserts |actual − expected| ≤ 1e-5 · max(|expected|, scale) for every element, where scale is the size of
    /// a gradient element of the mean (1 / count): relative where the gradient is not small, and never finer
    /// than float rounding of the largest terms allows.
    /// </summary>
    public static void AssertGradientClose(double[] expected, ReadOnlySpan<float> actual, double scale)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-5 * Math.Max(Math.Abs(expected[i]), scale);
            Assert.True(
                Math.Abs(actual[i] - expected[i]) <= tolerance,
                $"Gradient element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance:R}).");
        }
    }

    /// <summary>Asserts |actual − expected| ≤ relative · |expected| (or exact equality for 0).</summary>
    public static void AssertRelative(double expected, double actual, double relative)
    {
        Assert.True(
            Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            $"Expected {expected:R}, got {actual:R} (relative tolerance {relative:R}).");
    }

    /// <summary>The float values widened to double, the point at which references and finite differences are evaluated.</summary>
    public static double[] Widen(ReadOnlySpan<float> values)
    {
        var wide = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            wide[i] = values[i];
        }

        return wide;
    }

    /// <summary>Uniform random floats in [low, high) from a seeded source.</summary>
    public static float[] Uniform(SeededRandom random, int count, float low, float high)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = random.NextUniform(low, high);
        }

        return values;
    }

    private static double Softplus(double z) => Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z)));
}
