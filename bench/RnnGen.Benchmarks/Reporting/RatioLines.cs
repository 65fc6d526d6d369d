using System.Globalization;
using RnnGen.Benchmarks.Paired;

namespace RnnGen.Benchmarks.Reporting;

/// <summary>
/// The machine-readable summary: one line per case,
/// <c>RATIO case=… threads=… rnngen_ns=… libtorch_ns=… speedup=… rnngen_alloc_bytes=… gflops=… peak_fraction=…</c>,
/// then one per case run on one and two threads,
/// <c>SCALING case=… rnngen_median=… rnngen_fastest=… libtorch_median=… libtorch_fastest=…</c> (one-thread time over two-thread time),
/// then one per training case whose matrix products were also timed alone,
/// <c>PRODUCTS case=… threads=1 products_ns=… gflops=… peak_fraction=… fastest_peak_fraction=… share_of_step=…</c>.
/// </summary>
/// <remarks>
/// <c>gflops</c> and <c>peak_fraction</c> are RnnGen's; the fraction is of the single-core FMA peak times the
/// case's threads. A value that a failed
/// benchmark did not produce is written <c>NA</c>.
/// </remarks>
internal static class RatioLines
{
    public static IEnumerable<string> Format(IEnumerable<CaseResult> results, IEnumerable<ProductsResult> products) =>
        results.Select(r =>
            $"RATIO case={r.Case.Name} threads={r.Case.Threads} " +
            $"rnngen_ns={Number(r.RnnGen?.MedianNanoseconds, "F1")} libtorch_ns={Number(r.LibTorch?.MedianNanoseconds, "F1")} " +
            $"speedup={Number(r.Speedup, "F2")} rnngen_alloc_bytes={Number(r.RnnGen?.AllocatedBytes, "F0")} " +
            $"gflops={Number(r.RnnGenGflops, "F2")} peak_fraction={Number(r.RnnGenPeakFraction, "F3")}")
        .Concat(ThreadScaling.From(results.ToArray()).Select(s =>
            $"SCALING case={s.Case} rnngen_median={Number(s.RnnGenByMedian, "F2")} rnngen_fastest={Number(s.RnnGenByMinimum, "F2")} " +
            $"libtorch_median={Number(s.LibTorchByMedian, "F2")} libtorch_fastest={Number(s.LibTorchByMinimum, "F2")}"))
        .Concat(products.Select(p =>
            $"PRODUCTS case={p.Case.Case} threads=1 products_ns={Number(p.Products?.MedianNanoseconds, "F1")} " +
            $"gflops={Number(p.Gflops, "F2")} peak_fraction={Number(p.PeakFraction, "F3")} " +
            $"fastest_peak_fraction={Number(p.FastestPeakFraction, "F3")} share_of_step={Number(p.ShareOfStep, "F3")}"));

