using BenchmarkDotNet.Reports;
using RnnGen.Benchmarks.Benchmarks;

namespace RnnGen.Benchmarks.Reporting;

/// <summary>
/// One side's figures for a case: the median and the fastest of BenchmarkDotNet's iterations (each the mean of many
/// operations), and the managed bytes allocated per operation.
/// </summary>
internal sealed record Measurement(double MedianNanoseconds, double MinimumNanoseconds, long? AllocatedBytes)
{
    /// <summary>Achieved GFLOP/s for an operation of <paramref name="flops"/> FLOPs (FLOPs per ns = GFLOP/s).</summary>
    public double Gflops(double flops) => flops / MedianNanoseconds;

    /// <summary>The figures of a report, or null where there is none or its benchmark failed.</summary>
    public static Measurement? Of(BenchmarkReport? report) =>
        report?.ResultStatistics is { } statistics
            ? new Measurement(statistics.Median, statistics.Min, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase))
            : null;
}

/// <summary>
/// A case's figures on both sides; a side is null where it has no such case or where its benchmark produced no
/// result (it failed, and BenchmarkDotNet's log says why).
/// </summary>
internal sealed record CaseResult(BenchmarkCase Case, Measurement? RnnGen, Measurement? LibTorch, double PeakGflops)
{
    /// <summary>libtorch's time over RnnGen's: above 1 where RnnGen is faster.</summary>
    public double? Speedup => RnnGen is null || LibTorch is null ? null : LibTorch.MedianNanoseconds / RnnGen.MedianNanoseconds;

    /// <summary>RnnGen's GFLOP/s.</summary>
    public double? RnnGenGflops => RnnGen?.Gflops(Case.Flops);

    /// <summary>libtorch's GFLOP/s.</summary>
    public double? LibTorchGflops => LibTorch?.Gflops(Case.Flops);

    /// <summary>RnnGen's GFLOP/s over the peak of the cores it used (single-core FMA peak × threads).</summary>
    public double? RnnGenPeakFraction => RnnGenGflops / (PeakGflops * Case.Threads);

    /// <summary>libtorch's GFLOP/s over the peak of the cores it used.</summary>
    public double? LibTorchPeakFraction => LibTorchGflops / (PeakGflops * Case.Threads);

    /// <summary>Whether every benchmark the case names produced a result.</summary>
    public bool IsComplete => LibTorch is not null && (Case.RnnGenMethod is null || RnnGen is not null);

    /// <summary>Pairs each catalog case with the reports of its benchmarks.</summary>
    public static IReadOnlyList<CaseResult> From(IEnumerable<Summary> summaries, PeakFlops peak)
    {
        BenchmarkReport[] reports = summaries.SelectMany(s => s.Reports).ToArray();
        return BenchmarkCatalog.Cases
            .Select(c => new CaseResult(
                c,
                c.RnnGenMethod is null ? null : Measure(reports, c, c.RnnGenMethod),
                Measure(reports, c, c.LibTorchMethod),
                peak.Gflops))
            .ToArray();
    }

    private static Measurement? Measure(IEnumerable<BenchmarkReport> reports, BenchmarkCase @case, string method) =>
        Measurement.Of(reports.SingleOrDefault(r =>
            r.BenchmarkCase.Descriptor.Type == @case.Benchmarks
            && r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && (@case.Batch is null || Equals(r.BenchmarkCase.Parameters[nameof(TrainingBenchmarks.Batch)], @case.Batch))));
}
