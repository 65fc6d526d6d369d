using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;

namespace RnnGen.Benchmarks.Reporting;

/// <summary>What the results were measured on, read from the running process and the system.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Simd, string DotNet, string LibTorch, string TorchSharp)
{
    /// <summary>The machine line of RESULTS.md.</summary>
    public override string ToString() =>
        $"{Cpu}, {Cores} cores, SIMD {Simd}, {DotNet}, libtorch {LibTorch} (TorchSharp {TorchSharp})";

    public static MachineInfo Read() => new(
        Cpu: CpuModel(),
        Cores: Environment.ProcessorCount,
        Simd: SimdWidth(),
        DotNet: RuntimeInformation.FrameworkDescription,
        LibTorch: PackageVersion("libtorch-cpu-linux-x64"),
        TorchSharp: PackageVersion("TorchSharp"));

    /// <summary>The 1-, 5- and 15-minute load averages, or "unknown" off Linux.</summary>
    public static string LoadAverage()
    {
        const string Path = "/proc/loadavg";
        return File.Exists(Path) ? string.Join(" ", File.ReadAllText(Path).Split(' ').Take(3)) : "unknown";
    }

    private static string CpuModel()
    {
        const string Path = "/proc/cpuinfo";
        string? line = File.Exists(Path)
            ? File.ReadLines(Path).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
            : null;
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private static string SimdWidth() =>
        Vector512.IsHardwareAccelerated ? "512-bit (Vector512 accelerated)"
        : Vector256.IsHardwareAccelerated ? $"256-bit (Vector256; Vector512 not accelerated; FMA {(Fma.IsSupported ? "yes" : "no")})"
        : Vector128.IsHardwareAccelerated ? "128-bit (Vector128)"
        : "scalar";

    /// <summary>The version of <paramref name="package"/> this build resolved, from the application's deps.json.</summary>
    private static string PackageVersion(string package)
    {
        string depsFile = Path.Combine(AppContext.BaseDirectory, typeof(MachineInfo).Assembly.GetName().Name + ".deps.json");
        using JsonDocument deps = JsonDocument.Parse(File.ReadAllText(depsFile));
        string prefix = package + "/";
        return deps.RootElement.GetProperty("libraries").EnumerateObject()
            .Select(library => library.Name)
            .Where(name => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(name => name[prefix.Length..])
            .FirstOrDefault() ?? "unknown";
    }

}
