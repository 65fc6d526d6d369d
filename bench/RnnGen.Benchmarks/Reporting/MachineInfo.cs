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
    /// twofold) and its caches, e.g. "AMD EPYC (family 25, model 1; L1d 32K, L2 512K, L3 32768K)".
    /// </summary>
    private static string CpuModel()
    {
        const string Path = "/proc/cpuinfo";
        if (!File.Exists(Path))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        // the first processor's block: "key<tabs>: value" lines up to the first empty one
        Dictionary<string, string> fields = File.ReadLines(Path)
            .TakeWhile(line => line.Length > 0)
            .Select(line => line.Split(':', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0].Trim(), parts => parts[1].Trim())
            .ToDictionary(group => group.Key, group => group.First());
        string name = fields.GetValueOrDefault("model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
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

    /// <summary>The first CPU's data and unified caches by level, as Linux lists them ("L1d 32K, L2 512K, …"), or "".</summary>
    private static string Caches()
    {
        const string Folder = "/sys/devices/system/cpu/cpu0/cache";
        if (!Directory.Exists(Folder))
        {
            return "";
        }

        IEnumerable<string> caches = Directory.EnumerateDirectories(Folder, "index*")
            .Select(index => (
                Level: ReadTrimmed(Path.Combine(index, "level")),
                Type: ReadTrimmed(Path.Combine(index, "type")),
                Size: ReadTrimmed(Path.Combine(index, "size"))))
            .Where(cache => cache.Type is "Data" or "Unified" && cache.Level.Length > 0 && cache.Size.Length > 0)
            .OrderBy(cache => cache.Level, StringComparer.Ordinal)
            .Select(cache => $"L{cache.Level}{(cache.Type == "Data" ? "d" : "")} {cache.Size}");
        return string.Join(", ", caches);
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
