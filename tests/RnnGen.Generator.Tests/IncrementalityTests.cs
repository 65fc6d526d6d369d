using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Tests;

/// <summary>
/// The pipeline must do no work for edits that do not touch a model, and must redo it for edits that do; its values
/// must not hold Roslyn objects, which would root old compilations and defeat the cache.
/// </summary>
public class IncrementalityTests
{
    private const string ModelSource = """
        using RnnGen;

        namespace Mnist;

        [RnnModel(InputSize = 28)]
        [Lstm(128)]
        [Dense(10)]
        internal partial class RowClassifier
        {
            private readonly int _trainingSteps = 2;

            public int Epochs() { return 1; }

            public int TrainingSteps() => _trainingSteps;
        }
        """;

    private const string UnrelatedSource = """
        namespace Mnist;

        internal static class Unrelated
        {
            public static int Answer() => 41;
        }
        """;

    private static readonly string[] s_trackedSteps = [TrackingNames.ParseModel, TrackingNames.Models];

    [Fact]
    public void Adding_an_unrelated_file_reuses_every_step()
    {
        var first = GeneratorHarness.Run(ModelSource);
        var second = GeneratorHarness.Run(first.Driver, first.InputCompilation.AddSyntaxTrees(GeneratorHarness.Parse(UnrelatedSource, "Unrelated.cs")));

        AssertAllReused(second);
        Assert.Equal(first.SingleSource, second.SingleSource);
    }

    [Fact]
    public void Editing_an_unrelated_file_reuses_every_step()
    {
        var first = GeneratorHarness.Run(ModelSource, UnrelatedSource);
        var second = GeneratorHarness.Run(first.Driver, Edit(first, 1, UnrelatedSource.Replace("41", "42", StringComparison.Ordinal)));

        AssertAllReused(second);
        Assert.Equal(first.SingleSource, second.SingleSource);
    }

    [Fact]
    public void Editing_a_method_body_of_the_model_reuses_every_step()
    {
        var first = GeneratorHarness.Run(ModelSource);
        var second = GeneratorHarness.Run(first.Driver, Edit(first, 0, ModelSource.Replace("return 1;", "return 2;", StringComparison.Ordinal)));

        AssertAllReused(second);
        Assert.Equal(first.SingleSource, second.SingleSource);
    }

    /// <summary>
    /// Only members named like generated ones are kept with their locations (for RNNG025), so moving the others,
    /// private fields with the usual underscore included, down a line leaves the model cached.
    /// </summary>
    [Fact]
    public void Moving_the_models_own_members_reuses_every_step()
    {
        var first = GeneratorHarness.Run(ModelSource);
        var second = GeneratorHarness.Run(first.Driver, Edit(first, 0, ModelSource.Replace("    private readonly int _trainingSteps", "    // how long to train\n\n    private readonly int _trainingSteps", StringComparison.Ordinal)));

        AssertAllReused(second);
        Assert.Equal(first.SingleSource, second.SingleSource);
    }

    [Fact]
    public void Changing_a_layer_attribute_regenerates_the_model()
    {
        var first = GeneratorHarness.Run(ModelSource);
        var second = GeneratorHarness.Run(first.Driver, Edit(first, 0, ModelSource.Replace("[Lstm(128)]", "[Lstm(64)]", StringComparison.Ordinal)));

        foreach (string step in s_trackedSteps)
        {
            Assert.Contains(Outputs(second, step), output => output.Reason == IncrementalStepRunReason.Modified);
        }

        Assert.Contains("public const int LstmHiddenSize = 128;", first.SingleSource, StringComparison.Ordinal);
        Assert.Contains("public const int LstmHiddenSize = 64;", second.SingleSource, StringComparison.Ordinal);
        Assert.Empty(second.CompilationDiagnostics);
    }

