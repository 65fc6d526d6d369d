using RnnGen.Benchmarks.Support;

namespace RnnGen.Benchmarks.Paired;

/// <summary>
/// One contender's times per operation in alternating rounds, grouped by the processor each turn started and ended on
/// (<see cref="AlternatingRounds"/>): per processor, in ascending number, the number of turns and their median; and the
/// unplaced turns, which started on one processor and ended on another or ran where the processor cannot be asked.
/// </summary>
internal sealed record TimesByProcessor(IReadOnlyList<(int Processor, int Turns, double Median)> Groups, int Unplaced)
{
    /// <summary>From nanoseconds per operation [round] and the processor of each round's turn.</summary>
    /// <exception cref="ArgumentException">The two arrays differ in length.</exception>
    public static TimesByProcessor Of(double[] nanoseconds, int[] processors)
    {
        if (nanoseconds.Length != processors.Length)
        {
            throw new ArgumentException($"{nanoseconds.Length} times but {processors.Length} processors.", nameof(processors));
        }

        var placed = nanoseconds.Zip(processors, (time, processor) => (Time: time, Processor: processor))
            .Where(t => t.Processor != CurrentProcessor.Unknown)
            .ToList();
        var groups = placed
            .GroupBy(t => t.Processor)
            .OrderBy(g => g.Key)
            .Select(g => (Processor: g.Key, Turns: g.Count(), Median: Quartiles.Of(g.Select(t => t.Time)).Median))
            .ToArray();
        return new TimesByProcessor(groups, nanoseconds.Length - placed.Count);
    }
}