    /// <summary>
    /// The training cases timed in alternating rounds: per case and thread count
    /// <c>PAIRED case=… threads=… rounds=… rnngen_ns=… libtorch_ns=… speedup=… speedup_q1=… speedup_q3=…</c>
    /// (medians of the rounds' times and of the rounds' libtorch/RnnGen ratios, with the ratios' quartiles), then per case
    /// <c>PAIRED_SCALING case=… rounds=… rnngen=… rnngen_q1=… rnngen_q3=… libtorch=… libtorch_q1=… libtorch_q3=… ceiling=… ceiling_q1=… ceiling_q3=… of_ceiling=… of_ceiling_q1=… of_ceiling_q3=… round_trip_ns=… round_trip_ns_q1=… round_trip_ns_q3=…</c>
    /// (one-thread time over two-thread time, round by round; the ceiling is two one-thread RnnGen steps' time over the
    /// time two independent ones took at once; of_ceiling is RnnGen's scaling over the ceiling, round by round;
    /// round_trip_ns the core-to-core round trip of a cache line at the start of the rounds), then per case and side
    /// <c>PAIRED_CPU case=… side=rnngen|libtorch threads=1 cpu0_ns=… cpu0_turns=… cpu1_ns=… cpu1_turns=… unplaced_turns=…</c>
    /// (the one-thread turns' median and count per vCPU each started and ended on, one pair for each vCPU that ran a
    /// turn, in ascending number; unplaced turns started on one and ended on another, or could not ask; a failed case
    /// gives only <c>unplaced_turns=NA</c>).
    /// </summary>
    public static IEnumerable<string> Paired(IReadOnlyList<(string Case, PairedResult? Result)> paired) =>
        paired.SelectMany(p => (int[])[1, 2], (p, threads) =>
            $"PAIRED case={p.Case} threads={threads} rounds={Number(p.Result?.Rounds, "F0")} " +
            $"rnngen_ns={Number((threads == 1 ? p.Result?.RnnGenOneThread : p.Result?.RnnGenTwoThreads)?.Median, "F1")} " +
            $"libtorch_ns={Number((threads == 1 ? p.Result?.LibTorchOneThread : p.Result?.LibTorchTwoThreads)?.Median, "F1")} " +
            Spread("speedup", threads == 1 ? p.Result?.SpeedupOneThread : p.Result?.SpeedupTwoThreads))
        .Concat(paired.Select(p =>
            $"PAIRED_SCALING case={p.Case} rounds={Number(p.Result?.Rounds, "F0")} " +
            $"{Spread("rnngen", p.Result?.RnnGenScaling)} {Spread("libtorch", p.Result?.LibTorchScaling)} {Spread("ceiling", p.Result?.RnnGenCeiling)} " +
            $"{Spread("of_ceiling", p.Result?.RnnGenShareOfCeiling, "F3")} {Spread("round_trip_ns", p.Result?.CoreRoundTrip, "F0")}"))
        .Concat(paired.SelectMany(p => (string[])["rnngen", "libtorch"], (p, side) =>
            $"PAIRED_CPU case={p.Case} side={side} threads=1 " +
            ProcessorFields(side == "rnngen" ? p.Result?.RnnGenOneThreadByProcessor : p.Result?.LibTorchOneThreadByProcessor)));

    /// <summary>
    /// The batch-64 products timed in alternating rounds with the FMA peak and the whole one-thread step, one line per case:
    /// <c>PAIRED_PRODUCTS case=… threads=1 rounds=… products_ns=… step_ns=… peak_gflops=… peak_fraction=… peak_fraction_q1=… peak_fraction_q3=… share_of_step=… share_of_step_q1=… share_of_step_q3=…</c>
    /// (medians of the rounds' times and peaks; the fraction of the round's peak and the share of the round's step, with quartiles).
    /// </summary>
    public static IEnumerable<string> PairedProducts(IReadOnlyList<PairedProductsResult>? results) =>
        ProductsCase.All.Select(c => PairedProductsLine(c, results?.Single(r => r.Case == c)));

    private static string PairedProductsLine(ProductsCase c, PairedProductsResult? r) =>
        $"PAIRED_PRODUCTS case={c.Case} threads=1 rounds={Number(r?.Rounds, "F0")} " +
        $"products_ns={Number(r?.Products.Median, "F1")} step_ns={Number(r?.Step.Median, "F1")} peak_gflops={Number(r?.PeakGflops.Median, "F2")} " +
        $"{Spread("peak_fraction", r?.PeakFraction, "F3")} {Spread("share_of_step", r?.ShareOfStep, "F3")}";

    private static string ProcessorFields(TimesByProcessor? byProcessor) =>
        byProcessor is null ? "unplaced_turns=NA"
        : string.Concat(byProcessor.Groups.Select(g => $"cpu{g.Processor}_ns={Number(g.Median, "F1")} cpu{g.Processor}_turns={g.Turns} "))
            + $"unplaced_turns={byProcessor.Unplaced}";

    private static string Spread(string name, Quartiles? quartiles, string format = "F2") =>
        $"{name}={Number(quartiles?.Median, format)} {name}_q1={Number(quartiles?.First, format)} {name}_q3={Number(quartiles?.Third, format)}";

    private static string Number(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "NA";
}
