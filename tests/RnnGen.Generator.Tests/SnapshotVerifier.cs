// Snapshot files, following Verify.SourceGenerators' conventions (that package is not served here):
//
//   Snapshots/{TestClass}.{TestMethod}#{HintName without .cs}.verified.cs
//       one per generated source; first line "//HintName: {HintName}", then the source, with LF line ends.
//   Snapshots/{TestClass}.{TestMethod}.verified.txt
//       only when the generator reported diagnostics: one line per diagnostic.
//
// {TestClass} is the name of the test's source file (one test class per file, named like the file); the
// Snapshots folder is found next to it in the SOURCE tree through [CallerFilePath], never in bin/.
//
// A snapshot that differs or is missing fails the test with a line diff (verified → received) and writes
// {same name}.received.cs / .received.txt next to it; those are git-ignored (*.received.*). To accept a change,
// review the diff, then either rename the .received file to .verified, or run the tests once with
//
//   RNNGEN_ACCEPT_SNAPSHOTS=1 dotnet test tests/RnnGen.Generator.Tests
//
// which overwrites every .verified file it compares (and deletes those no longer produced) and passes. Accepting is
// refused when CI=true, so CI can only compare. Review `git diff tests/RnnGen.Generator.Tests/Snapshots` and commit
// the .verified files with the generator change. See Snapshots/README.md.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace RnnGen.Generator.Tests;

/// <summary>Compares a generator run with the verified snapshots in <c>Snapshots/</c>; see the top of this file.</summary>
internal static class SnapshotVerifier
{
    public const string AcceptVariable = "RNNGEN_ACCEPT_SNAPSHOTS";

    private const int ContextLines = 3;
    private const int MaxDiffLines = 200;
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>True when snapshots may be rewritten: <c>RNNGEN_ACCEPT_SNAPSHOTS=1</c> and not on CI.</summary>
    public static bool AcceptMode =>
        Environment.GetEnvironmentVariable(AcceptVariable) == "1"
        && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Verifies every generated source of <paramref name="run"/> and, if there are any, its generator diagnostics.</summary>
    public static void Verify(GeneratorRun run, [CallerFilePath] string testFile = "", [CallerMemberName] string testMethod = "")
    {
        string directory = SnapshotDirectory(testFile);
        string prefix = Path.GetFileNameWithoutExtension(testFile) + "." + testMethod;

        var expected = new List<(string Path, string Content)>();
        foreach (var source in run.GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal))
        {
            string name = prefix + "#" + Path.GetFileNameWithoutExtension(source.HintName) + ".verified.cs";
            expected.Add((Path.Combine(directory, name), "//HintName: " + source.HintName + "\n" + source.SourceText));
        }

        if (run.GeneratorDiagnostics.Length > 0)
        {
            var lines = run.GeneratorDiagnostics
                .Select(GeneratorHarness.Describe)
                .OrderBy(line => line, StringComparer.Ordinal);
            expected.Add((Path.Combine(directory, prefix + ".verified.txt"), string.Join("\n", lines) + "\n"));
        }

        var failures = new List<string>();
        foreach (var (path, content) in expected)
        {
            CompareOne(path, Normalize(content), failures);
        }

        foreach (string stale in StaleSnapshots(directory, prefix, expected.Select(e => e.Path)))
        {
            if (AcceptMode)
            {
                File.Delete(stale);
            }
            else
            {
                failures.Add(Path.GetFileName(stale) + ": this snapshot is no longer produced; delete it, or run with " + AcceptVariable + "=1.");
            }
        }

        if (failures.Count > 0)
        {
            Assert.Fail(string.Join("\n\n", failures) + "\n\n" + HowToAccept(directory));
        }
    }

    private static void CompareOne(string verifiedPath, string received, List<string> failures)
    {
        string receivedPath = ReceivedPath(verifiedPath);
        string? verified = File.Exists(verifiedPath) ? Normalize(File.ReadAllText(verifiedPath)) : null;
        if (verified == received)
        {
            File.Delete(receivedPath);
            return;
        }

        if (AcceptMode)
        {
            File.WriteAllText(verifiedPath, received, s_utf8);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, received, s_utf8);
        failures.Add(verified is null
            ? "No verified snapshot " + Path.GetFileName(verifiedPath) + "; the output was written to " + Path.GetFileName(receivedPath) + " for review."
            : "Snapshot " + Path.GetFileName(verifiedPath) + " differs (- verified, + received; received written to " + Path.GetFileName(receivedPath) + "):\n" + Diff(verified, received));
    }

    /// <summary>A unified-style line diff: changed lines prefixed "- " / "+ ", with a few lines of context around them.</summary>
    public static string Diff(string verified, string received)
    {
        var lines = InlineDiffBuilder.Diff(verified, received, ignoreWhiteSpace: false).Lines;
        var shown = new bool[lines.Count];
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type != ChangeType.Unchanged)
            {
                for (int j = Math.Max(0, i - ContextLines); j <= Math.Min(lines.Count - 1, i + ContextLines); j++)
                {
                    shown[j] = true;
                }
            }
        }

        var text = new StringBuilder();
        int written = 0;
        int verifiedLine = 0;
        int receivedLine = 0;
        bool gap = true;
        for (int i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Type != ChangeType.Inserted)
            {
                verifiedLine++;
            }

            if (line.Type != ChangeType.Deleted)
            {
                receivedLine++;
            }

            if (!shown[i])
            {
                gap = true;
                continue;
            }

            if (written == MaxDiffLines)
            {
                text.Append("... (diff cut after ").Append(MaxDiffLines).Append(" lines)\n");
                break;
            }

            if (gap)
            {
                text.Append(CultureInfo.InvariantCulture, $"@@ verified line {verifiedLine}, received line {receivedLine} @@\n");
                gap = false;
            }

            string marker = line.Type switch
            {
                ChangeType.Inserted => "+ ",
                ChangeType.Deleted => "- ",
                _ => "  ",
            };
            text.Append(marker).Append(line.Text).Append('\n');
            written++;
        }

        return text.ToString();
    }

    private static IEnumerable<string> StaleSnapshots(string directory, string prefix, IEnumerable<string> expected)
    {
        var produced = new HashSet<string>(expected, StringComparer.Ordinal);
        var candidates = Directory.EnumerateFiles(directory, prefix + "#*.verified.cs")
            .Concat(Directory.EnumerateFiles(directory, prefix + ".verified.txt"));
        return candidates.Where(path => !produced.Contains(path)).OrderBy(path => path, StringComparer.Ordinal).ToList();
    }

    private static string SnapshotDirectory(string testFile)
    {
        string? testDirectory = Path.GetDirectoryName(testFile);
        if (testDirectory is null || !Directory.Exists(testDirectory))
        {
            throw new InvalidOperationException(
                $"The test's source folder '{testDirectory}' (from [CallerFilePath] '{testFile}') does not exist: snapshots live in the source tree, so run the tests from a checkout built without path mapping.");
        }

        string directory = Path.Combine(testDirectory, "Snapshots");
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string ReceivedPath(string verifiedPath) =>
        verifiedPath.Replace(".verified.", ".received.", StringComparison.Ordinal);

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string HowToAccept(string directory) =>
        "Review the .received files in " + directory + ". If the change is intended, rename them to .verified, or rerun with "
        + AcceptVariable + "=1 (refused under CI=true) and commit the updated .verified files.";
}