    /// <summary>
    /// Layers split over two partial declarations are refused (RNNG019: their order would follow the file order);
    /// moving them onto one declaration in an edit must then produce the model.
    /// </summary>
    [Fact]
    public void Moving_split_layers_onto_one_declaration_regenerates_the_model()
    {
        var first = GeneratorHarness.Run(
            "using RnnGen;\n[RnnModel(InputSize = 3)] internal partial class Split;",
            "using RnnGen;\n[Lstm(4)] internal partial class Split;");
        Assert.Contains(first.GeneratorDiagnostics, d => d.Id == "RNNG019");
        Assert.Empty(first.GeneratedSources);

        var moved = Edit(first, 0, "using RnnGen;\n[RnnModel(InputSize = 3)] [Lstm(8)] internal partial class Split;");
        var second = GeneratorHarness.Run(first.Driver, moved.ReplaceSyntaxTree(moved.SyntaxTrees.ElementAt(1), GeneratorHarness.Parse("internal partial class Split { }", GeneratorHarness.SourcePath(1))));

        Assert.Contains(Outputs(second, TrackingNames.Models), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Empty(second.GeneratorDiagnostics);
        Assert.Contains("public const int LstmHiddenSize = 8;", second.SingleSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_results_hold_no_roslyn_objects()
    {
        var run = GeneratorHarness.Run(
            ModelSource,
            """
            using RnnGen;

            [Embedding(100, 8)] [Gru(6, Layers = 2, Bidirectional = true)] [Dropout(0.5)] [Dense(3, Activation = Activation.Softmax)]
            internal partial class Tokens;

            [RnnModel(InputSize = 3)] [Lstm(0, Name = "a")] [Dense(2, Name = "a")]
            internal partial class Broken;
            """);

        var walker = new RoslynObjectFinder();
        foreach (var (value, _) in Outputs(run, TrackingNames.ParseModel))
        {
            walker.Visit(value, "output");
        }

        Assert.True(walker.Found.Count == 0, "Pipeline values hold Roslyn objects:\n" + string.Join("\n", walker.Found));
        Assert.Contains(typeof(ModelSpec), walker.Seen);
        Assert.Contains(typeof(LayerSpec), walker.Seen);
        Assert.Contains(typeof(DiagnosticInfo), walker.Seen);
        Assert.Contains(typeof(LocationInfo), walker.Seen);
    }

    private const string PairSource = """
        using RnnGen;

        [EncoderDecoder(typeof(Enc), typeof(Dec))]
        internal partial class Pair;
        """;

    private const string PairModelsSource = """
        using RnnGen;

        [Embedding(10, 4)] [Lstm(8)] internal partial class Enc;
        [Embedding(10, 4)] [Lstm(8, ReturnSequences = true)] [Dense(10)] internal partial class Dec;
        """;

    [Fact]
    public void An_unrelated_edit_leaves_a_pair_cached()
    {
        var first = GeneratorHarness.Run(PairSource, PairModelsSource, UnrelatedSource);
        var second = GeneratorHarness.Run(first.Driver, Edit(first, 2, UnrelatedSource.Replace("41", "42", StringComparison.Ordinal)));

        foreach (string step in new[] { TrackingNames.ParsePair, TrackingNames.Pairs })
        {
            Assert.All(Outputs(second, step), output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step {step} produced {output.Reason}"));
        }
    }

    /// <summary>Six layers, every kind of step (the model used by <see cref="GeneratorCostTests"/>).</summary>
    internal const string SixLayerSource = """
        using RnnGen;

        namespace Reviews;

        [Embedding(5000, 64)]
        [Lstm(128, ReturnSequences = true)]
        [Lstm(128)]
        [Gru(64, Bidirectional = true)]
        [Dropout(0.3)]
        [Dense(5, Activation = Activation.Softmax)]
        public partial class SixLayerClassifier
        {
            public int Epochs() { return 1; }
        }
        """;

    [Fact]
    public void An_unrelated_edit_next_to_a_six_layer_model_and_a_pair_reuses_every_step()
    {
        var first = GeneratorHarness.Run(SixLayerSource, PairSource, PairModelsSource, UnrelatedSource);
        Assert.Empty(first.GeneratorDiagnostics);
        Assert.Equal(4, first.GeneratedSources.Length);

        var edited = GeneratorHarness.Run(first.Driver, Edit(first, 3, UnrelatedSource.Replace("41", "42", StringComparison.Ordinal)));
        var bodyEdited = GeneratorHarness.Run(edited.Driver, Edit(edited, 0, SixLayerSource.Replace("return 1;", "return 2;", StringComparison.Ordinal)));

        foreach (var run in new[] { edited, bodyEdited })
        {
            foreach (string step in new[] { TrackingNames.ParseModel, TrackingNames.Models, TrackingNames.ParsePair, TrackingNames.Pairs })
            {
                var outputs = Outputs(run, step);
                Assert.NotEmpty(outputs);
                Assert.All(outputs, output => Assert.True(
                    output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"Step {step} produced {output.Reason} for {output.Value}"));
            }

            Assert.Equal(first.GeneratedSources.Select(s => s.SourceText.ToString()), run.GeneratedSources.Select(s => s.SourceText.ToString()));
        }
    }

    /// <summary>The pair is declared in another file than its models: an edit to a model must still reach it.</summary>
    [Fact]
    public void Editing_a_model_in_another_file_rechecks_the_pair()
    {
        var first = GeneratorHarness.Run(PairSource, PairModelsSource);
        Assert.Empty(first.GeneratorDiagnostics);
        Assert.Contains(first.GeneratedSources, s => s.HintName == "Pair.g.cs");

        var second = GeneratorHarness.Run(first.Driver, Edit(first, 1, PairModelsSource.Replace("[Lstm(8)]", "[Lstm(6)]", StringComparison.Ordinal)));
        Assert.Contains(Outputs(second, TrackingNames.Pairs), output => output.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal("RNNG021", Assert.Single(second.GeneratorDiagnostics).Id);
        Assert.DoesNotContain(second.GeneratedSources, s => s.HintName == "Pair.g.cs");

        var third = GeneratorHarness.Run(second.Driver, Edit(second, 1, PairModelsSource.Replace("[Lstm(8, ", "[Lstm(6, ", StringComparison.Ordinal).Replace("[Lstm(8)]", "[Lstm(6)]", StringComparison.Ordinal)));
        Assert.Empty(third.GeneratorDiagnostics);
        Assert.Contains(third.GeneratedSources, s => s.HintName == "Pair.g.cs");
        Assert.Empty(third.CompilationDiagnostics);
    }

    /// <summary>The input compilation of <paramref name="run"/> with source file <paramref name="index"/> replaced by <paramref name="source"/>.</summary>
    private static Compilation Edit(GeneratorRun run, int index, string source)
    {
        string path = GeneratorHarness.SourcePath(index);
        var old = run.InputCompilation.SyntaxTrees.Single(tree => tree.FilePath == path);
        return run.InputCompilation.ReplaceSyntaxTree(old, GeneratorHarness.Parse(source, path));
    }

    private static void AssertAllReused(GeneratorRun run)
    {
        foreach (string step in s_trackedSteps)
        {
            var outputs = Outputs(run, step);
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step {step} produced {output.Reason} for {output.Value}"));
        }
    }

    private static List<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRun run, string step)
    {
        Assert.True(run.Result.TrackedSteps.TryGetValue(step, out var runs), $"No tracked step named {step}; steps: {string.Join(", ", run.Result.TrackedSteps.Keys)}");
        return runs.SelectMany(r => r.Outputs).ToList();
    }

    /// <summary>Walks an object graph through its fields, arrays and collections, noting every Roslyn object it meets.</summary>
    private sealed class RoslynObjectFinder
    {
        private const int MaxDepth = 12;

        private static readonly Type[] s_forbidden =
        [
            typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SyntaxReference), typeof(Compilation),
            typeof(SemanticModel), typeof(Location), typeof(Diagnostic), typeof(AttributeData),
        ];

        private readonly HashSet<object> _visited = new(ReferenceEqualityComparer.Instance);

        public List<string> Found { get; } = [];

        public HashSet<Type> Seen { get; } = [];

        public void Visit(object? value, string path, int depth = 0)
        {
            if (value is null)
            {
                return;
            }

            var type = value.GetType();
            Seen.Add(type);
            if (s_forbidden.Any(f => f.IsAssignableFrom(type)) || type == typeof(SyntaxToken))
            {
                Found.Add(path + ": " + type.FullName);
                return;
            }

            // Descriptors are static singletons shared by every compilation, so carrying them roots nothing.
            if (type.IsPrimitive || type.IsEnum || value is string or decimal or DiagnosticDescriptor || depth == MaxDepth)
            {
                return;
            }

            if (!type.IsValueType && !_visited.Add(value))
            {
                return;
            }

            if (value is IEnumerable items)
            {
                int index = 0;
                foreach (object? item in items)
                {
                    Visit(item, path + "[" + index++ + "]", depth + 1);
                }

                return;
            }

            for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
            {
                foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Visit(field.GetValue(value), path + "." + field.Name, depth + 1);
                }
            }
        }
    }
}
