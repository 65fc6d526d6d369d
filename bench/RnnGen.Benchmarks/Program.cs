// RnnGen vs libtorch (TorchSharp-cpu), side by side in one BenchmarkDotNet run; see bench/README.md.
//   dotnet run -c Release --project bench/RnnGen.Benchmarks              full run, writes bench/RESULTS.md
//   dotnet run -c Release --project bench/RnnGen.Benchmarks -- --quick   under two minutes, the summary lines only
//   dotnet run -c Release --project bench/RnnGen.Benchmarks -- --paired  the training steps and their products in alternating rounds only
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using RnnGen.Benchmarks;
using RnnGen.Benchmarks.Benchmarks;
using RnnGen.Benchmarks.Native;
using RnnGen.Benchmarks.Paired;
using RnnGen.Benchmarks.Reporting;

const string QuickFlag = "--quick";
const string PairedFlag = "--paired";
string[] unknown = args.Where(a => a is not QuickFlag and not PairedFlag).ToArray();
if (unknown.Length > 0)
{
    Console.Error.WriteLine($"Unknown argument(s): {string.Join(" ", unknown)}. The options are {QuickFlag} and {PairedFlag}.");
    return 2;
}

bool quick = args.Contains(QuickFlag);
bool pairedOnly = args.Contains(PairedFlag);

// Before anything loads libtorch: the GLIBCXX_3.4.32 requirement of the copy in the output folder, and huge pages for
// its allocator (see the classes).
if (OperatingSystem.IsLinux())
{
    Console.WriteLine(LibTorchSharpPatch.EnsureLoadable(AppContext.BaseDirectory));
    Console.WriteLine(LibTorchHugePages.Enable());
}

if (pairedOnly)
{
    IReadOnlyList<(string Case, PairedResult? Result)> pairedAlone = PairedTraining.Run(quick);
    IReadOnlyList<PairedProductsResult>? productsAlone = PairedProducts.Run(quick);
    Console.WriteLine($"Load average (1, 5, 15 min) after: {MachineInfo.LoadAverage()}.");
    foreach (string line in RatioLines.Paired(pairedAlone).Concat(RatioLines.PairedProducts(productsAlone)))
    {
        Console.WriteLine(line);
    }

    return pairedAlone.All(p => p.Result is not null) && productsAlone is not null ? 0 : 1;
}

string loadBefore = MachineInfo.LoadAverage();
Summary[] summaries = BenchmarkRunner.Run(
    [typeof(PeakFlopsBenchmarks), typeof(StepBenchmarks), typeof(ForwardBenchmarks), typeof(TrainingBenchmarks), typeof(TrainingProductsBenchmarks)],
    BenchmarkConfig.Create(quick));
IReadOnlyList<(string Case, PairedResult? Result)> paired = PairedTraining.Run(quick);
IReadOnlyList<PairedProductsResult>? pairedProducts = PairedProducts.Run(quick);
string loadAfter = MachineInfo.LoadAverage();

var peak = PeakFlops.From(summaries);
IReadOnlyList<CaseResult> results = CaseResult.From(summaries, peak);
IReadOnlyList<ProductsResult> products = ProductsResult.From(summaries, results, peak);
if (!quick)
{
    string path = Path.Combine(BenchFolder(), "RESULTS.md");
    File.WriteAllText(path, ResultsMarkdown.Format(MachineInfo.Read(), peak, results, products, paired, pairedProducts, loadBefore, loadAfter, DateTime.UtcNow));
    Console.WriteLine($"Wrote {path}");
}

Console.WriteLine($"Load average (1, 5, 15 min): {loadBefore} before, {loadAfter} after.");
Console.WriteLine($"PEAK gflops={peak.Gflops.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)} width={peak.Width}");
foreach (string line in RatioLines.Format(results, products).Concat(RatioLines.Paired(paired)).Concat(RatioLines.PairedProducts(pairedProducts)))
{
    Console.WriteLine(line);
}

return results.All(r => r.IsComplete) && products.All(p => p.Products is not null) && paired.All(p => p.Result is not null) && pairedProducts is not null ? 0 : 1;

// bench/, found by walking up from the build output to the folder that holds this project.
static string BenchFolder()
{
    for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        if (File.Exists(Path.Combine(folder.FullName, "RnnGen.Benchmarks", "RnnGen.Benchmarks.csproj")))
        {
            return folder.FullName;
        }
    }

    throw new DirectoryNotFoundException($"No bench/ folder holding RnnGen.Benchmarks/ above {AppContext.BaseDirectory}.");
}
