using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>What one generator run produced.</summary>
internal sealed class GeneratorRun
{
    private readonly Lazy<ImmutableArray<Diagnostic>> _compilationDiagnostics;

    public GeneratorRun(GeneratorDriver driver, Compilation inputCompilation, Compilation outputCompilation, ImmutableArray<Diagnostic> generatorDiagnostics)
    {
        Driver = driver;
        InputCompilation = inputCompilation;
        OutputCompilation = outputCompilation;
        GeneratorDiagnostics = generatorDiagnostics;
        RunResult = driver.GetRunResult();
        _compilationDiagnostics = new(() => outputCompilation.GetDiagnostics());
    }

    /// <summary>The driver after this run; run it again for an incremental run.</summary>
    public GeneratorDriver Driver { get; }

    public Compilation InputCompilation { get; }

    /// <summary>The input compilation plus the generated sources.</summary>
    public Compilation OutputCompilation { get; }

    /// <summary>What the generator reported (RNNG…), and CS8785 if it threw.</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    public GeneratorDriverRunResult RunResult { get; }

    /// <summary>The RnnGen generator's own result: generated sources, tracked steps, exception.</summary>
    public GeneratorRunResult Result => RunResult.Results.Single();

    public ImmutableArray<GeneratedSourceResult> GeneratedSources => Result.GeneratedSources;

    /// <summary>Every diagnostic of the output compilation (user code and generated code), computed on first use.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics => _compilationDiagnostics.Value;

    /// <summary>The text of the only generated source.</summary>
    public string SingleSource
    {
        get
        {
            Assert.True(GeneratedSources.Length == 1, "Expected one generated source, got " + GeneratedSources.Length.ToString(CultureInfo.InvariantCulture) + ": " + string.Join(", ", GeneratedSources.Select(s => s.HintName)));
            return GeneratedSources[0].SourceText.ToString();
        }
    }
}
