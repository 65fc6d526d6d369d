using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Runs <see cref="RnnGenerator"/> in memory, the way the compiler does, against the .NET 10 reference assemblies and
/// the RnnGen runtime built next to the tests: nothing is downloaded while the tests run.
/// </summary>
internal static class GeneratorHarness
{
    /// <summary>The newest C#, with documentation comments checked so that broken generated XML docs show up.</summary>
    public static readonly CSharpParseOptions ParseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithDocumentationMode(DocumentationMode.Diagnose);

    /// <summary>Every warning the compiler knows, at the highest warning level, with nullable analysis on.</summary>
    public static readonly CSharpCompilationOptions CompilationOptions = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)
        .WithAllowUnsafe(true)
        .WithNullableContextOptions(NullableContextOptions.Enable)
        .WithWarningLevel(9999);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        [
            .. Basic.Reference.Assemblies.Net100.References.All,
            MetadataReference.CreateFromFile(typeof(LstmAttribute).Assembly.Location),
        ]);

    public static ImmutableArray<MetadataReference> References => s_references.Value;

    /// <summary>Parses <paramref name="source"/> as a file at <paramref name="path"/>, which diagnostics then name.</summary>
    public static SyntaxTree Parse(string source, string path) =>
        CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>
    /// A compilation of <paramref name="sources"/>, named <c>Source0.cs</c>, <c>Source1.cs</c>, ... in order, with no
    /// using directive added: generated code must compile without the user's imports.
    /// </summary>
    public static CSharpCompilation CreateCompilation(params string[] sources) => Compile(Trees(sources));

    private static IEnumerable<SyntaxTree> Trees(string[] sources) =>
        sources.Select((source, index) => Parse(source, SourcePath(index)));

    private static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create("RnnGen.Generator.Tests.Input", trees, References, CompilationOptions);

    public static string SourcePath(int index) => "Source" + index.ToString(CultureInfo.InvariantCulture) + ".cs";

    /// <summary>A driver that records every incremental step, so tests can ask whether each one was cached.</summary>
    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new RnnGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Compiles <paramref name="sources"/> and runs the generator on them once.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateDriver(), CreateCompilation(sources));

    /// <summary>
    /// Runs <paramref name="driver"/> on <paramref name="compilation"/>. Pass a previous run's
    /// <see cref="GeneratorRun.Driver"/> to run incrementally.
    /// </summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var outputCompilation, out var generatorDiagnostics);
        return new GeneratorRun(driver, compilation, outputCompilation, generatorDiagnostics);
    }

    /// <summary>One line per diagnostic, e.g. <c>RNNG003 Error Source0.cs(3,7): message</c>, in the invariant culture.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(Describe));

    public static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        string where = diagnostic.Location == Location.None
            ? "(no location)"
            : string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(span.Path)}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})");
        return $"{diagnostic.Id} {diagnostic.Severity} {where}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }
}
