using System;
using System.IO;
using System.Linq;

namespace RnnGen.Runtime.Tests.Weights;

/// <summary>The libtorch reference files copied next to the test assembly (see tests/Fixtures/libtorch/README.md).</summary>
internal static class LibtorchFixtures
{
    public static string Directory { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "libtorch");

    public static string PathOf(string relativePath) => Path.Combine(Directory, relativePath);

    /// <summary>Paths relative to <see cref="Directory"/> of every fixture, optimizer trajectories included, in ordinal order.</summary>
    public static string[] All() =>
        System.IO.Directory.GetFiles(Directory, "*.safetensors", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Directory, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static TheoryData<string> AllAsTheoryData() => new(All());
}
