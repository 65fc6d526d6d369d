using System.Linq;
using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Unusual but legal declarations: the generator must either generate code that compiles with no diagnostic, or
/// report an RNNG error, never fail silently or crash (CS8785).
/// </summary>
public class GeneratedCodeTests
{
    [Fact]
    public void Generated_code_needs_no_using_directive_of_the_user()
    {
        var compilation = GeneratorHarness.CreateCompilation(
            "namespace Plain; [RnnGen.RnnModel(InputSize = 3)] [RnnGen.Lstm(4)] [RnnGen.Dense(2)] internal partial class Model;");
        var run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);

        Assert.Single(run.GeneratedSources);
        Assert.True(run.CompilationDiagnostics.IsEmpty, GeneratorHarness.Describe(run.CompilationDiagnostics));
    }

    [Theory]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal abstract partial class Model;")]
    [InlineData("[Dense(4)] [RnnModel(InputSize = 3)] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] internal partial class Model; [Lstm(4)] internal partial class Model;")]
    [InlineData("internal partial record Outer { [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model; }")]
    [InlineData("internal partial record struct Outer { [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model; }")]
    [InlineData("internal partial interface IOuter { [RnnModel(InputSize = 3)] [Gru(4)] internal partial class Model; }")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model : System.IDisposable { public void Dispose() { } }")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] [Dense(2)] internal partial class Model; internal sealed class Span; internal static class Math; internal static class MemoryExtensions;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4, Name = \"lengths\")] [Gru(4, Name = \"input\")] [Dense(4, Name = \"steps\")] [Dropout(0.5, Name = \"batch\")] [Dense(2, Name = \"_\")] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4, Layers = 2, Name = \"L\")] [Dense(2, Name = \"LL0\")] [Dense(2, Name = \"LL1\")] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Dense(4, Name = \"dense_1\")] [Dense(3)] [Dense(2)] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4, Name = \"a.b\")] [Lstm(4, Name = \"a_b\")] [Lstm(4, Name = \"aB\")] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4, Bidirectional = true)] [Gru(3, Bidirectional = true, ReturnSequences = true)] [Dropout(0.1)] internal partial class Model;")]
    [InlineData("[Embedding(5, 3)] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Dropout(0)] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4, Name = \"step\")] [Dense(2, Name = \"state\")] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Gru(4, Name = \"step\")] [Dense(2)] internal partial class Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model { public Model() : this(maxBatch: 4, maxSteps: 10, seed: 1) { } }")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class State;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Parameters;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class @event;")]
    [InlineData("namespace @class { [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model; }")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial record Model;")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model { public Model(int size) { _ = size; } }")]
    public void Declaration_is_generated_cleanly_or_diagnosed(string declaration)
    {
        var run = GeneratorHarness.Run("using RnnGen;\n\n" + declaration + "\n");

        Assert.Null(run.Result.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        if (run.GeneratorDiagnostics.IsEmpty)
        {
            Assert.NotEmpty(run.GeneratedSources);
            Assert.True(run.CompilationDiagnostics.IsEmpty, "The generated code has diagnostics:\n" + GeneratorHarness.Describe(run.CompilationDiagnostics));
        }
        else
        {
            Assert.All(run.GeneratorDiagnostics, d => Assert.StartsWith("RNNG", d.Id, System.StringComparison.Ordinal));
            Assert.DoesNotContain(run.CompilationDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        }
    }

    [Fact]
    public void Models_whose_names_differ_only_in_case_are_both_generated()
    {
        var run = GeneratorHarness.Run("""
            using RnnGen;

            #pragma warning disable CS8981 // a lower-case type name is the point of this test
            [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class model;
            [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model;
            """);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.Equal(2, run.GeneratedSources.Length);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }
}
