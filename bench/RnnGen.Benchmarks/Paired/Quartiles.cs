namespace RnnGen.Benchmarks.Paired;

/// <summary>The first quartile, the median and the third quartile of a set of values (linear interpolation).</summary>
internal readonly record struct Quartiles(double First, double Median, double Third)
{
    public static Quartiles Of(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No values to take quartiles of.", nameof(values));
        }

        return new Quartiles(At(sorted, 0.25), At(sorted, 0.5), At(sorted, 0.75));
    }

    private static double At(double[] sorted, double fraction)
    {
        double position = fraction * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
