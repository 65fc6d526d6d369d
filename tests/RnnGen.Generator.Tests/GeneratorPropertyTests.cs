using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using Xunit.Abstractions;

namespace RnnGen.Generator.Tests;

/// <summary>
/// The generator runs on every keystroke, so it must hold up to anything: for thousands of random projects
/// (<see cref="RandomDeclarations"/>) it never throws, reports only RNNG diagnostics at a place in the user's
/// code, and when it reports nothing about an input that compiles, its code compiles too.
/// </summary>
public partial class GeneratorPropertyTests(ITestOutputHelper output)
{
    /// <summary>Projects per run: about a minute on the project's 2-core machine (see the README).</summary>
    private const int Iterations = 1500;

    /// <summary>Project i is generated from PCG stream i with this seed, so every run checks the same projects.</summary>
    private const ulong Seed = 6;

    /// <summary>
    /// In the input alone, a constructor's <c>: this(...)</c> cannot find the generated constructor yet; that is
    /// the one error of the input that generated code is meant to resolve.
    /// </summary>
    private const string GeneratedConstructorMissing = "CS1729";

    [GeneratedRegex("^RNNG[0-9]{3}$")]
    private static partial Regex RnnGenId();

    [Fact]
    public void The_generator_never_throws_reports_only_its_own_errors_and_its_code_compiles()
    {
        // CsCheck_Seed (CsCheck's own variable) replays one failing project instead of the whole sweep.
        string[] seeds = Check.Seed is { } replay
            ? [replay]
            : Enumerable.Range(0, Iterations).Select(i => new PCG((uint)i, Seed).ToString()).ToArray();
        var outcomes = new Outcome[seeds.Length];
        var failures = new ConcurrentDictionary<int, string>();
        int declarations = 0;
        int generatedFiles = 0;
        var stopwatch = Stopwatch.StartNew();

        Parallel.For(0, seeds.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var project = RandomDeclarations.Projects.Generate(PCG.Parse(seeds[i]), null, out _);
            try
            {
                var (outcome, attributedClasses, generated) = CheckProject(project);
                outcomes[i] = outcome;
                Interlocked.Add(ref declarations, attributedClasses);
                Interlocked.Add(ref generatedFiles, generated);
            }
#pragma warning disable CA1031 // Every exception is a counterexample to report with its seed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = $"Project {i.ToString(CultureInfo.InvariantCulture)}, seed {seeds[i]}: {e.Message}\n{project}";
            }
        });

        stopwatch.Stop();
        var counts = outcomes.GroupBy(o => o).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{seeds.Length} projects ({declarations} classes with attributes) in {stopwatch.Elapsed.TotalSeconds:F1} s: " +
            $"{Count(counts, Outcome.Compiled)} compiled with generated code ({generatedFiles} generated files), " +
            $"{Count(counts, Outcome.Rejected)} had only models rejected with RNNG errors, {Count(counts, Outcome.InputErrors)} had compiler errors of their own."));

        if (!failures.IsEmpty)
        {
            var ordered = failures.OrderBy(f => f.Key).ToList();
            foreach (var (_, failure) in ordered.Take(20))
            {
                output.WriteLine(failure.Split('\n')[0]);
            }

            Assert.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{failures.Count} of {seeds.Length} projects break the property (the first 20 are listed in the output). The first one (rerun it alone with CsCheck_Seed={seeds[ordered[0].Key]}):\n{ordered[0].Value}"));
        }

        if (seeds.Length == Iterations)
        {
            // The sweep must keep reaching every branch, or a change to the random projects could make it vacuous.
            Assert.True(Count(counts, Outcome.Compiled) >= Iterations / 5, "Too few projects got as far as generated code.");
            Assert.True(Count(counts, Outcome.Rejected) >= Iterations / 10, "Too few projects had only rejected models.");
            Assert.True(Count(counts, Outcome.InputErrors) >= Iterations / 10, "Too few projects had compiler errors of their own.");
        }
    }

    private enum Outcome
    {
        /// <summary>The input compiles and so does the generated code of at least one model or pair.</summary>
        Compiled,

        /// <summary>The input compiles and every model in it was rejected with RNNG errors.</summary>
        Rejected,

        /// <summary>The input has compiler errors of its own; only the first three checks apply.</summary>
        InputErrors,
    }

    private static int Count(System.Collections.Generic.Dictionary<Outcome, int> counts, Outcome outcome) =>
        counts.TryGetValue(outcome, out int count) ? count : 0;

    /// <summary>Checks one project; returns what became of it, its classes with attributes, and the files generated for it.</summary>
    private static (Outcome Outcome, int AttributedClasses, int GeneratedFiles) CheckProject(RandomDeclarations.Project project)
    {
        var run = GeneratorHarness.Run(project.Sources);
        int attributedClasses = run.InputCompilation.SyntaxTrees
            .Sum(tree => tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Count(t => t.AttributeLists.Count > 0));

        Assert.True(run.Result.Exception is null, "The generator threw: " + run.Result.Exception);
        foreach (var diagnostic in run.GeneratorDiagnostics)
        {
            string description = GeneratorHarness.Describe(diagnostic);
            Assert.True(RnnGenId().IsMatch(diagnostic.Id), "Not an RnnGen diagnostic: " + description);
            Assert.True(diagnostic.Id != "RNNG900", "Internal error: " + description);
            AssertLocatedInInput(run, diagnostic, description);
        }

        var inputErrors = run.InputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (inputErrors.Any(d => d.Id != GeneratedConstructorMissing))
        {
            return (Outcome.InputErrors, attributedClasses, run.GeneratedSources.Length);
        }

        // Generated code adds no error, whatever else was rejected: the only errors left are constructor calls of
        // models that were rejected, and there are none when RnnGen reported nothing.
        var errors = run.CompilationDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Where(d => run.GeneratorDiagnostics.Length == 0 || !inputErrors.Any(e => e.Id == d.Id && e.Location == d.Location))
            .ToList();
        Assert.True(errors.Count == 0, "The input compiles, but with the generated code it does not:\n"
            + GeneratorHarness.Describe(errors.Take(10))
            + "\nRnnGen reported: " + (run.GeneratorDiagnostics.IsEmpty ? "nothing" : "\n" + GeneratorHarness.Describe(run.GeneratorDiagnostics))
            + "\nRnnGen generated: " + string.Join(", ", run.GeneratedSources.Select(s => s.HintName)));
        AssertEveryModelIsGeneratedOrReported(run);
        return (run.GeneratedSources.Length > 0 ? Outcome.Compiled : Outcome.Rejected, attributedClasses, run.GeneratedSources.Length);
    }

    /// <summary>
    /// A class with RnnGen attributes gets generated code, or an RNNG error inside its declaration says why; a pair
    /// may also be skipped because a model it names has errors of its own. Nothing is dropped silently.
    /// </summary>
    private static void AssertEveryModelIsGeneratedOrReported(GeneratorRun run)
    {
        var generatedTrees = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
        foreach (var tree in run.InputCompilation.SyntaxTrees)
        {
            var semanticModel = run.OutputCompilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
            {
                if (semanticModel.GetDeclaredSymbol(declaration) is not INamedTypeSymbol type
                    || !type.GetAttributes().Any(a => a.AttributeClass?.ContainingNamespace is { Name: "RnnGen", ContainingNamespace.IsGlobalNamespace: true }))
                {
                    continue;
                }

                bool generated = type.DeclaringSyntaxReferences.Any(r => generatedTrees.Contains(r.SyntaxTree));
                bool reported = run.GeneratorDiagnostics.Any(d => type.DeclaringSyntaxReferences.Any(r =>
                    r.SyntaxTree.FilePath == d.Location.GetLineSpan().Path && r.Span.Contains(d.Location.SourceSpan)));
                bool pairOfRejectedModel = type.GetAttributes().Any(a => a.AttributeClass?.Name == nameof(EncoderDecoderAttribute)) && !run.GeneratorDiagnostics.IsEmpty;
                Assert.True(generated || reported || pairOfRejectedModel,
                    $"'{type.ToDisplayString()}' has RnnGen attributes, but RnnGen neither generated code for it nor reported why.");
            }
        }
    }

    /// <summary>Every RNNG diagnostic points into one of the user's files, at a span that exists there.</summary>
    private static void AssertLocatedInInput(GeneratorRun run, Diagnostic diagnostic, string description)
    {
        Assert.True(diagnostic.Location != Location.None, "No location: " + description);
        var lineSpan = diagnostic.Location.GetLineSpan();
        var tree = run.InputCompilation.SyntaxTrees.SingleOrDefault(t => t.FilePath == lineSpan.Path);
        Assert.True(tree is not null, "Not in an input file: " + description);
        var text = tree!.GetText();
        TextSpan span = diagnostic.Location.SourceSpan;
        Assert.True(span.End <= text.Length && !span.IsEmpty, "Span outside the file or empty: " + description);
        Assert.True(text.Lines.GetLinePositionSpan(span) == lineSpan.Span, "Line span does not match the text span: " + description);
    }
}
