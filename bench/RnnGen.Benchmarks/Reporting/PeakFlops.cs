using System.Runtime.Intrinsics;
using BenchmarkDotNet.Reports;
using RnnGen.Benchmarks.Benchmarks;

namespace RnnGen.Benchmarks.Reporting;

/// <summary>The single-core FMA peak measured by <see cref="PeakFlopsBenchmarks"/>: the faster vector width.</summary>
internal sealed record PeakFlops(double Gflops, string Width)
{
    /// <exception cref="InvalidOperationException">No FMA benchmark produced a result, so no fraction of peak can be given.</exception>
    public static PeakFlops From(IEnumerable<Summary> summaries)
    {
        PeakFlops[] measured = summaries
            .SelectMany(s => s.Reports)
            .Where(r => r.BenchmarkCase.Descriptor.Type == typeof(PeakFlopsBenchmarks) && r.ResultStatistics is not null)
            .Select(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(PeakFlopsBenchmarks.Fma512)
                ? new PeakFlops(PeakFlopsBenchmarks.FlopsPerOperation(Vector512<float>.Count) / r.ResultStatistics!.Median, "Vector512")
                : new PeakFlops(PeakFlopsBenchmarks.FlopsPerOperation(Vector256<float>.Count) / r.ResultStatistics!.Median, "Vector256"))
            .ToArray();
        return measured.Length > 0
            ? measured.MaxBy(p => p.Gflops)!
            : throw new InvalidOperationException("The FMA peak benchmarks produced no result; see BenchmarkDotNet's log above.");
    }
}
