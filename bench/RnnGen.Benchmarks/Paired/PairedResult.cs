namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// A training case timed in alternating rounds (<see cref="AlternatingRounds"/>): each side's time per step on one and
/// on two threads, and the ratios taken within each round — libtorch's time over RnnGen's (the speedup) and each
/// side's one-thread time over its two-thread time — summarized over the rounds. <see cref="RnnGenTwoAtOnce"/> is the
/// time of two independent one-thread RnnGen steps run at once (<see cref="ConcurrentSteps"/>), and
/// <see cref="RnnGenCeiling"/> the work of two one-thread steps per time they took together: the scaling two threads
/// could reach if splitting one step cost nothing. <see cref="RnnGenShareOfCeiling"/> is RnnGen's scaling over the
/// ceiling of the same round, which comes to the time of the two steps at once over two two-thread steps' time: the
/// VM's speed, which moves both figures from minute to minute, cancels out of it. <see cref="CoreRoundTrip"/> is the
/// time a cache line took to go from one core to the other and back, measured at the start of every round
/// (<see cref="Support.CoreRoundTrip"/>): what every line the two threads of a step hand each other costs at that
/// moment, which the ceiling (two steps that share nothing) does not see. <see cref="RnnGenOneThreadByProcessor"/> and
/// <see cref="LibTorchOneThreadByProcessor"/> split the one-thread times by the vCPU each turn started and ended on:
/// this VM's two do not always run a thread at the same speed.
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
    Quartiles LibTorchScaling,
    Quartiles RnnGenTwoAtOnce,
    Quartiles RnnGenCeiling,
    Quartiles RnnGenShareOfCeiling,
    Quartiles CoreRoundTrip,
    TimesByProcessor RnnGenOneThreadByProcessor,
    TimesByProcessor LibTorchOneThreadByProcessor)
{
    /// <summary>
    /// From nanoseconds per step [round] of RnnGen and libtorch on one thread, then on two, then of two one-thread
    /// RnnGen steps at once, the core-to-core round trip in nanoseconds [round], and the processor [round] each
    /// one-thread turn of RnnGen and of libtorch started and ended on.
    /// </summary>
    public static PairedResult From(
        string @case, double[] rnnGenOne, double[] libTorchOne, double[] rnnGenTwo, double[] libTorchTwo, double[] rnnGenTwoAtOnce, double[] roundTrips,
        int[] rnnGenOneProcessors, int[] libTorchOneProcessors) =>
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
            Ratios(libTorchOne, libTorchTwo),
            Quartiles.Of(rnnGenTwoAtOnce),
            Ratios(rnnGenOne.Select(t => 2 * t).ToArray(), rnnGenTwoAtOnce),
            Ratios(rnnGenTwoAtOnce, rnnGenTwo.Select(t => 2 * t).ToArray()),
            Quartiles.Of(roundTrips),
            TimesByProcessor.Of(rnnGenOne, rnnGenOneProcessors),
            TimesByProcessor.Of(libTorchOne, libTorchOneProcessors));

    private static Quartiles Ratios(double[] numerators, double[] denominators) =>
        Quartiles.Of(numerators.Zip(denominators, (n, d) => n / d));
}
