using System;
using System.ComponentModel;

namespace RnnGen.Kernels;

/// <summary>Softmax of one row, in place, and its backward pass.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Softmax
{
    /// <summary>row ← exp(row − max) / Σ exp(row − max); subtracting the max keeps exp from overflowing.</summary>
    public static void Forward(Span<float> row)
    {
        float max = float.NegativeInfinity;
        foreach (float value in row)
        {
            max = MathF.Max(max, value);
        }

        float sum = 0f;
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = MathF.Exp(row[i] - max);
            sum += row[i];
        }

        float scale = 1f / sum;
        for (int i = 0; i < row.Length; i++)
        {
            row[i] *= scale;
        }
    }

    /// <summary>gradient ← y ⊙ (gradient − Σ gradient ⊙ y), the softmax Jacobian applied to the gradient of its output y.</summary>
    /// <exception cref="ArgumentException">The two spans differ in length.</exception>
    public static void Backward(ReadOnlySpan<float> output, Span<float> gradient)
    {
        if (gradient.Length != output.Length)
        {
            throw new ArgumentException($"The gradient has {gradient.Length} values but the softmax output {output.Length}.", nameof(gradient));
        }

        float dot = 0f;
        for (int i = 0; i < output.Length; i++)
        {
            dot += output[i] * gradient[i];
        }

        for (int i = 0; i < output.Length; i++)
        {
            gradient[i] = output[i] * (gradient[i] - dot);
        }
    }
}
