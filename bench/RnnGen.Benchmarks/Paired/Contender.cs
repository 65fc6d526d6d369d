namespace RnnGen.Benchmarks.Paired;

/// <summary>One of the operations timed in alternation, with the thread count both libraries get while it runs.</summary>
internal sealed record Contender(int Threads, Action Operation);
