using System;
using System.Collections.Generic;
using System.Globalization;

namespace RnnGen;

/// <summary>Element counts and display of tensor shapes (C order, a scalar has shape <c>[]</c>).</summary>
internal static class TensorShape
{
    /// <summary>
    /// Product of <paramref name="shape"/>; false when a dimension is negative or the product exceeds
    /// <see cref="int.MaxValue"/>. A shape containing 0 has 0 elements whatever its other dimensions.
    /// </summary>
    public static bool TryGetElementCount(ReadOnlySpan<int> shape, out int count)
    {
        count = 0;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                return false;
            }
        }

        if (shape.Contains(0))
        {
            return true;
        }

        long product = 1;
        foreach (int dimension in shape)
        {
            // Both factors are at most int.MaxValue, so the long product cannot overflow before the check.
            product *= dimension;
            if (product > int.MaxValue)
            {
                return false;
            }
        }

        count = (int)product;
        return true;
    }

    /// <summary>Formats a shape as <c>[28, 5]</c>; a scalar is <c>[]</c>.</summary>
    public static string Format(IEnumerable<int> shape) =>
        "[" + string.Join(", ", ToInvariantStrings(shape)) + "]";

    public static bool SequenceEqual(IReadOnlyList<int> left, IReadOnlyList<int> right)
    {
        if (left.Count != right.Count)
        {
            return false;
        }

        for (int i = 0; i < left.Count; i++)
        {
            if (left[i] != right[i])
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<string> ToInvariantStrings(IEnumerable<int> shape)
    {
        foreach (int dimension in shape)
        {
            yield return dimension.ToString(CultureInfo.InvariantCulture);
        }
    }
}
