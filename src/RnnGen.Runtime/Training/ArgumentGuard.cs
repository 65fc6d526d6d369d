using System;

namespace RnnGen.Training;

/// <summary>The range checks shared by optimizers, clipping and schedules; each names the parameter and the rule.</summary>
internal static class ArgumentGuard
{
    /// <summary>Zero or positive, and finite (NaN fails).</summary>
    public static void NonNegative(float value, string parameterName)
    {
        if (!(value >= 0f && value < float.PositiveInfinity))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be zero or positive and finite.");
        }
    }

    /// <summary>Positive and finite (NaN fails).</summary>
    public static void Positive(float value, string parameterName)
    {
        if (!(value > 0f && value < float.PositiveInfinity))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be positive and finite.");
        }
    }

    /// <summary>In [0, 1) (NaN fails), the range of a decay rate such as Adam's β.</summary>
    public static void InUnitInterval(float value, string parameterName)
    {
        if (!(value >= 0f && value < 1f))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be in [0, 1).");
        }
    }

    /// <summary>Finite (neither NaN nor infinite).</summary>
    public static void Finite(float value, string parameterName)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be finite.");
        }
    }

    /// <summary>At least <paramref name="minimum"/>.</summary>
    public static void AtLeast(int value, int minimum, string parameterName)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(parameterName, value, $"{parameterName} must be at least {minimum}.");
        }
    }
}
