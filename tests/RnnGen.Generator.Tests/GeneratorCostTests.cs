using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace RnnGen.Generator.Tests;

/// <summary>
/// What the generator costs in a build and on a keystroke, for <see cref="IncrementalityTests.SixLayerSource"/>:
/// printed, never asserted (timings depend on the machine). That the keystroke is served from the cache is asserted
/// by <see cref="IncrementalityTests.An_unrelated_edit_next_to_a_six_layer_model_and_a_pair_reuses_every_step"/>.
/// Run alone for numbers that mean something:
/// <c>dotnet test tests/RnnGen.Generator.Tests -c Release --filter FullyQualifiedName~GeneratorCostTests --logger "console;verbosity=detailed"</c>.
/// </summary>
public class GeneratorCostTests(ITestOutputHelper output)
{
    private const int WarmUpRuns = 10;
    private const int MeasuredRuns = 20;

    private const string UnrelatedSource = "namespace Reviews;\n\ninternal static class Unrelated\n{\n    public static int Answer() => 41;\n}\n";

    [Fact]
    public void Prints_the_time_to_generate_a_six_layer_model_and_to_serve_an_unrelated_edit()
    {
        var fullRuns = new List<double>();
        var cachedRuns = new List<double>();
        var fullGeneratorTimes = new List<double>();
        var cachedGeneratorTimes = new List<double>();
        int generatedLines = 0;
        for (int run = 0; run < WarmUpRuns + MeasuredRuns; run++)
        {
            // A new compilation and a new driver each time: the work of a clean build, attribute binding included.
            var compilation = GeneratorHarness.CreateCompilation(IncrementalityTests.SixLayerSource, UnrelatedSource);
            var driver = GeneratorHarness.CreateDriver();

            long start = Stopwatch.GetTimestamp();
            driver = driver.RunGenerators(compilation);
            double full = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            double fullGenerator = driver.GetTimingInfo().GeneratorTimes.Single().ElapsedTime.TotalMilliseconds;

            var unrelated = compilation.SyntaxTrees.Single(t => t.FilePath == GeneratorHarness.SourcePath(1));
            var edited = compilation.ReplaceSyntaxTree(unrelated, GeneratorHarness.Parse(UnrelatedSource.Replace("41", "42", StringComparison.Ordinal), unrelated.FilePath));
            start = Stopwatch.GetTimestamp();
            driver = driver.RunGenerators(edited);
            double cached = Stopwatch.GetElapsedTime(start).TotalMilliseconds;

            var result = driver.GetRunResult().Results.Single();
            double cachedGenerator = driver.GetTimingInfo().GeneratorTimes.Single().ElapsedTime.TotalMilliseconds;
            Assert.Null(result.Exception);
            Assert.Empty(result.Diagnostics);
            generatedLines = result.GeneratedSources.Single().SourceText.Lines.Count;
            if (run >= WarmUpRuns)
            {
                fullRuns.Add(full);
                cachedRuns.Add(cached);
                fullGeneratorTimes.Add(fullGenerator);
                cachedGeneratorTimes.Add(cachedGenerator);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"6-layer model ({generatedLines} generated lines), {MeasuredRuns} runs after {WarmUpRuns} warm-up runs:"));
        // RunGenerators includes the driver's own work; ElapsedTime is what Roslyn charges to RnnGen (the IDE's figure).
        output.WriteLine(Summary("generation in a new compilation, RunGenerators", fullRuns));
        output.WriteLine(Summary("generation in a new compilation, RnnGen's ElapsedTime", fullGeneratorTimes));
        output.WriteLine(Summary("rerun after an unrelated edit, RunGenerators", cachedRuns));
        output.WriteLine(Summary("rerun after an unrelated edit, RnnGen's ElapsedTime", cachedGeneratorTimes));
    }

    private static string Summary(string what, List<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToList();
        double median = (sorted[(sorted.Count - 1) / 2] + sorted[sorted.Count / 2]) / 2;
        return string.Create(CultureInfo.InvariantCulture, $"  {what}: median {median:F2} ms (min {sorted[0]:F2}, max {sorted[^1]:F2})");
    }
}
