// RnnGen vs libtorch (TorchSharp-cpu), side by side in one BenchmarkDotNet run.
using BenchmarkDotNet.Running;
using RnnGen.Benchmarks;
using RnnGen.Benchmarks.Benchmarks;
using RnnGen.Benchmarks.Native;

bool quick = args.Contains("--quick");

// Before anything loads libtorch: the GLIBCXX_3.4.32 requirement of the copy in the output folder (see the class).
if (OperatingSystem.IsLinux())
{
    Console.WriteLine(LibTorchSharpPatch.EnsureLoadable(AppContext.BaseDirectory));
}

BenchmarkRunner.Run(
    [typeof(PeakFlopsBenchmarks), typeof(StepBenchmarks), typeof(ForwardBenchmarks), typeof(TrainingBenchmarks)],
    BenchmarkConfig.Create(quick));
