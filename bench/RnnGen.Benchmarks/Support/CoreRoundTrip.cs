using System.Diagnostics;

namespace RnnGen.Benchmarks.Support;

/// <summary>
/// How long one cache line takes to go from one core to the other and back: a second thread answers each write of the
/// caller's with a write of its own, and the time per exchange is the round trip. Every line the two threads of a
/// training step hand each other (updated weights, a time loop's shared state) pays part of it. On this 2-vCPU VM it is
/// not a constant: within one evening it moved between about 100 ns and about 500 ns from one minute to the next (where
/// the host happens to place the two vCPUs), while the FMA peak stayed where it was. With one processor there is no
/// other core to measure against, and the result is NaN.
/// </summary>
internal static class CoreRoundTrip
{
    /// <summary>Exchanges per measurement: 2–10 ms at 100–500 ns each, short beside a round of the paired benchmark.</summary>
    public const int DefaultExchanges = 20_000;

    // The line the two threads write: the middle of a 128-byte array, so that nothing else shares it.
    private static readonly long[] s_line = GC.AllocateArray<long>(16, pinned: true);

    /// <summary>Nanoseconds per round trip, the mean over <paramref name="exchanges"/> of them.</summary>
    public static double Measure(int exchanges = DefaultExchanges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exchanges, 2);
        if (Environment.ProcessorCount < 2)
        {
            return double.NaN; // the two threads would take turns on one core, a scheduler's time slice per exchange
        }

        ref long line = ref s_line[8];
        Volatile.Write(ref line, 0);
        var answerer = new Thread(() => Answer(exchanges)) { IsBackground = true, Name = "Core round trip" };
        answerer.Start();

        // the first exchange waits for the thread to start: it is not timed
        Volatile.Write(ref line, 1);
        WaitFor(ref line, 2);
        long start = Stopwatch.GetTimestamp();
        for (long i = 1; i < exchanges; i++)
        {
            Volatile.Write(ref line, (2 * i) + 1);
            WaitFor(ref line, 2 * (i + 1));
        }

        double nanoseconds = Stopwatch.GetElapsedTime(start).TotalNanoseconds / (exchanges - 1);
        answerer.Join();
        return nanoseconds;
    }

    private static void Answer(int exchanges)
    {
        ref long line = ref s_line[8];
        for (long i = 0; i < exchanges; i++)
        {
            WaitFor(ref line, (2 * i) + 1);
            Volatile.Write(ref line, 2 * (i + 1));
        }
    }

    private static void WaitFor(ref long line, long value)
    {
        // a bare spin: a pause per poll would add its own latency to every exchange, and each thread has a core
        while (Volatile.Read(ref line) != value)
        {
        }
    }
}
