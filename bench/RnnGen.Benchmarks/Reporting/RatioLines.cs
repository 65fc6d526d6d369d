using System.Globalization;

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

    private static string Number(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "NA";
}
