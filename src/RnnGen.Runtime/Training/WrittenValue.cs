using System;
using System.Diagnostics;
using System.Globalization;

namespace RnnGen.Training;

/// <summary>Widens a float hyperparameter to the double a PyTorch user would have written for it.</summary>
/// <remarks>
/// PyTorch keeps hyperparameters as Python floats (doubles) and computes scalars such as 1 − β₁ or
/// lr / (1 − β₁ᵗ) in double before casting them to float32 for a tensor operation. A float such as
/// <c>0.9f</c> widened directly is 0.89999997615814…, which makes 1 − β₁ land three float32 ulps away from
/// PyTorch's 0.1; widening the shortest decimal that round-trips the float (<c>"0.9"</c>) gives 0.9 exactly
/// as PyTorch has it.
/// </remarks>
internal static class WrittenValue
{
    /// <summary>The double nearest to the shortest decimal representation of <paramref name="value"/>.</summary>
    public static double Of(float value)
    {
        // "R" is at most 15 characters for a float (sign, 9 digits, point, exponent); no allocation.
        Span<char> text = stackalloc char[32];
        bool formatted = value.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture);
        Debug.Assert(formatted, "A float's round-trip text fits in 32 characters.");
        return double.Parse(text[..length], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
