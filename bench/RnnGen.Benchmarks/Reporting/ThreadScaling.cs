namespace RnnGen.Benchmarks.Reporting;

/// <summary>
/// A case run on one and on two threads: each side's one-thread time over its two-thread time, by median and by the
/// fastest iteration. On a shared virtual machine the second core is now and then busy with someone else's work; the
/// median then mixes in slowed iterations, while the fastest iteration shows what the code does with two free cores.
/// </summary>
internal sealed record ThreadScaling(string Case, double? RnnGenByMedian, double? RnnGenByMinimum, double? LibTorchByMedian, double? LibTorchByMinimum)
{
    /// <summary>Every case that the results hold on both one and two threads, in their order.</summary>
    public static IReadOnlyList<ThreadScaling> From(IReadOnlyList<CaseResult> results) =>
        results
            .Where(r => r.Case.Threads == 1)
            .Select(one => (One: one, Two: results.FirstOrDefault(r => r.Case.Name == one.Case.Name && r.Case.Threads == 2)))
            .Where(pair => pair.Two is not null)
            .Select(pair => new ThreadScaling(
                pair.One.Case.Name,
                Ratio(pair.One.RnnGen?.MedianNanoseconds, pair.Two!.RnnGen?.MedianNanoseconds),
                Ratio(pair.One.RnnGen?.MinimumNanoseconds, pair.Two.RnnGen?.MinimumNanoseconds),
                Ratio(pair.One.LibTorch?.MedianNanoseconds, pair.Two.LibTorch?.MedianNanoseconds),
                Ratio(pair.One.LibTorch?.MinimumNanoseconds, pair.Two.LibTorch?.MinimumNanoseconds)))
            .ToArray();

    private static double? Ratio(double? oneThread, double? twoThreads) => oneThread / twoThreads;
}
