using System;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>The double-precision reference and the data of the step-map tests (<see cref="StepKernelsTests"/>, <see cref="PackedStepKernelsTests"/>).</summary>
internal static class StepReference
{
    /// <summary>Error accepted per unit of Σ|w·x|: float32 summation of a few hundred terms stays well inside it.</summary>
    public const double RelativeTolerance = 1e-5;

    /// <summary>Σ_k w[o, k]·x[k] in double, and Σ_k |w[o, k]·x[k]|, the scale its float32 error grows with.</summary>
    public static (double Sum, double Scale) Dot(float[] w, float[] x, int o, int inner)
    {
        double sum = 0, scale = 0;
        for (int k = 0; k < inner; k++)
        {
            double term = (double)w[(o * inner) + k] * x[k];
            sum += term;
            scale += Math.Abs(term);
        }

        return (sum, scale);
    }

    /// <summary>Uniform values in [−1, 1).</summary>
    public static float[] Values(int count, Random random)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    public static float[] Filled(int count, float value)
    {
        var values = new float[count];
        Array.Fill(values, value);
        return values;
    }

    public static float[] NaNs(int count) => Filled(count, float.NaN);

    public static void AssertClose(float actual, double expected, double scale, string context)
    {
        double tolerance = RelativeTolerance * scale;
        if (!(Math.Abs(actual - expected) <= tolerance))
        {
            Assert.Fail($"{context}: expected {expected:R} ± {tolerance:E2}, got {actual:R}.");
        }
    }
}
