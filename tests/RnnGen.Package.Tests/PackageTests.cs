using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using PackageConsumer;
using RnnGen.Package.Tests.Support;
using Xunit.Abstractions;

namespace RnnGen.Package.Tests;

/// <summary>
/// The package as a new user meets it: what it holds, and a brand-new console project outside the repository that
/// references it, declares a model, builds with warnings as errors and runs.
/// </summary>
public sealed class PackageTests(PackedRnnGen packed, ITestOutputHelper log) : IClassFixture<PackedRnnGen>
{
    [Fact]
    public void Package_holds_the_runtime_its_docs_the_generator_and_the_readme_and_depends_on_nothing()
    {
        packed.AssertPacked();
        log.WriteLine($"dotnet pack: {packed.PackTime.TotalSeconds:F1} s");
        string version = packed.Version!;
        Assert.Equal(
            new[] { $"RnnGen.{version}.nupkg", $"RnnGen.{version}.snupkg" },
            Directory.GetFiles(packed.Feed).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        using (ZipArchive package = ZipFile.OpenRead(packed.PackagePath!))
        {
            string[] entries = package.Entries.Select(entry => entry.FullName).ToArray();
            string listing = string.Join(Environment.NewLine, entries);

            // Roslyn must stay out: the compiler brings its own, and a packed copy would shadow it.
            Assert.True(
                entries.Where(entry => entry.EndsWith(".dll", StringComparison.Ordinal)).Order(StringComparer.Ordinal)
                    .SequenceEqual(["analyzers/dotnet/cs/RnnGen.Generator.dll", "lib/net10.0/RnnGen.Runtime.dll"]),
                $"The package should hold exactly the generator and the runtime assemblies; it holds:{Environment.NewLine}{listing}");
            Assert.Contains("lib/net10.0/RnnGen.Runtime.xml", entries);
            Assert.Contains("README.md", entries);
        }

        XElement metadata = packed.Nuspec!.Root!.Elements().Single(element => element.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(element => element.Name.LocalName == name).Value;
        XElement Element(string name) => metadata.Elements().Single(element => element.Name.LocalName == name);
        Assert.Equal("RnnGen", Value("id"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("expression", Element("license").Attribute("type")?.Value);
        Assert.Equal("README.md", Value("readme"));
        Assert.Equal("git", Element("repository").Attribute("type")?.Value);
        Assert.DoesNotContain(Element("dependencies").Descendants(), element => element.Name.LocalName == "dependency");

        using ZipArchive symbols = ZipFile.OpenRead(Path.ChangeExtension(packed.PackagePath!, ".snupkg"));
        Assert.Contains("lib/net10.0/RnnGen.Runtime.pdb", symbols.Entries.Select(entry => entry.FullName));
    }

    [Fact]
    public void A_new_console_project_gets_the_generator_and_runtime_from_the_package_and_runs_a_model()
    {
        packed.AssertPacked();
        string[] expected = PackagedModelReport.Lines();
        Assert.Equal("InputSize=3 OutputSize=2 ParameterCount=434", expected[0]);   // 4·8·(3 + 8 + 2) + 8·2 + 2
        Assert.Equal("finite=True", expected[2]);

        string project = Path.Combine(packed.Root, "consumer");
        WriteConsumer(project, packed.Feed, packed.Version!);

        // A package cache of its own: a stale RnnGen of the same version in the user's cache would otherwise be
        // used without a word. The project needs no other package, so nothing has to be downloaded.
        string packages = Path.Combine(packed.Root, "packages");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages };

        var clock = Stopwatch.StartNew();
        DotnetResult build = DotnetCommand.Run(project, environment, "build", "--disable-build-servers");
        log.WriteLine($"dotnet build: {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(
            File.Exists(Path.Combine(packages, "rnngen", packed.Version!, $"rnngen.{packed.Version}.nupkg")),
            $"RnnGen should have been restored from {packed.Feed} into {packages}.{Environment.NewLine}{build}");

        // The README tells users to look here for the generated source.
        string generated = Path.Combine(project, "obj", "Debug", "net10.0", "generated", "RnnGen.Generator", "RnnGen.Generator.RnnGenerator", "PackageConsumer.PackagedModel.g.cs");
        Assert.True(File.Exists(generated), $"The generated source should be at {generated}.{Environment.NewLine}{build}");

        clock.Restart();
        DotnetResult run = DotnetCommand.Run(project, environment, "run", "--no-build");
        log.WriteLine($"dotnet run --no-build: {clock.Elapsed.TotalSeconds:F1} s");
        string[] printed = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(
            run.ExitCode == 0 && printed.SequenceEqual(expected),
            $"The consumer should print what the repository's own build computes:{Environment.NewLine}{string.Join(Environment.NewLine, expected)}{Environment.NewLine}{run}");
    }

    private static void WriteConsumer(string project, string feed, string version)
    {
        Directory.CreateDirectory(project);

        // Empty files stop MSBuild's upward search, so nothing above the temporary folder is inherited.
        foreach (string name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.WriteAllText(Path.Combine(project, name), "<Project />\n");
        }

        // nuget.org as a user has it, plus the local feed; the mapping makes RnnGen come from the feed only.
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="rnngen-local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <packageSourceMapping>
                <packageSource key="rnngen-local">
                  <package pattern="RnnGen" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """);

        File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="RnnGen" Version="{version}" />
              </ItemGroup>
            </Project>
            """);

        foreach (string source in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Consumer"), "*.cs"))
        {
            File.Copy(source, Path.Combine(project, Path.GetFileName(source)));
        }
    }
}
