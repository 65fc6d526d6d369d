using System.Diagnostics;

namespace RnnGen.Benchmarks.Paired;

/// <summary>One of the operations timed in alternation, with the thread count both libraries get while it runs.</summary>
internal sealed record Contender(string Name, int Threads, Action Operation);

/// <summary>
/// Times several operations in rounds that take turns, a fraction of a second each, so that every contender runs
/// under nearly the same machine speed as the others in its round. On this shared VM the speed drifts by 20–40 %
/// over minutes, and BenchmarkDotNet, which finishes one benchmark before it starts the next, lets that drift into
/// the ratio of two medians; the ratio of two timings a few hundred milliseconds apart leaves most of it out.
/// </summary>
internal static class AlternatingRounds
{
    /// <summary>
    /// Nanoseconds per operation of each contender in each round, [contender][round]. Each contender is first warmed
    /// up (the JIT's tiers, libtorch's caches) and calibrated to the number of operations that fills
    /// <paramref name="turn"/>; every round then runs each contender for that many operations, starting from a
    /// different contender each round so that none always follows the same one. The thread count is set before each
    /// turn and one untimed operation absorbs the switch.
    /// </summary>
    public static double[][] Run(IReadOnlyList<Contender> contenders, int rounds, TimeSpan turn, Action<int> useThreads)
    {
        int[] operations = contenders.Select(c => Calibrate(c, turn, useThreads)).ToArray();
        double[][] nanoseconds = contenders.Select(_ => new double[rounds]).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int i = 0; i < contenders.Count; i++)
            {
                int c = (round + i) % contenders.Count;
                nanoseconds[c][round] = Turn(contenders[c], operations[c], useThreads);
            }
        }

        return nanoseconds;
    }

    private static double Turn(Contender contender, int operations, Action<int> useThreads)
    {
        useThreads(contender.Threads);
        contender.Operation();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < operations; i++)
        {
            contender.Operation();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / operations;
    }

    // Runs the operation for three turns' worth of time (at least ten operations: the JIT promotes a method to its
    // optimized tier after 30 calls, and a training step makes many) and returns how many fill one turn.
    private static int Calibrate(Contender contender, TimeSpan turn, Action<int> useThreads)
    {
        useThreads(contender.Threads);
        long start = Stopwatch.GetTimestamp();
        int count = 0;
        while (count < 10 || Stopwatch.GetElapsedTime(start) < 3 * turn)
        {
            contender.Operation();
            count++;
        }

        double perOperation = Turn(contender, count, useThreads);
        return Math.Max(1, (int)Math.Round(turn.TotalNanoseconds / perOperation));
    }
}
