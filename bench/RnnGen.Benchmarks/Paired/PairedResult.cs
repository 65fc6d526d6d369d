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

/// <summary>
/// A training case timed in alternating rounds (<see cref="AlternatingRounds"/>): each side's time per step on one and
/// on two threads, and the ratios taken within each round — libtorch's time over RnnGen's (the speedup) and each
/// side's one-thread time over its two-thread time — summarized over the rounds.
/// </summary>
internal sealed record PairedResult(
    string Case,
    int Rounds,
    Quartiles RnnGenOneThread,
    Quartiles LibTorchOneThread,
    Quartiles RnnGenTwoThreads,
    Quartiles LibTorchTwoThreads,
    Quartiles SpeedupOneThread,
    Quartiles SpeedupTwoThreads,
    Quartiles RnnGenScaling,
    Quartiles LibTorchScaling)
{
    /// <summary>From nanoseconds per step [round] of RnnGen and libtorch on one thread, then on two.</summary>
    public static PairedResult From(string @case, double[] rnnGenOne, double[] libTorchOne, double[] rnnGenTwo, double[] libTorchTwo) =>
        new(
            @case,
            rnnGenOne.Length,
            Quartiles.Of(rnnGenOne),
            Quartiles.Of(libTorchOne),
            Quartiles.Of(rnnGenTwo),
            Quartiles.Of(libTorchTwo),
            Ratios(libTorchOne, rnnGenOne),
            Ratios(libTorchTwo, rnnGenTwo),
            Ratios(rnnGenOne, rnnGenTwo),
            Ratios(libTorchOne, libTorchTwo));

    private static Quartiles Ratios(double[] numerators, double[] denominators) =>
        Quartiles.Of(numerators.Zip(denominators, (n, d) => n / d));
}
