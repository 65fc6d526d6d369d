using System;
using System.Linq;

namespace RnnGen.Generator.Tests;

/// <summary>The diff a snapshot mismatch prints: changed lines marked, a little context, nothing else.</summary>
public class SnapshotVerifierTests
{
    [Fact]
    public void Diff_marks_removed_and_added_lines_with_context()
    {
        string verified = string.Concat(Enumerable.Range(1, 20).Select(i => "line " + i + "\n"));
        string received = verified.Replace("line 10\n", "line ten\n", StringComparison.Ordinal);

        string diff = SnapshotVerifier.Diff(verified, received);

        Assert.Equal(
            """
            @@ verified line 7, received line 7 @@
              line 7
              line 8
              line 9
            - line 10
            + line ten
              line 11
              line 12
              line 13

            """.Replace("\r\n", "\n", StringComparison.Ordinal),
            diff);
    }

    [Fact]
    public void Diff_sees_whitespace_changes()
    {
        string diff = SnapshotVerifier.Diff("    x = 1;\n", "  x = 1;\n");

        Assert.Contains("-     x = 1;", diff, StringComparison.Ordinal);
        Assert.Contains("+   x = 1;", diff, StringComparison.Ordinal);
    }
}
