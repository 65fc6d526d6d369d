using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace RnnGen.Kernels;

/// <summary>Scalar activation functions used by generated cell code, matching PyTorch's definitions.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Activations
{
    /// <summary>Logistic sigmoid 1 / (1 + e^−x), without overflow or NaN for any finite or infinite x.</summary>
    /// <param name="x">Input.</param>
    /// <returns>A value in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float x)
    {
        // e^−x overflows for very negative x, so that side uses the equivalent e^x / (1 + e^x).
        if (x >= 0f)
        {
            return 1f / (1f + MathF.Exp(-x));
        }

        float e = MathF.Exp(x);
        return e / (1f + e);
    }

    /// <summary>Hyperbolic tangent.</summary>
    /// <param name="x">Input.</param>
    /// <returns>A value in [−1, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float x) => MathF.Tanh(x);

    /// <summary>Rectified linear unit max(0, x); NaN stays NaN, as in PyTorch.</summary>
    /// <param name="x">Input.</param>
    /// <returns>x when x is not negative, otherwise 0.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Relu(float x) => x < 0f ? 0f : x;
}
