using System.Runtime.Intrinsics;
using RnnGen.Benchmarks.Benchmarks;
using RnnGen.Benchmarks.Models;
using RnnGen.Benchmarks.Reporting;
using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// The matrix products of the batch-64 training steps (<see cref="TrainingProducts"/>) timed in alternating rounds
/// with the FMA peak loop and with the whole one-thread steps they belong to, so that their fraction of peak and their
/// share of the step are ratios of timings taken under the same machine speed. BenchmarkDotNet measures the peak
/// first and the products last, minutes apart, and on this VM the speed changes by a fifth within a minute: its
/// products' share of the step has come out above 100 %.
/// </summary>
internal static class PairedProducts
{
    /// <summary>Rounds of the full run, a multiple of the five contenders' cycle (ten rounds).</summary>
    private const int FullRounds = 40;

    private const int QuickRounds = 10;

    private static readonly TimeSpan FullTurn = TimeSpan.FromMilliseconds(120);

    private static readonly TimeSpan QuickTurn = TimeSpan.FromMilliseconds(40);

    // Where the peak loop's result goes: discarded, it let the JIT drop the multiply-adds and time an empty loop.
    private static float s_sink;

    /// <summary>The LSTM case, then the GRU case; null for both if the setup or a turn failed (the error is printed).</summary>
    public static IReadOnlyList<PairedProductsResult>? Run(bool quick)
    {
        Console.WriteLine("// Paired rounds: products, peak and step");
        try
        {
            Parallelism.Threads = 1;
            var peak = new PeakFlopsBenchmarks();
            bool wide = Vector512.IsHardwareAccelerated;
            var lstmProducts = new TrainingProducts(gatesPerUnit: 4, TrainingProductsBenchmarks.Batch);
            var gruProducts = new TrainingProducts(gatesPerUnit: 3, TrainingProductsBenchmarks.Batch);
            var lstmStep = ClassifierTraining.Lstm(TrainingProductsBenchmarks.Batch);
            var gruStep = ClassifierTraining.Gru(TrainingProductsBenchmarks.Batch);
            Heap.Settle();
            Contender[] contenders =
            [
                new(1, wide ? () => s_sink += peak.Fma512() : () => s_sink += peak.Fma256()),
                new(1, lstmProducts.Run),
                new(1, lstmStep.Step),
                new(1, gruProducts.Run),
                new(1, gruStep.Step),
            ];
            double[][] times = AlternatingRounds.Run(contenders, quick ? QuickRounds : FullRounds, quick ? QuickTurn : FullTurn, threads => Parallelism.Threads = threads);
            double peakFlops = PeakFlopsBenchmarks.FlopsPerOperation(wide ? Vector512<float>.Count : Vector256<float>.Count);
            double[] peakGflops = times[0].Select(ns => peakFlops / ns).ToArray();
            return
            [
                PairedProductsResult.From(ProductsCase.All[0], times[1], times[2], peakGflops),
                PairedProductsResult.From(ProductsCase.All[1], times[3], times[4], peakGflops),
            ];
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Paired rounds of the products failed: {e}");
            return null;
        }
        finally
        {
            Parallelism.Threads = 1;
        }
    }
}
