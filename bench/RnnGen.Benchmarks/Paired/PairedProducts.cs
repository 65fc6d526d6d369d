using System.Runtime.Intrinsics;
using RnnGen.Benchmarks.Benchmarks;
using RnnGen.Benchmarks.Models;
using RnnGen.Benchmarks.Reporting;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// The matrix products of the batch-64 training steps (<see cref="TrainingProducts"/>) timed in alternating rounds
/// with the FMA peak loops and with the whole one-thread steps they belong to, so that their fraction of peak and their
/// share of the step are ratios of timings taken under the same machine speed. BenchmarkDotNet measures the peak
/// first, the steps later and the products last, minutes apart, and on this VM the speed changes by a fifth within a
/// minute: the products' share of the step has come out above 100 % there.
/// </summary>
internal static class PairedProducts
{
    // Where the peak loops' results go: discarded, they let the JIT drop the multiply-adds and time an empty loop.
    private static float s_sink;

    /// <summary>The cases of <see cref="ProductsCase.All"/>, in its order; null if the setup or a turn failed (the error is printed).</summary>
    public static IReadOnlyList<PairedProductsResult>? Run(bool quick)
    {
        Console.WriteLine("// Paired rounds: products, peak and step");
        try
        {
            Parallelism.Threads = 1;
            var peak = new PeakFlopsBenchmarks();

            // The peak loops first (Vector512 only where it runs in hardware, as in BenchmarkDotNet's run), then each
            // case's products and its whole step: the order the results below take them in.
            var contenders = new List<Contender> { new(1, () => s_sink += peak.Fma256()) };
            if (Vector512.IsHardwareAccelerated)
            {
                contenders.Add(new(1, () => s_sink += peak.Fma512()));
            }

            int peaks = contenders.Count;
            foreach (ProductsCase c in ProductsCase.All)
            {
                var products = new TrainingProducts(c.GatesPerUnit, TrainingProductsBenchmarks.Batch);
                ClassifierTraining step = c.GatesPerUnit == 4
                    ? ClassifierTraining.Lstm(TrainingProductsBenchmarks.Batch)
                    : ClassifierTraining.Gru(TrainingProductsBenchmarks.Batch);
                contenders.Add(new(1, products.Run));
                contenders.Add(new(1, step.Step));
            }

            Heap.Settle();
            // One cycle of orders with --quick; about as many rounds as the training cases' otherwise, in whole cycles.
            int cycle = AlternatingRounds.RoundsPerCycle(contenders.Count);
            int rounds = quick ? cycle : cycle * (int)Math.Ceiling((double)PairedTraining.FullRounds / cycle);
            double[][] times = AlternatingRounds.Run(
                contenders, rounds, quick ? PairedTraining.QuickTurn : PairedTraining.FullTurn, threads => Parallelism.Threads = threads);

            // Each round's peak is the faster of its loops, as BenchmarkDotNet's peak is.
            double[] peakGflops = Enumerable.Range(0, rounds)
                .Select(round => Enumerable.Range(0, peaks).Max(p => PeakFlopsBenchmarks.FlopsPerOperation(p == 0 ? Vector256<float>.Count : Vector512<float>.Count) / times[p][round]))
                .ToArray();
            return ProductsCase.All
                .Select((c, i) => PairedProductsResult.From(c, times[peaks + (2 * i)], times[peaks + (2 * i) + 1], peakGflops))
                .ToArray();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Paired rounds of the products failed: {e}");
            return null;
        }
    }
}
