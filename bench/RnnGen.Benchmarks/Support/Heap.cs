namespace RnnGen.Benchmarks.Support;

/// <summary>Leaves no garbage from a setup for the measured iterations to pay for.</summary>
internal static class Heap
{
    /// <summary>
    /// Collects the setup's garbage and runs its finalizers now. TorchSharp tensors have finalizers, and
    /// BenchmarkDotNet counts the bytes allocated by every thread of the process (the finalizer thread included)
    /// while a case runs, so leftovers from building the torch modules would be charged to whichever case came next.
    /// </summary>
    public static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
