using System.Runtime.InteropServices;

namespace RnnGen.Benchmarks.Support;

/// <summary>
/// The processor (on this VM, the vCPU) the calling thread runs on, asked of the kernel each time: .NET's
/// <c>Thread.GetCurrentProcessorId</c> caches its answer between refreshes, so one call after a long turn may name the
/// processor of an earlier one. This VM's two vCPUs do not always run a thread at the same speed
/// (docs/performance.md, "Reading the figures"), so a one-thread time means more with the vCPU it ran on.
/// </summary>
internal static partial class CurrentProcessor
{
    /// <summary>Unknown: not Linux (the benchmark's own platform, where the call exists), or the call failed.</summary>
    public const int Unknown = -1;

    /// <summary>The processor's number, or <see cref="Unknown"/>.</summary>
    public static int Id() => OperatingSystem.IsLinux() ? sched_getcpu() : Unknown; // sched_getcpu gives -1 when it fails

    [LibraryImport("libc", EntryPoint = "sched_getcpu")]
    private static partial int sched_getcpu();
}
