using RnnGen.Benchmarks.Reporting;

namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// A training case's products timed in alternating rounds (<see cref="PairedProducts"/>): the products' and the whole
/// step's time per operation, the peak measured in the same rounds, and per round the products' GFLOP/s over that
/// round's peak and the products' time over that round's step, summarized over the rounds.
/// </summary>
internal sealed record PairedProductsResult(
    ProductsCase Case,
    int Rounds,
    Quartiles Products,
    Quartiles Step,
    Quartiles PeakGflops,
    Quartiles PeakFraction,
    Quartiles ShareOfStep)
{
    /// <summary>From nanoseconds per operation [round] of the products and of the step, and the rounds' peaks in GFLOP/s.</summary>
    public static PairedProductsResult From(ProductsCase @case, double[] products, double[] step, double[] peakGflops) =>
        new(
            @case,
            products.Length,
            Quartiles.Of(products),
            Quartiles.Of(step),
            Quartiles.Of(peakGflops),
            Quartiles.Of(products.Select((ns, round) => @case.Flops / ns / peakGflops[round])),
            Quartiles.Of(products.Select((ns, round) => ns / step[round])));
}
