using System;

namespace RnnGen.Training;

/// <summary>Rescales gradients whose combined L2 norm is too large: torch.nn.utils.clip_grad_norm_.</summary>
public static class GradientClipping
{
    /// <summary>Added to the norm before dividing, as PyTorch does, so an all-zero gradient stays finite.</summary>
    private const float NormEpsilon = 1e-6f;

    /// <summary>
    /// The L2 norm of all of <paramref name="gradients"/> as one vector: √Σg², summed in double and rounded to float once.
    /// </summary>
    public static float GlobalNorm(ReadOnlySpan<float> gradients)
    {
        double sumOfSquares = 0;
        foreach (float g in gradients)
        {
            sumOfSquares += (double)g * g;
        }

        return (float)Math.Sqrt(sumOfSquares);
    }

    /// <summary>
    /// Multiplies every gradient by min(1, <paramref name="maxNorm"/> / (‖g‖ + 10⁻⁶)), as
    /// <c>clip_grad_norm_(parameters, max_norm, norm_type=2)</c> does: always, so gradients already within the
    /// norm are multiplied by 1. A non-finite norm is not an error (PyTorch's default,
    /// <c>error_if_nonfinite=False</c>): a NaN norm makes every gradient NaN, an infinite one zeroes the finite ones.
    /// </summary>
    /// <param name="gradients">Usually <see cref="ParameterSet.Gradients"/>; rescaled in place.</param>
    /// <param name="maxNorm">The largest norm allowed; zero or positive, finite.</param>
    /// <returns>The norm before clipping, <see cref="GlobalNorm"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is negative, NaN or infinite.</exception>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm)
    {
        ArgumentGuard.NonNegative(maxNorm, nameof(maxNorm));
        float totalNorm = GlobalNorm(gradients);
        Scale(gradients, maxNorm, totalNorm);
        return totalNorm;
    }

    /// <summary>
    /// <see cref="ClipByGlobalNorm"/>'s rescaling for a norm already measured: the trainer measures it first, so that a
    /// non-finite gradient can be traced to its tensor before the clipping spreads it to every other.
    /// </summary>
    internal static void Scale(Span<float> gradients, float maxNorm, float totalNorm)
    {
        // clip_coef = max_norm / (total_norm + 1e-6); clip_coef_clamped = clamp(clip_coef, max=1), all in float32.
        // MathF.Min propagates NaN as torch.clamp does.
        float coefficient = MathF.Min(maxNorm / (totalNorm + NormEpsilon), 1f);
        for (int i = 0; i < gradients.Length; i++)
        {
            gradients[i] *= coefficient;
        }
    }
}
