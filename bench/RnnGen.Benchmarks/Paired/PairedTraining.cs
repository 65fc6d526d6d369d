using System.Globalization;
using RnnGen.Benchmarks.LibTorch;
using RnnGen.Benchmarks.Models;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// The training cases of the benchmark (LSTM and GRU, batch 64 and 8) timed in alternating rounds: RnnGen and
/// libtorch, each on one and on two threads, take turns within every round, so their ratios compare steps run
/// under nearly the same machine speed. Issue 4's training targets are ratios (≥ 1.3×, ≥ 2×, ≥ 4× libtorch; two
/// threads ≥ 1.7× one), which the medians of BenchmarkDotNet's separate benchmarks measure minutes apart. A fifth
/// contender runs two independent one-thread RnnGen steps at once (<see cref="ConcurrentSteps"/>): the most two
/// threads can give on this machine at that moment, against which the two-thread step's scaling can be read. Each
/// round starts with a measurement of the core-to-core round trip (<see cref="CoreRoundTrip"/>), the VM's other
/// moving part.
/// </summary>
internal static class PairedTraining
{
    /// <summary>Rounds of the full run (a multiple of the ten orders of five contenders): about two minutes for the four cases.</summary>
    public const int FullRounds = 40;

    private const int QuickRounds = 10;

    /// <summary>How long each contender runs in a round of the full run and of --quick.</summary>
    public static readonly TimeSpan FullTurn = TimeSpan.FromMilliseconds(120);

    public static readonly TimeSpan QuickTurn = TimeSpan.FromMilliseconds(40);

    /// <summary>Every case in the order of the benchmark catalog; a case whose setup or steps failed is null (the error is printed).</summary>
    public static IReadOnlyList<(string Case, PairedResult? Result)> Run(bool quick)
    {
        var results = new List<(string, PairedResult?)>();
        foreach (int batch in (int[])[64, 8])
        {
            results.Add(Measure($"lstm-train-b{batch}", () => TrainingPair.Lstm(batch), () => ClassifierTraining.Lstm(batch), quick));
            results.Add(Measure($"gru-train-b{batch}", () => TrainingPair.Gru(batch), () => ClassifierTraining.Gru(batch), quick));
        }

        UseThreads(1);
        return results;
    }

    // other: a second RnnGen model of the case, whose one-thread steps run beside the first's in the fifth contender.
    private static (string, PairedResult?) Measure(string name, Func<TrainingPair> create, Func<ClassifierTraining> other, bool quick)
    {
        Console.WriteLine($"// Paired rounds: {name}");
        try
        {
            UseThreads(1);
            using TrainingPair pair = create();
            using var concurrent = new ConcurrentSteps(other().Step);
            Heap.Settle();
            // RnnGen and libtorch on one thread, then on two, then two one-thread RnnGen steps at once: the order
            // PairedResult.From takes them in
            Contender[] contenders =
            [
                new(1, pair.RnnGen.Step),
                new(1, pair.LibTorch.Step),
                new(2, pair.RnnGen.Step),
                new(2, pair.LibTorch.Step),
                new(1, () => concurrent.Run(pair.RnnGen.Step)),
            ];
            double[][] times = AlternatingRounds.Run(
                contenders, quick ? QuickRounds : FullRounds, quick ? QuickTurn : FullTurn, UseThreads, () => CoreRoundTrip.Measure(), out double[] roundTrips, out int[][] processors);
            Console.WriteLine($"// {name}: core round trip by round (ns): {string.Join(" ", roundTrips.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))}");
            Console.WriteLine($"// {name}: RnnGen's two-thread scaling by round: {string.Join(" ", times[0].Zip(times[2], (one, two) => (one / two).ToString("F2", CultureInfo.InvariantCulture)))}");
            return (name, PairedResult.From(name, times[0], times[1], times[2], times[3], times[4], roundTrips, processors[0], processors[1]));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Paired rounds of {name} failed: {e}");
            return (name, null);
        }
    }

    private static void UseThreads(int threads)
    {
        Torch.UseThreads(threads);
        Parallelism.Threads = threads;
    }
}
