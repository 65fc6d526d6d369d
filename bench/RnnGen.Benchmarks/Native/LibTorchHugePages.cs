using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace RnnGen.Benchmarks.Native;

/// <summary>
/// Asks libtorch's CPU allocator to back its large tensors with transparent huge pages, as PyTorch allows with
/// <c>THP_MEM_ALLOC_ENABLE=1</c>: it then aligns allocations of 2 MB and more to 2 MB and advises the kernel to use
/// huge pages for them. This machine's kernel gives huge pages only where asked (<c>madvise</c> mode). Without them,
/// libtorch's LSTM batch-64 training step ran about 2.5× slower (40–65 ms instead of 17–25 ms, in user time) for most
/// of a process in 7 of 28 processes on 2026-11-29, and in none of 10 with them.
/// </summary>
/// <remarks>
/// libtorch reads the variable from the native environment the first time it allocates, so it is set with libc's
/// <c>setenv</c> before anything loads libtorch: .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// does not reach the native environment on Linux. A value the user set already is kept.
/// </remarks>
[SupportedOSPlatform("linux")]
internal static partial class LibTorchHugePages
{
    private const string Variable = "THP_MEM_ALLOC_ENABLE";

    /// <summary>Sets the variable unless it is set, and returns one line saying which value libtorch will see.</summary>
    /// <exception cref="InvalidOperationException">setenv failed.</exception>
    public static string Enable()
    {
        if (setenv(Variable, "1", overwrite: 0) != 0)
        {
            throw new InvalidOperationException($"setenv({Variable}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }

        return $"libtorch's large tensors on transparent huge pages: {Variable}={Marshal.PtrToStringUTF8(getenv(Variable))}.";
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);
}
