namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// One contender's times per operation in alternating rounds, grouped by the processor each turn ran on
/// (<see cref="AlternatingRounds"/>): per processor, in its order, the number of turns and their median; and the turns
/// that started on one processor and ended on another, or ran where the processor cannot be asked, which no group holds.
/// </summary>
internal sealed record ByProcessor(IReadOnlyList<(int Processor, int Turns, double Median)> Groups, int Unplaced)
{
    /// <summary>From nanoseconds per operation [round] and the processor of each round's turn.</summary>
    public static ByProcessor Of(double[] nanoseconds, int[] processors)
    {
        var placed = nanoseconds.Zip(processors, (time, processor) => (Time: time, Processor: processor)).Where(t => t.Processor >= 0).ToList();
        var groups = placed
            .GroupBy(t => t.Processor)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Count(), Quartiles.Of(g.Select(t => t.Time)).Median))
            .ToArray();
        return new ByProcessor(groups, nanoseconds.Length - placed.Count);
    }
}
