using System.Globalization;
using System.Text;
using RnnGen.Benchmarks.Benchmarks;
using RnnGen.Benchmarks.Paired;

namespace RnnGen.Benchmarks.Reporting;

/// <summary>Writes bench/RESULTS.md from a full run: the machine line, the table, and how to rerun.</summary>
internal static class ResultsMarkdown
{
    /// <summary>The command that produces the file, run from the repository root.</summary>
    public const string RerunCommand = "dotnet run -c Release --project bench/RnnGen.Benchmarks";

    public static string Format(MachineInfo machine, PeakFlops peak, IReadOnlyList<CaseResult> results, IReadOnlyList<ProductsResult> products, IReadOnlyList<(string Case, PairedResult? Result)> paired, IReadOnlyList<PairedProductsResult>? pairedProducts, string loadBefore, string loadAfter, DateTime finishedUtc)
    {
        var text = new StringBuilder();
        text.AppendLine("# RnnGen vs libtorch: benchmark results");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Single-core FMA peak measured in the same run: {Number(peak.Gflops, "F1")} GFLOP/s ({peak.Width}, ten register-resident accumulators). " +
            $"Load average (1, 5, 15 min) {loadBefore} before the run and {loadAfter} after; finished {finishedUtc:yyyy-MM-dd HH:mm} UTC.");
        text.AppendLine();
        text.AppendLine("| case | work per operation | threads | RnnGen median | libtorch median | speedup | RnnGen fastest | libtorch fastest | RnnGen B/op | libtorch B/op | RnnGen GFLOP/s | libtorch GFLOP/s | RnnGen % of peak | libtorch % of peak |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (CaseResult r in results)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Case.Name} | {r.Case.Work} | {r.Case.Threads} | {Time(r.RnnGen, r.Case.RnnGenMethod)} | {Time(r.LibTorch, r.Case.LibTorchMethod)} | " +
                $"{Speedup(r.Speedup)} | {Time(r.RnnGen, r.Case.RnnGenMethod, fastest: true)} | {Time(r.LibTorch, r.Case.LibTorchMethod, fastest: true)} | " +
                $"{Number(r.RnnGen?.AllocatedBytes, "N0")} | {Number(r.LibTorch?.AllocatedBytes, "N0")} | " +
                $"{Number(r.RnnGenGflops, "F1")} | {Number(r.LibTorchGflops, "F1")} | {Percent(r.RnnGenPeakFraction)} | {Percent(r.LibTorchPeakFraction)} |");
        }

        text.AppendLine();
        text.AppendLine("- Median of BenchmarkDotNet's default job, run in process; speedup is libtorch's median over RnnGen's (above 1: RnnGen faster). " +
            "Fastest is the fastest of the job's iterations (each the mean of many operations): on a shared VM whose speed drifts during a run, it shows the code apart from the drift.");
        text.AppendLine("- FLOPs count the matrix products only (a multiply-add is 2): an LSTM step is 2·4H·(I+H) per sequence, a GRU step 2·3H·(I+H); " +
            "a training step is 3× the forward (issue 4's estimate), and its forward includes the Dense(128→10) layer (2·128·10 per sequence). " +
            "Neither side computes the gradient of the network's input, so a training step makes 6 % fewer multiply-adds than that " +
            "(LSTM, batch 64: 807.9 against 859.3 MFLOP; the PRODUCTS figures count what is made), and its GFLOP/s and % of peak read 6.4 % high.");
        text.AppendLine("- % of peak is of the measured single-core FMA peak times the case's threads.");
        text.AppendLine("- Allocated bytes are managed allocations only (BenchmarkDotNet's MemoryDiagnoser); libtorch's native allocations are not counted. " +
            "The count is process-wide: while a case runs, another thread of this process allocates about 1.3–1.6 KB every few invocations, " +
            "which shows as a few bytes per operation on some RnnGen rows. A probe reading both counters around each RnnGen training step saw " +
            "0 bytes on the benchmark's own thread and those allocations on another; the unit tests assert 0 bytes per operation exactly.");
        text.AppendLine("- Both sides run the same weights (copied from RnnGen into the torch modules) on the same seeded inputs; each setup checks that their outputs agree within 1e-4 (1e-2 on the bfloat16 rows, where RnnGen's weights are rounded).");
        text.AppendLine("- Two threads: libtorch with torch.set_num_threads(2), RnnGen with Parallelism.Threads = 2 (time loops split by sequences, large products by rows; results bit-identical to one thread).");
        text.AppendLine();
        text.AppendLine("Two threads over one (one-thread time ÷ two-thread time; the fastest iteration is the mean of many operations too):");
        text.AppendLine();
        text.AppendLine("| case | RnnGen, by median | RnnGen, by fastest iteration | libtorch, by median | libtorch, by fastest iteration |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (ThreadScaling s in ThreadScaling.From(results))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Case} | {Speedup(s.RnnGenByMedian)} | {Speedup(s.RnnGenByMinimum)} | {Speedup(s.LibTorchByMedian)} | {Speedup(s.LibTorchByMinimum)} |");
        }

        text.AppendLine();
        text.AppendLine("What two threads could give at most on this machine, measured as two independent one-thread steps at once, is in the " +
            "alternating rounds below (the ceiling column).");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"The matrix products of a batch-{TrainingProductsBenchmarks.Batch} training step alone, one thread: the calls that the generated Forward and Backward make " +
            $"to MatrixKernels (input projection, packing W_hh, the per-step recurrent products, the Dense head, dH per step, dW_hh and dW_ih with the bias gradients they sum on the way), " +
            $"same shapes, same order, nothing else; FLOPs are those of the products made (the first layer's input gradient is not computed):");
        text.AppendLine();
        text.AppendLine("| training case | products' FLOPs | products median | GFLOP/s | % of peak | products fastest | % of peak, fastest | share of the step's median |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ProductsResult p in products)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {p.Case.Case} | {Number(p.Case.Flops / 1e6, "F1")} M | {Time(p.Products, p.Case.Method)} | {Number(p.Gflops, "F1")} | " +
                $"{Percent(p.PeakFraction)} | {Time(p.Products, p.Case.Method, fastest: true)} | {Percent(p.FastestPeakFraction)} | {Percent(p.ShareOfStep)} |");
        }
        text.AppendLine();
        text.AppendLine("The share of the step divides the products' median by the whole step's, measured minutes apart: when the VM's speed changed " +
            "in between, it is off, and it can pass 100 %. The rounds below take both within the same round.");
        text.AppendLine();
        AppendPairedProducts(text, pairedProducts);
        text.AppendLine();
        AppendPaired(text, paired);
        text.AppendLine();
        text.AppendLine("Rerun from the repository root, alone on the machine:");
        text.AppendLine();
        text.AppendLine("```sh");
        text.AppendLine(RerunCommand);
        text.AppendLine("```");
        return text.ToString();
    }

    private static void AppendPairedProducts(StringBuilder text, IReadOnlyList<PairedProductsResult>? pairedProducts)
    {
        if (pairedProducts is null)
        {
            text.AppendLine("The alternating rounds of the products, the FMA peak and the steps failed in this run (see its log).");
            return;
        }

        int rounds = pairedProducts.Max(p => p.Rounds);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"The same products timed in alternating rounds after the BenchmarkDotNet run, in the same process: in each of {rounds} rounds the FMA peak loops (the faster counts), " +
            $"each case's products and each case's whole one-thread training step run in turn for a fraction of a second each, " +
            $"and the products' fraction of peak and share of the step are taken within the round, against the peak and the step measured under nearly the same machine speed " +
            $"(BenchmarkDotNet's figures above come minutes apart, and this VM's speed changes by a fifth within a minute). Medians of the rounds, with first and third quartiles:");
        text.AppendLine();
        text.AppendLine("| training case | products per step | whole step | peak in the rounds | % of peak | % of peak, quartiles | share of the step | share, quartiles |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (ProductsCase c in ProductsCase.All)
        {
            PairedProductsResult r = pairedProducts.Single(p => p.Case == c);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Case} | {PairedTime(r.Products)} | {PairedTime(r.Step)} | {Number(r.PeakGflops.Median, "F1")} GFLOP/s | " +
                $"{Percent(r.PeakFraction.Median)} | {PercentRange(r.PeakFraction)} | {Percent(r.ShareOfStep.Median)} | {PercentRange(r.ShareOfStep)} |");
        }
    }

    private static void AppendPaired(StringBuilder text, IReadOnlyList<(string Case, PairedResult? Result)> paired)
    {
        int rounds = paired.Select(p => p.Result?.Rounds ?? 0).Max();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"The training steps timed in alternating rounds, after the BenchmarkDotNet run in the same process: in each of {rounds} rounds, " +
            $"RnnGen and libtorch, each on one thread and on two, run in turn for a fraction of a second each (in orders that give each a turn after each of the others equally often), " +
            $"and the ratios are taken within the round, between steps run under nearly the same machine speed. " +
            $"Times are medians of the rounds' means; ratios are the median of the rounds' ratios and their first and third quartiles:");
        text.AppendLine();
        text.AppendLine("| case | threads | RnnGen per step | libtorch per step | speedup, median of rounds | speedup, quartiles |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach ((string name, PairedResult? r) in paired)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | 1 | {PairedTime(r?.RnnGenOneThread)} | {PairedTime(r?.LibTorchOneThread)} | {Speedup(r?.SpeedupOneThread.Median)} | {Range(r?.SpeedupOneThread)} |");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | 2 | {PairedTime(r?.RnnGenTwoThreads)} | {PairedTime(r?.LibTorchTwoThreads)} | {Speedup(r?.SpeedupTwoThreads.Median)} | {Range(r?.SpeedupTwoThreads)} |");
        }

        text.AppendLine();
        text.AppendLine(
            "The one-thread turns of the same rounds by the vCPU each started and ended on (this VM's two vCPUs do not always run a thread at the same speed; " +
            "[docs/performance.md](../docs/performance.md#reading-the-figures)): median per step and number of turns on each, and the unplaced turns, " +
            "which started on one vCPU and ended on the other:");
        text.AppendLine();
        text.AppendLine("| case | RnnGen, one thread, by vCPU | libtorch, one thread, by vCPU |");
        text.AppendLine("|---|---|---|");
        foreach ((string name, PairedResult? r) in paired)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {Processors(r?.RnnGenOneThreadByProcessor)} | {Processors(r?.LibTorchOneThreadByProcessor)} |");
        }

        text.AppendLine();
        text.AppendLine(
            "Two threads over one in the same rounds (one-thread time ÷ two-thread time, round by round), and what two threads could give at most: " +
            "a fifth contender in the rounds runs two independent one-thread RnnGen steps at once, one per thread, two models sharing nothing, " +
            "and the ceiling is two one-thread steps' time ÷ the time those two took together. RnnGen's share of the ceiling is its scaling ÷ the ceiling, " +
            "round by round; the VM's speed, which moves both from minute to minute, cancels out of it. " +
            "The ceiling does not see what the threads of one step hand each other: every cache line one core wrote and the other then reads or writes " +
            "pays part of a core-to-core round trip, measured at the start of every round (one thread writes a line, the other answers, 20,000 times), " +
            "which a VM's placement of its vCPUs can change from one minute to the next:");
        text.AppendLine();
        text.AppendLine("| case | RnnGen, median of rounds | RnnGen, quartiles | libtorch, median of rounds | libtorch, quartiles | two one-thread RnnGen steps at once | ceiling, median of rounds | ceiling, quartiles | RnnGen's share of the ceiling, median of rounds | share, quartiles | core round trip, median of rounds | round trip, quartiles |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((string name, PairedResult? r) in paired)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {Speedup(r?.RnnGenScaling.Median)} | {Range(r?.RnnGenScaling)} | {Speedup(r?.LibTorchScaling.Median)} | {Range(r?.LibTorchScaling)} | " +
                $"{PairedTime(r?.RnnGenTwoAtOnce)} | {Speedup(r?.RnnGenCeiling.Median)} | {Range(r?.RnnGenCeiling)} | " +
                $"{Percent(r?.RnnGenShareOfCeiling.Median)} | {(r is null ? "—" : PercentRange(r.RnnGenShareOfCeiling))} | " +
                $"{(r is null ? "—" : Duration(r.CoreRoundTrip.Median))} | {(r is null ? "—" : $"{Number(r.CoreRoundTrip.First, "F0")}–{Number(r.CoreRoundTrip.Third, "F0")} ns")} |");
        }
    }

    private static string PairedTime(Quartiles? quartiles) => quartiles is { } q ? Duration(q.Median) : "failed";

    private static string Processors(TimesByProcessor? byProcessor) =>
        byProcessor is null ? "failed"
        : string.Join("; ", byProcessor.Groups.Select(g => $"vCPU {g.Processor}: {Duration(g.Median)} ({g.Turns} turns)")
            .Append($"unplaced: {byProcessor.Unplaced}"));

    private static string PercentRange(Quartiles q) => $"{Percent(q.First)}–{Percent(q.Third)}";

    private static string Range(Quartiles? quartiles) => quartiles is { } q ? $"{Speedup(q.First)}–{Speedup(q.Third)}" : "—";

    private static string Time(Measurement? measurement, string? method, bool fastest = false) =>
        method is null ? "not yet"
        : measurement is null ? "failed"
        : Duration(fastest ? measurement.MinimumNanoseconds : measurement.MedianNanoseconds);

    private static string Duration(double nanoseconds) =>
        nanoseconds >= 1e6 ? Number(nanoseconds / 1e6, "F2") + " ms"
        : nanoseconds >= 1e3 ? Number(nanoseconds / 1e3, "F2") + " µs"
        : Number(nanoseconds, "F1") + " ns";

    private static string Speedup(double? speedup) => speedup is { } s ? Number(s, "F2") + "×" : "—";

    private static string Percent(double? fraction) => fraction is { } f ? Number(100 * f, "F1") + " %" : "—";

    private static string Number(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";
}
