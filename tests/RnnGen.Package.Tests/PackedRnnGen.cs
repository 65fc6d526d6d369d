using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using RnnGen.Package.Tests.Support;

namespace RnnGen.Package.Tests;

/// <summary>
/// The package RnnGen packed from this repository (<c>dotnet pack src/RnnGen.Runtime -c Release</c>) into a folder
/// feed under the temporary directory, once for the test class; the folder is deleted afterwards.
/// </summary>
public sealed class PackedRnnGen : IDisposable
{
    public PackedRnnGen()
    {
        Root = Path.Combine(Path.GetTempPath(), "rnngen-package-" + Guid.NewGuid().ToString("N"));
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        var clock = Stopwatch.StartNew();
        Pack = DotnetCommand.Run(
            RepositoryRoot.Find(),
            new Dictionary<string, string>(),
            "pack", "src/RnnGen.Runtime", "-c", "Release", "-o", Feed, "--disable-build-servers");
        PackTime = clock.Elapsed;
        string[] packages = Directory.GetFiles(Feed, "*.nupkg");
        if (Pack.ExitCode == 0 && packages.Length == 1)
        {
            PackagePath = packages[0];
            using ZipArchive package = ZipFile.OpenRead(PackagePath);
            using Stream nuspec = package.GetEntry("RnnGen.nuspec")!.Open();
            Nuspec = XDocument.Load(nuspec);
            Version = Nuspec.Descendants().Single(element => element.Name.LocalName == "version").Value;
        }
    }

    /// <summary>The temporary folder that holds the feed and everything the tests write.</summary>
    public string Root { get; }

    /// <summary>The folder the package was packed into.</summary>
    public string Feed { get; }

    /// <summary>The pack command's outcome.</summary>
    internal DotnetResult Pack { get; }

    public TimeSpan PackTime { get; }

    /// <summary>The one .nupkg in the feed, when packing made exactly one.</summary>
    public string? PackagePath { get; }

    public XDocument? Nuspec { get; }

    public string? Version { get; }

    /// <summary>Fails the calling test with the pack command's output unless packing made exactly one package.</summary>
    public void AssertPacked() =>
        Assert.True(Pack.ExitCode == 0 && PackagePath is not null,
            $"Packing should succeed with exactly one .nupkg in {Feed} (found: {string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName))}).{Environment.NewLine}{Pack}");

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
