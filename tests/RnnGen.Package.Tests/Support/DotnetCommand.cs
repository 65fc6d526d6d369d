using System.Diagnostics;
using System.Text;

namespace RnnGen.Package.Tests.Support;

/// <summary>The outcome of one <c>dotnet</c> command: its exit code and everything it printed, in order.</summary>
internal sealed record DotnetResult(string Command, int ExitCode, string Output)
{
    public override string ToString() => $"`{Command}` exited with {ExitCode}:{Environment.NewLine}{Output}";
}

/// <summary>Runs the <c>dotnet</c> CLI as a user would from a shell, without what the test host's own build leaks into its environment.</summary>
internal static class DotnetCommand
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, with <paramref name="environment"/> added.</summary>
    /// <exception cref="TimeoutException">The command ran longer than five minutes; it has been killed.</exception>
    public static DotnetResult Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        // `dotnet test` runs the test host under MSBuild, whose variables (MSBuildExtensionsPath, MSBUILD_EXE_PATH,
        // MSBuildSDKsPath, ...) would steer a nested build to the outer build's SDK resolution.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string name in start.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        string command = "dotnet " + string.Join(' ', arguments);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"`{command}` in {workingDirectory} ran longer than {Timeout.TotalMinutes} minutes and was killed. It printed:{Environment.NewLine}{Snapshot(output)}");
        }

        process.WaitForExit(); // drains the asynchronous readers
        return new DotnetResult(command, process.ExitCode, Snapshot(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
