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

    /// <summary>
    /// The CPU's name, family and model (a name like "AMD EPYC" is the same for Zen 3 and Zen 5, whose results differ
    /// twofold) and its caches, e.g. "AMD EPYC (family 25, model 1; L1d 32K, L2 512K, L3 32768K)". Read when the
    /// results are written, after the whole run: what cannot be read is left out, never thrown.
    /// </summary>
    private static string CpuModel()
    {
        string architecture = RuntimeInformation.ProcessArchitecture.ToString();
        Dictionary<string, string> fields = [];
        try
        {
            // the first processor's block: "key<tabs>: value" lines up to the first empty one
            foreach (string line in File.ReadLines("/proc/cpuinfo").TakeWhile(line => line.Length > 0))
            {
                string[] parts = line.Split(':', 2);
                if (parts.Length == 2)
                {
                    fields.TryAdd(parts[0].Trim(), parts[1].Trim());
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return architecture;
        }

        string name = fields.GetValueOrDefault("model name") ?? architecture;
        List<string> details = [];
        if (fields.TryGetValue("cpu family", out string? family) && fields.TryGetValue("model", out string? model))
        {
            details.Add($"family {family}, model {model}");
        }

        string caches = Caches();
        if (caches.Length > 0)
        {
            details.Add(caches);
        }

        return details.Count == 0 ? name : $"{name} ({string.Join("; ", details)})";
    }

    /// <summary>The first CPU's data and unified caches by level as Linux lists them ("L1d 32K, L2 512K, …"), or "".</summary>
    private static string Caches()
    {
        try
        {
            IEnumerable<string> caches = Directory.EnumerateDirectories("/sys/devices/system/cpu/cpu0/cache", "index*")
                .Select(index => (
                    Level: int.TryParse(ReadTrimmed(Path.Combine(index, "level")), out int level) ? level : 0,
                    Type: ReadTrimmed(Path.Combine(index, "type")),
                    Size: ReadTrimmed(Path.Combine(index, "size"))))
                .Where(cache => (cache.Type is "Data" or "Unified") && cache.Level > 0 && cache.Size.Length > 0)
                .OrderBy(cache => cache.Level)
                .Select(cache => $"L{cache.Level}{(cache.Type == "Data" ? "d" : "")} {cache.Size}");
            return string.Join(", ", caches);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string ReadTrimmed(string file) => File.Exists(file) ? File.ReadAllText(file).Trim() : "";

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
