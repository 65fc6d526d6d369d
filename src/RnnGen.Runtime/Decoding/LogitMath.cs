using System;

namespace RnnGen.Decoding;

/// <summary>The two reductions of a logit vector that decoding needs.</summary>
internal static class LogitMath
{
    /// <summary>Index of the largest value, the lowest index on ties; a NaN never wins (0 when every value is NaN).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            // a comparison with NaN is false both ways: a NaN in the lead gives way to the first number after it
            if (values[i] > values[best] || (float.IsNaN(values[best]) && !float.IsNaN(values[i])))
            {
                best = i;
            }
        }

        return best;
    }

    /// <summary>log Σ exp(zᵢ), in double, shifted by the maximum so that it cannot overflow.</summary>
    public static double LogSumExp(ReadOnlySpan<float> logits)
    {
        float max = logits[ArgMax(logits)];
        double sum = 0;
        foreach (float z in logits)
        {
            sum += Math.Exp(z - max);
        }

        return max + Math.Log(sum);
    }
}
