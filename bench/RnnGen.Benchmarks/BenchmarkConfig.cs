using System.Runtime.Intrinsics;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;
using RnnGen.Benchmarks.Benchmarks;

namespace RnnGen.Benchmarks;

/// <summary>The BenchmarkDotNet configuration of the full run and of <c>--quick</c>.</summary>
internal static class BenchmarkConfig
{
    /// <summary>
    /// Benchmarks run in this process (BenchmarkDotNet's in-process toolchain): the child project that the default
    /// toolchain builds would copy the 500 MB of libtorch again and need its own GLIBCXX patch. The quick job
    /// trades statistical depth for a run of about two minutes; the full job is BenchmarkDotNet's default.
    /// </summary>
    public static IConfig Create(bool quick)
    {
        Job job = quick
            ? Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(6)
                .WithIterationCount(7)
                .WithIterationTime(TimeInterval.FromMilliseconds(80))
                .WithId("Quick")
            : Job.Default.WithId("Full");

        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job.WithToolchain(InProcessEmitToolchain.Instance))
            .AddFilter(new SimpleFilter(benchmark =>
                benchmark.Descriptor.WorkloadMethod.Name != nameof(PeakFlopsBenchmarks.Fma512) || Vector512.IsHardwareAccelerated))
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
    }
}
