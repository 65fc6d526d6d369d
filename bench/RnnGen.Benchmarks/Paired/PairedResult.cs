namespace RnnGen.Benchmarks.Paired;

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
