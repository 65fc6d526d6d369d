using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Emit;

namespace RnnGen.Generator.Tests;

/// <summary>
/// A member of the user's part of a model or pair that takes a generated member's name is RNNG025 at that member
/// (RNNG016 for the class's own name), not CS0102 or CS0542 inside generated code. Checked for every name the
/// emitters write into representative models, so a new generated member cannot slip past the parser's filter
/// (<see cref="GeneratedMembers.MayBeGenerated"/>).
/// </summary>
public class MemberNameClashTests
{
    private const string PairModels = """
        [Embedding(10, 4)] [Lstm(8, Layers = 2)] internal partial class Enc;
        [Embedding(10, 4)] [Lstm(8, Layers = 2, ReturnSequences = true)] [Dropout(0.1)] [Dense(10)] internal partial class Dec;

        """;

    /// <summary>Models whose generated members cover every layer kind, stacking, both directions, state and none.</summary>
    public static TheoryData<string, string> Models { get; } = new()
    {
        { "[RnnModel(InputSize = 28)] [Lstm(128)] [Dense(10)]", "Model" },
        { "[Embedding(100, 8)] [Gru(6, Layers = 2, Bidirectional = true)] [Dropout(0.5)] [Dense(3, Activation = Activation.Softmax)]", "Model" },
        { "[RnnModel(InputSize = 8)] [SimpleRnn(16, Activation = Activation.Relu, ReturnSequences = true)] [Dropout(0.25)] [Dense(3, Activation = Activation.Sigmoid)]", "Model" },
        { "[RnnModel(InputSize = 4)] [Lstm(8, Name = \"encoder\", ReturnSequences = true)] [Gru(6, Name = \"decoder.rnn\")] [Dense(2, Name = \"head\")]", "Model" },
        { "[RnnModel(InputSize = 4)] [Dense(8)] [Dense(2)]", "Model" },
        { PairModels + "[EncoderDecoder(typeof(Enc), typeof(Dec))]", "Pair" },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void A_field_named_like_any_generated_member_is_reported_there(string attributes, string className)
    {
        var generated = GeneratedMembersOf(attributes, className);
        Assert.NotEmpty(generated);

        // one field of the user's per generated name (overloads share one), all in one class: each gets its own RNNG025
        var names = generated.Select(member => member.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        string fields = string.Concat(names.Select(name => "    private int " + name + ";\n"));
        string declaration = "using RnnGen;\n\n" + attributes + "\ninternal partial class " + className + "\n{\n" + fields + "}\n";
        var run = GeneratorHarness.Run(declaration);

        Assert.Null(run.Result.Exception);
        var reported = run.GeneratorDiagnostics.Where(d => d.Id == "RNNG025").ToList();
        Assert.Equal(run.GeneratorDiagnostics.Length, reported.Count);
        Assert.Equal(
            names,
            reported.Select(d => declaration.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)).Order(StringComparer.Ordinal));
        foreach (var diagnostic in reported)
        {
            string name = declaration.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
            string kind = generated.First(member => member.Name == name).Kind;
            Assert.Contains("'" + className + "' declares a field '" + name + "', but RnnGen generates a" + (kind == "event" ? "n " : " ") + kind, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(run.GeneratedSources, s => s.HintName.StartsWith(className, StringComparison.Ordinal));
        var errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The declaration should compile without the generated part:\n" + GeneratorHarness.Describe(errors));
    }

    /// <summary>A model with a clash has errors of its own: a pair that names it is skipped, not generated against a model that is not there.</summary>
    [Fact]
    public void A_pair_over_a_model_with_a_clash_reports_only_the_clash()
    {
        var run = GeneratorHarness.Run("using RnnGen;\n\n" + PairModels.Replace("internal partial class Enc;", "internal partial class Enc { private int _steps; }", StringComparison.Ordinal)
            + "[EncoderDecoder(typeof(Enc), typeof(Dec))]\ninternal partial class Pair;\n");

        Assert.Equal("RNNG025", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Equal(["Dec.g.cs"], run.GeneratedSources.Select(s => s.HintName));
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_model_nested_in_a_class_of_its_own_name_is_checked_against_its_own_members()
    {
        var run = GeneratorHarness.Run("""
            using RnnGen;

            internal partial class Model
            {
                internal partial class Inner
                {
                    [RnnModel(InputSize = 3)] [Lstm(4)]
                    internal partial class Model
                    {
                        private int _steps;

                        public int Steps => _steps;
                    }
                }
            }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("RNNG025", diagnostic.Id);
        Assert.Contains("declares a field '_steps'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public void A_method_may_overload_a_generated_method()
    {
        var run = GeneratorHarness.Run("""
            using RnnGen;

            [RnnModel(InputSize = 3)] [Lstm(4)] [Dense(2)]
            internal partial class Model
            {
                public void Forward(float[] inputs) => _ = inputs;

                public int Predict(int sequence) => sequence;

                private readonly int _epochs = 1;

                public int Epochs => _epochs;

                // types that differ in their number of type parameters may share a name
                public struct State<T>
                {
                    public T Value;
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Theory]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)]", "LstmHiddenSize")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] [Dense(2)]", "DenseWeight")]
    [InlineData("[RnnModel(InputSize = 3)] [Gru(4, Name = \"encoder\")]", "EncoderHiddenSize")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)]", "ForwardLstmL0Rows")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)]", "_lengths")]
    [InlineData(PairModels + "[EncoderDecoder(typeof(Enc), typeof(Dec))]", "_decoding")]
    public void A_class_named_like_a_layers_generated_member_is_RNNG016(string attributes, string className)
    {
        string declaration = "using RnnGen;\n\n" + attributes + "\ninternal partial class " + className + ";\n";
        var run = GeneratorHarness.Run(declaration);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("RNNG016", diagnostic.Id);
        Assert.Contains("cannot be named '" + className + "'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        Assert.Equal(declaration.LastIndexOf(className, StringComparison.Ordinal), diagnostic.Location.SourceSpan.Start);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void A_class_whose_name_starts_like_a_layer_is_generated()
    {
        var run = GeneratorHarness.Run("using RnnGen;\n\n[RnnModel(InputSize = 3)] [Lstm(4)] [Dense(2)]\ninternal partial class LstmTagger;\n");

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources);
        Assert.Empty(run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    /// <summary>
    /// The members the generator writes into <paramref name="className"/>, as the compiler sees them in the generated
    /// code (not as <see cref="GeneratedMembers.Read"/> reads them, which is what is under test).
    /// </summary>
    private static List<(string Name, string Kind)> GeneratedMembersOf(string attributes, string className)
    {
        var run = GeneratorHarness.Run("using RnnGen;\n\n" + attributes + "\ninternal partial class " + className + ";\n");
        Assert.Empty(run.GeneratorDiagnostics);
        var generatedTrees = run.OutputCompilation.SyntaxTrees.Except(run.InputCompilation.SyntaxTrees).ToHashSet();
        var type = run.OutputCompilation.GetTypeByMetadataName(className)!;
        return type.GetMembers()
            .Where(member => member.CanBeReferencedByName && !member.IsImplicitlyDeclared && member.DeclaringSyntaxReferences.Any(r => generatedTrees.Contains(r.SyntaxTree)))
            .Select(member => (member.Name, RnnGen.Generator.Parsing.ModelParser.KindOf(member)))
            .ToList();
    }
}
