using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace RnnGen.Models.Tests;

/// <summary>
/// The README's "run it" command, examples/addition, in its quick mode: it must run on nothing but the SDK, show
/// marked predictions and end with the machine-readable RESULT line. (The full run's accuracy is in the README.)
/// </summary>
public sealed class AdditionExampleTests
{
    [Fact]
    public async Task Quick_run_trains_decodes_and_reports_a_result()
    {
        // The example is built beside this test project, in the same configuration: …/bin/{Configuration}/net10.0/.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = testOutput.Parent!.Name;
        string root = testOutput.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        string program = Path.Combine(root, "examples", "addition", "bin", configuration, "net10.0", "Addition.dll");
        Assert.True(File.Exists(program), $"{program} is missing: build the solution (the test project references the example so that it is built).");
        string output = Path.Combine(Path.GetTempPath(), "rnngen-addition-" + Guid.NewGuid().ToString("N"));
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
            foreach (string argument in new[] { program, "--quick", "--out", output })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            string stdout = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            string log = stdout + await stderr;
            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{log}");

            string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Contains(lines, line => line.StartsWith("epoch   2:", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.Contains('✓', StringComparison.Ordinal) || line.Contains('✗', StringComparison.Ordinal));
            string result = lines[^1];
            Assert.StartsWith("RESULT task=addition metric=exact_match value=", result, StringComparison.Ordinal);
            double value = double.Parse(result.Split(' ')[3]["value=".Length..], CultureInfo.InvariantCulture);
            Assert.InRange(value, 0, 1);
            Assert.True(File.Exists(Path.Combine(output, "addition.safetensors")), "the best checkpoint was not written");
            Assert.True(File.Exists(Path.Combine(output, "addition-curves.png")), "the training curves were not plotted");
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
