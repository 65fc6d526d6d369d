using System.Diagnostics;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// Times several operations in rounds that take turns, a fraction of a second each, so that every contender runs
/// under nearly the same machine speed as the others in its round. On this shared VM the speed drifts by 20–40 %
/// over minutes, and BenchmarkDotNet, which finishes one benchmark before it starts the next, lets that drift into
/// the ratio of two medians; the ratio of two timings a few hundred milliseconds apart leaves most of it out.
/// </summary>
internal static class AlternatingRounds
{
    // Longer than the kernel workers (and ConcurrentSteps' thread) spin for more work before they sleep.
    private static readonly TimeSpan WorkersAsleep = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Nanoseconds per operation of each contender in each round, [contender][round]. Each contender is first warmed
    /// up (the JIT's tiers, libtorch's caches) and calibrated to the number of operations that fills
    /// <paramref name="turn"/>; every round then runs each contender for that many operations. The order within the
    /// rounds follows a Williams design: over every <see cref="RoundsPerCycle"/> rounds each contender comes first
    /// equally often and, within the rounds, follows every other equally often, so that what one leaves behind
    /// (caches, a worker thread still spinning) weighs on all alike. The thread count is set before each turn and one
    /// untimed operation absorbs the switch.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two contenders, or rounds not a positive multiple of <see cref="RoundsPerCycle"/>.</exception>
    public static double[][] Run(IReadOnlyList<Contender> contenders, int rounds, TimeSpan turn, Action<int> useThreads) =>
        Run(contenders, rounds, turn, useThreads, probe: null, out _, out _);

    /// <summary>
    /// As <see cref="Run(IReadOnlyList{Contender}, int, TimeSpan, Action{int})"/>, and at the start of every round, on
    /// one thread once the workers of the previous turn have gone to sleep, <paramref name="probe"/> measures the
    /// machine's state (<paramref name="probed"/>[round]). <paramref name="processors"/>[contender][round] is the
    /// processor the timing thread started and ended each turn on (<see cref="CurrentProcessor.Unknown"/> where those
    /// differ or it cannot be asked): for a one-thread contender, the one its operation started and ended on.
    /// </summary>
    public static double[][] Run(
        IReadOnlyList<Contender> contenders, int rounds, TimeSpan turn, Action<int> useThreads, Func<double>? probe, out double[] probed, out int[][] processors)
    {
        int count = contenders.Count;
        if (count < 2)
        {
            throw new ArgumentException($"Alternating rounds need at least two contenders; got {count}.", nameof(contenders));
        }

        if (rounds < 1 || rounds % RoundsPerCycle(count) != 0)
        {
            throw new ArgumentException($"Alternating rounds of {count} contenders come in multiples of {RoundsPerCycle(count)}; got {rounds}.", nameof(rounds));
        }

        int[] operations = contenders.Select(c => Calibrate(c, turn, useThreads)).ToArray();
        double[][] nanoseconds = contenders.Select(_ => new double[rounds]).ToArray();
        processors = contenders.Select(_ => new int[rounds]).ToArray();
        probed = new double[probe is null ? 0 : rounds];
        for (int round = 0; round < rounds; round++)
        {
            if (probe is not null)
            {
                useThreads(1);
                Thread.Sleep(WorkersAsleep);
                probed[round] = probe();
            }

            for (int position = 0; position < count; position++)
            {
                int c = WilliamsOrder(count, round, position);
                nanoseconds[c][round] = Turn(contenders[c], operations[c], useThreads, out processors[c][round]);
            }
        }

        return nanoseconds;
    }

    /// <summary>
    /// Rounds after which the order has given every contender every turn: one Latin square of them when their number
    /// is even, a square and its mirror image when it is odd.
    /// </summary>
    public static int RoundsPerCycle(int contenders) => contenders % 2 == 0 ? contenders : 2 * contenders;

    /// <summary>
    /// The contender at <paramref name="position"/> of <paramref name="round"/>: the first round is 0, 1, n − 1, 2,
    /// n − 2, …, and each next round adds 1 (mod n). For four: 0 1 3 2, 1 2 0 3, 2 3 1 0, 3 0 2 1. With an odd number
    /// every second block of n rounds runs the same orders backwards (for three: 0 1 2, 1 2 0, 2 0 1, then 2 1 0,
    /// 0 2 1, 1 0 2), without which a square of odd order has some contender follow another more often.
    /// </summary>
    private static int WilliamsOrder(int n, int round, int position)
    {
        if (n % 2 != 0 && (round / n) % 2 == 1)
        {
            position = n - 1 - position;
        }

        int k = (position + 1) / 2;
        int first = position % 2 == 1 ? k : (n - k) % n;
        return (first + round) % n;
    }

    private static double Turn(Contender contender, int operations, Action<int> useThreads, out int processor)
    {
        useThreads(contender.Threads);
        contender.Operation();
        int first = CurrentProcessor.Id();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < operations; i++)
        {
            contender.Operation();
        }

        double nanoseconds = Stopwatch.GetElapsedTime(start).TotalNanoseconds / operations;
        processor = CurrentProcessor.Id() == first ? first : CurrentProcessor.Unknown;
        return nanoseconds;
    }

    // Warms the operation up for at least three turns' worth of time and at least 30 operations (the JIT promotes a
    // method to its optimized tier after 30 calls), times as many again, and returns how many operations fill a turn.
    private static int Calibrate(Contender contender, TimeSpan turn, Action<int> useThreads)
    {
        useThreads(contender.Threads);
        long start = Stopwatch.GetTimestamp();
        int count = 0;
        while (count < 30 || Stopwatch.GetElapsedTime(start) < 3 * turn)
        {
            contender.Operation();
            count++;
        }

        double perOperation = Turn(contender, count, useThreads, out _);
        return Math.Max(1, (int)Math.Round(turn.TotalNanoseconds / perOperation));
    }
}
