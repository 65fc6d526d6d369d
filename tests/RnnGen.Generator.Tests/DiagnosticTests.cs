using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using RnnGen.Generator.Diagnostics;

namespace RnnGen.Generator.Tests;

/// <summary>
/// One declaration per mistake: the generator reports exactly the expected RNNG error, at the argument that is
/// wrong, with a message that names it and says what to write instead, and generates nothing for that model.
/// </summary>
public class DiagnosticTests
{
    /// <summary>
    /// Id, declaration with the expected location between <c>[|</c> and <c>|]</c>, and fragments the message must
    /// contain (the attribute or type it names, the wrong value, the fix).
    /// </summary>
    public static TheoryData<string, string, string[]> Cases { get; } = new()
    {
        {
            "RNNG001",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal class [|Model|];",
            ["'Model'", "must be declared 'partial'", "write 'partial class Model'"]
        },
        {
            "RNNG001",
            "internal class Outer { [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|Model|]; }",
            ["'Outer'", "must be declared 'partial'", "write 'partial class Outer'"]
        },
        {
            // the fix names the enclosing type's own kind
            "RNNG001",
            "internal struct Outer { [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|Model|]; }",
            ["'Outer'", "write 'partial struct Outer'"]
        },
        {
            "RNNG002",
            "[[|RnnModel(InputSize = 3)|]] internal partial class Model;",
            ["Model 'Model' declares no layers", "add at least one layer attribute", "[Lstm(128)]"]
        },
        {
            "RNNG003",
            "[RnnModel(InputSize = 3)] [Lstm([|0|])] internal partial class Model;",
            ["[Lstm]", "hiddenSize is 0", "must be at least 1"]
        },
        {
            "RNNG003",
            "[RnnModel(InputSize = 3)] [Lstm(4)] [Dense([|-2|])] internal partial class Model;",
            ["[Dense]", "units is -2", "must be at least 1"]
        },
        {
            "RNNG003",
            "[RnnModel(InputSize = 3)] [Gru(4, [|Layers = 0|])] internal partial class Model;",
            ["[Gru]", "Layers is 0", "must be at least 1"]
        },
        {
            "RNNG003",
            "[RnnModel([|InputSize = 0|])] [Lstm(4)] internal partial class Model;",
            ["[RnnModel]", "InputSize is 0", "must be at least 1"]
        },
        {
            "RNNG003",
            "[Embedding(10, [|0|])] [Lstm(4)] internal partial class Model;",
            ["[Embedding]", "dimension is 0", "must be at least 1"]
        },
        {
            "RNNG004",
            "[Lstm(8)] internal partial class [|Model|];",
            ["Model 'Model'", "how many features", "[RnnModel(InputSize = n)]", "[Embedding(vocabulary, dimension)]"]
        },
        {
            "RNNG004",
            "[[|RnnModel|]] [Lstm(8)] internal partial class Model;",
            ["Model 'Model'", "[RnnModel(InputSize = n)]"]
        },
        {
            "RNNG005",
            "[RnnModel(InputSize = 3)] [Lstm(4)] [[|Embedding(10, 3)|]] internal partial class Model;",
            ["[Embedding] is layer 2", "must be the first layer", "move it to the top"]
        },
        {
            "RNNG006",
            "[RnnModel(InputSize = 3)] [Lstm(8, ReturnSequences = false)] [[|Gru(4)|]] internal partial class Model;",
            ["[Gru]", "'lstm' sets ReturnSequences = false", "remove that option (or set it to true)"]
        },
        {
            "RNNG007",
            "[RnnModel(InputSize = 3)] [Lstm(4)] [Dropout([|1.0|])] internal partial class Model;",
            ["[Dropout(1.0)]", "at least 0 and below 1", "e.g. [Dropout(0.2)]"]
        },
        {
            "RNNG007",
            "[RnnModel(InputSize = 3)] [Lstm(4)] [Dropout([|-0.1|])] internal partial class Model;",
            ["[Dropout(-0.1)]", "at least 0 and below 1", "e.g. [Dropout(0.2)]"]
        },
        {
            "RNNG008",
            "[RnnModel(InputSize = 3)] [Lstm(4, Name = \"x\")] [Dense(2, [|Name = \"x\"|])] internal partial class Model;",
            ["Layer name 'x' is used twice", "give one of the layers another Name"]
        },
        {
            "RNNG009",
            "[RnnModel(InputSize = 3)] [SimpleRnn(4, [|Activation = Activation.Softmax|])] internal partial class Model;",
            ["[SimpleRnn]", "Activation Softmax is not supported", "use Tanh, Relu or Sigmoid"]
        },
        {
            "RNNG009",
            "[RnnModel(InputSize = 3)] [Lstm(4)] [Dense(3, [|Activation = (Activation)42|])] internal partial class Model;",
            ["[Dense]", "Activation 42 is not supported", "use None, Tanh, Sigmoid, Relu or Softmax"]
        },
        {
            "RNNG010",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|Model|]<T>;",
            ["'Model' is generic", "declare it as a non-generic class"]
        },
        {
            "RNNG010",
            "internal partial class Outer<T> { [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|Model|]; }",
            ["'Model' is generic (or nested in a generic type)", "declare it as a non-generic class"]
        },
        {
            "RNNG011",
            "[RnnModel(InputSize = 20000)] [Lstm(20000)] internal partial class [|Model|];",
            ["Model 'Model' is too large: it has 3,200,160,000 parameters", "limit of 268,435,456", "reduce the sizes"]
        },
        {
            "RNNG011",
            "[RnnModel(InputSize = 3)] [Gru([|33554432|], Layers = 2, Bidirectional = true)] [Dense(15)] internal partial class Model;",
            ["[Gru] is too large: hiddenSize is 33554432, more than 16,777,216", "reduce the sizes"]
        },
        {
            "RNNG011",
            "[RnnModel(InputSize = 3)] [SimpleRnn(1, [|Layers = 1000000|])] internal partial class Model;",
            ["[SimpleRnn] is too large: Layers is 1000000, more than 64"]
        },
        {
            "RNNG012",
            "[RnnModel([|InputSize = 4|])] [Embedding(10, 3)] [Lstm(4)] internal partial class Model;",
            ["Model 'Model'", "[Embedding]", "InputSize = 4 has no meaning", "remove InputSize"]
        },
        {
            "RNNG013",
            "[RnnModel(InputSize = 3)] [Lstm(4, [|Name = \"bad name\"|])] internal partial class Model;",
            ["Layer name 'bad name'", "use letters, digits, '_' and '.'"]
        },
        {
            "RNNG014",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal static partial class [|Model|];",
            ["'Model' is static", "weights and buffers in each instance", "declare it as 'partial class Model'"]
        },
        {
            "RNNG014",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial record [|Model|];",
            ["'Model' is a record", "must not be shared by copies", "declare it as 'partial class Model'"]
        },
        {
            "RNNG018",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|Model|](int size);",
            ["'Model' has a primary constructor", "generates the model's constructor"]
        },
        {
            // Found by GeneratorPropertyTests: the generated part declared a second, non-file Outer, so Model got nothing.
            "RNNG018",
            "file partial class Outer { [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|Model|]; }",
            ["'Model' is nested in the file-local type 'Outer'", "generated part lives in another file"]
        },
        {
            "RNNG019",
            "[RnnModel(InputSize = 3)] internal partial class [|Model|]; [Lstm(4)] internal partial class Model;",
            ["attributes of 'Model' are split over several partial declarations", "put them all on one declaration"]
        },
        {
            "RNNG016",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|State|];",
            ["cannot be named 'State'", "generates a member of that name", "rename the class"]
        },
        {
            "RNNG016",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|CreateStepWeights|];",
            ["cannot be named 'CreateStepWeights'", "generates a member of that name", "rename the class"]
        },
        {
            // a layer's generated constant, not one of the fixed names
            "RNNG016",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class [|LstmHiddenSize|];",
            ["cannot be named 'LstmHiddenSize'", "rename the class"]
        },
        {
            "RNNG025",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model { private int [|_steps|]; }",
            ["'Model' declares a field '_steps'", "RnnGen generates a field of that name in it", "give yours another name"]
        },
        {
            "RNNG025",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model { public const int [|LstmHiddenSize|] = 4; }",
            ["'Model' declares a constant 'LstmHiddenSize'", "generates a constant of that name"]
        },
        {
            // a method may overload a generated method, but not share a field's name
            "RNNG025",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model { private void [|_lengths|]() { } }",
            ["'Model' declares a method '_lengths'", "generates a field of that name"]
        },
        {
            "RNNG025",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model { public struct [|State|] { } }",
            ["'Model' declares a type 'State'", "generates a type of that name"]
        },
        {
            "RNNG025",
            "[RnnModel(InputSize = 3)] [Dense(4, Name = \"head\")] internal partial class Model { public event System.Action? [|HeadUnits|]; }",
            ["'Model' declares an event 'HeadUnits'", "generates a constant of that name"]
        },
        {
            "RNNG017",
            "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Model { public [|Model|](int size) { _ = size; } }",
            ["constructor of 'Model' does not call the generated constructor", "add ': this(…)' with values for its parameters (maxBatch, maxSteps, seed)"]
        },
        {
            "RNNG015",
            "[RnnModel(InputSize = 3)] [Lstm(4)] [Lstm(4, [|Name = \"lstm_l0\"|])] internal partial class Model;",
            ["Layer names 'lstm' and 'lstm_l0'", "(Lstm…, LstmL0…)", "give one of them another Name, so that 'lstm_l0' no longer starts with 'lstm'"]
        },
        {
            // the later layer has the shorter name: the fix must not ask to make 'dense' not start with 'dense_output'
            "RNNG015",
            "[RnnModel(InputSize = 3)] [Dense(4, Name = \"dense_output\")] [[|Dense(2)|]] internal partial class Model;",
            ["Layer names 'dense_output' and 'dense'", "(DenseOutput…, Dense…)", "so that 'dense_output' no longer starts with 'dense' followed by a new word"]
        },
        {
            // the generated code holds the rate as a float, and this one rounds to 1
            "RNNG007",
            "[RnnModel(InputSize = 3)] [Lstm(4)] [Dropout([|0.99999999|])] internal partial class Model;",
            ["[Dropout(0.99999999)]", "at least 0 and below 1"]
        },
        {
            // named constructor arguments out of order: the squiggle is on the wrong one, not on the first written
            "RNNG003",
            "[Embedding([|dimension: 0|], vocabularySize: 10)] [Lstm(4)] internal partial class Model;",
            ["[Embedding]", "dimension is 0"]
        },
        {
            // 22 of the largest attributes: each layer's count fits a long, their sum (9.5·10^18) does not
            "RNNG011",
            "[RnnModel(InputSize = 16777216)]" + string.Concat(Enumerable.Repeat(" [Lstm(16777216, Layers = 64, Bidirectional = true, ReturnSequences = true)]", 22)) + " internal partial class [|Model|];",
            ["Model 'Model' is too large", "more than the limit of 268,435,456"]
        },
    };

    private const string Encoder = "[Embedding(10, 4)] [Lstm(8)] internal partial class Enc;\n";
    private const string Decoder = "[Embedding(10, 4)] [Lstm(8, ReturnSequences = true)] [Dense(10)] internal partial class Dec;\n";

    /// <summary>Mistakes in an [EncoderDecoder] pair; the two models themselves are valid and still generated.</summary>
    public static TheoryData<string, string, string[]> PairCases { get; } = new()
    {
        {
            "RNNG020",
            Encoder + "internal class Plain;\n[EncoderDecoder(typeof(Enc), [|typeof(Plain)|])] internal partial class Pair;",
            ["decoder 'Plain' is not an RnnGen model declared in this project", "RnnGen layer attributes"]
        },
        {
            // Found by GeneratorPropertyTests: null and array arguments compile, and the pair used to be skipped silently.
            "RNNG020",
            Encoder + Decoder + "[EncoderDecoder([|null|], typeof(Dec))] internal partial class Pair;",
            ["encoder 'null' is not an RnnGen model declared in this project"]
        },
        {
            "RNNG020",
            Encoder + Decoder + "[EncoderDecoder(typeof(Enc), [|typeof(Dec[])|])] internal partial class Pair;",
            ["decoder 'Dec[]' is not an RnnGen model declared in this project"]
        },
        {
            "RNNG021",
            Decoder + "[Embedding(10, 4)] [Gru(8)] internal partial class Enc;\n[EncoderDecoder([|typeof(Enc)|], typeof(Dec))] internal partial class Pair;",
            ["encoder 'Enc' (GRU 1×8)", "decoder 'Dec' (LSTM 1×8)", "cell state c", "both be LSTMs or both not"]
        },
        {
            "RNNG021",
            Decoder + "[Embedding(10, 4)] [Lstm(6)] internal partial class Enc;\n[EncoderDecoder([|typeof(Enc)|], typeof(Dec))] internal partial class Pair;",
            ["(LSTM 1×6)", "needs the hidden size of 'lstm', 6"]
        },
        {
            "RNNG021",
            Decoder + "[Embedding(10, 4)] [Lstm(8, Bidirectional = true)] internal partial class Enc;\n[EncoderDecoder([|typeof(Enc)|], typeof(Dec))] internal partial class Pair;",
            ["(LSTM bidirectional 1×8)", "two directions are concatenated", "needs hidden size 16"]
        },
        {
            "RNNG021",
            Decoder + "[Embedding(10, 4)] [Lstm(8, Layers = 2)] internal partial class Enc;\n[EncoderDecoder([|typeof(Enc)|], typeof(Dec))] internal partial class Pair;",
            ["stacks 2 layers", "give them the same Layers"]
        },
        {
            "RNNG021",
            Decoder + "[RnnModel(InputSize = 3)] [Dense(8)] internal partial class Enc;\n[EncoderDecoder([|typeof(Enc)|], typeof(Dec))] internal partial class Pair;",
            ["(no recurrent state)", "no state to hand over"]
        },
        {
            "RNNG022",
            Encoder + "[RnnModel(InputSize = 10)] [Lstm(8, ReturnSequences = true)] [Dense(10)] internal partial class Dec;\n[EncoderDecoder(typeof(Enc), [|typeof(Dec)|])] internal partial class Pair;",
            ["decoder 'Dec' reads feature vectors", "start it with [Embedding(vocabulary, dimension)]"]
        },
        {
            "RNNG022",
            Encoder + "[Embedding(10, 4)] [Lstm(8)] [Dense(10)] internal partial class Dec;\n[EncoderDecoder(typeof(Enc), [|typeof(Dec)|])] internal partial class Pair;",
            ["outputs one vector per sequence", "set ReturnSequences = true"]
        },
        {
            "RNNG022",
            Encoder + "[Embedding(10, 4)] [Lstm(8, ReturnSequences = true)] [Dense(10, Activation = Activation.Softmax)] internal partial class Dec;\n[EncoderDecoder(typeof(Enc), [|typeof(Dec)|])] internal partial class Pair;",
            ["does not end with logits", "end it with [Dense(10)] without Activation"]
        },
        {
            "RNNG022",
            Encoder + "[Embedding(10, 4)] [Lstm(8, ReturnSequences = true)] [Dense(12)] internal partial class Dec;\n[EncoderDecoder(typeof(Enc), [|typeof(Dec)|])] internal partial class Pair;",
            ["predicts 12 classes but reads 10 token ids", "fed back as inputs"]
        },
        {
            "RNNG022",
            Encoder + "[Embedding(10, 4)] [Lstm(8, Bidirectional = true, ReturnSequences = true)] [Dense(10)] internal partial class Dec;\n[EncoderDecoder(typeof(Enc), [|typeof(Dec)|])] internal partial class Pair;",
            ["has a bidirectional layer", "remove Bidirectional"]
        },
        {
            "RNNG023",
            Encoder + Decoder + "[[|EncoderDecoder(typeof(Enc), typeof(Dec))|]] [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Pair;",
            ["'Pair' has [EncoderDecoder] and layer attributes", "move the layers to a model class of their own"]
        },
        {
            "RNNG001",
            Encoder + Decoder + "[EncoderDecoder(typeof(Enc), typeof(Dec))] internal class [|Pair|];",
            ["'Pair' must be declared 'partial'"]
        },
        {
            "RNNG016",
            Encoder + Decoder + "[EncoderDecoder(typeof(Enc), typeof(Dec))] internal partial class [|Encoder|];",
            ["cannot be named 'Encoder'"]
        },
        {
            "RNNG016",
            Encoder + Decoder + "[EncoderDecoder(typeof(Enc), typeof(Dec))] internal partial class [|HandOver|];",
            ["cannot be named 'HandOver'"]
        },
        {
            "RNNG025",
            Encoder + Decoder + "[EncoderDecoder(typeof(Enc), typeof(Dec))] internal partial class Pair { public int [|Encoder|] => 0; }",
            ["'Pair' declares a property 'Encoder'", "generates a property of that name"]
        },
        {
            "RNNG017",
            Encoder + Decoder + "[EncoderDecoder(typeof(Enc), typeof(Dec))] internal partial class Pair { public [|Pair|](int size) { _ = size; } }",
            ["constructor of 'Pair' does not call the generated constructor", "the models and buffers would stay unallocated", "add ': this(…)' with values for its parameters (maxBatch, maxSourceSteps, maxTargetSteps, seed)"]
        },
        {
            // named arguments in the other order: the encoder's error is on the encoder's argument
            "RNNG020",
            Decoder + "internal class Plain;\n[EncoderDecoder(decoder: typeof(Dec), [|encoder: typeof(Plain)|])] internal partial class Pair;",
            ["encoder 'Plain' is not an RnnGen model declared in this project"]
        },
        {
            "RNNG024",
            "[Embedding(10, 4)] [Lstm(8)] internal abstract partial class Enc;\n" + Decoder + "[EncoderDecoder([|typeof(Enc)|], typeof(Dec))] internal partial class Pair;",
            ["encoder 'Enc' is abstract", "creates it with 'new', so remove 'abstract'"]
        },
        {
            // a class without a modifier is internal: the public pair's Decoder property would not compile (CS0053)
            "RNNG024",
            "[Embedding(10, 4)] [Lstm(8)] public partial class Enc;\n" + Decoder + "[EncoderDecoder(typeof(Enc), [|typeof(Dec)|])] public partial class Pair;",
            ["decoder 'Dec' is internal but 'Pair' is public", "make 'Dec' public (with any type it is nested in), or 'Pair' internal"]
        },
        {
            // public, but nested in an internal class
            "RNNG024",
            Decoder.Replace("internal partial class Dec", "public partial class Dec", StringComparison.Ordinal) + "internal partial class Outer { [Embedding(10, 4)] [Lstm(8)] public partial class Enc; }\n[EncoderDecoder([|typeof(Outer.Enc)|], typeof(Dec))] public partial class Pair;",
            ["encoder 'Enc' is internal but 'Pair' is public"]
        },
    };

    /// <summary>A pair's mistake is reported where it is; both models still compile and nothing is generated for the pair.</summary>
    [Theory]
    [MemberData(nameof(PairCases))]
    public void Pair_mistake_is_reported_at_the_offending_code(string id, string markedDeclaration, string[] messageFragments)
    {
        var (declaration, expectedSpan) = Unmark("using RnnGen;\n\n" + markedDeclaration + "\n");
        var run = GeneratorHarness.Run(declaration);

        Assert.Null(run.Result.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string fragment in messageFragments)
        {
            Assert.True(message.Contains(fragment, StringComparison.Ordinal), $"The message of {id} should contain \"{fragment}\":\n{message}");
        }

        Assert.Equal(declaration[expectedSpan.Start..expectedSpan.End], declaration[diagnostic.Location.SourceSpan.Start..diagnostic.Location.SourceSpan.End]);
        Assert.DoesNotContain(run.GeneratedSources, s => s.SourceText.ToString().Contains("Encoder–decoder generated by RnnGen", StringComparison.Ordinal));
        var errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The declarations and the generated models should compile:\n" + GeneratorHarness.Describe(errors));
    }

    /// <summary>A decoder that cannot decode and whose state does not fit the encoder's gets both errors in one build.</summary>
    [Fact]
    public void A_pair_reports_the_decoder_and_the_state_hand_off_together()
    {
        var run = GeneratorHarness.Run("using RnnGen;\n" + Encoder + "[Embedding(10, 4)] [Gru(8, ReturnSequences = true)] [Dense(12)] internal partial class Dec;\n[EncoderDecoder(typeof(Enc), typeof(Dec))] internal partial class Pair;\n");

        Assert.Equal(["RNNG021", "RNNG022"], run.GeneratorDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
    }

    /// <summary>A model with errors of its own is not reported again by the pair that names it.</summary>
    [Fact]
    public void A_broken_model_in_a_pair_is_reported_once()
    {
        var run = GeneratorHarness.Run("using RnnGen;\n" + Decoder + "[Embedding(10, 4)] [Lstm(0)] internal partial class Enc;\n[EncoderDecoder(typeof(Enc), typeof(Dec))] internal partial class Pair;\n");
        Assert.Equal("RNNG003", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Equal(["Dec.g.cs"], run.GeneratedSources.Select(s => s.HintName));
    }

    /// <summary>Descriptors that no declaration can trigger.</summary>
    private static readonly string[] s_untriggerable =
    [
        DiagnosticDescriptors.InternalError.Id, // reported only when the emitter throws
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mistake_is_reported_at_the_offending_code(string id, string markedDeclaration, string[] messageFragments)
    {
        var (declaration, expectedSpan) = Unmark("using RnnGen;\n\n" + markedDeclaration + "\n");
        var run = GeneratorHarness.Run(declaration);

        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "CS8785");
        Assert.Null(run.Result.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);

        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        foreach (string fragment in messageFragments)
        {
            Assert.True(message.Contains(fragment, StringComparison.Ordinal), $"The message of {id} should contain \"{fragment}\":\n{message}");
        }

        var lineSpan = diagnostic.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.SourcePath(0), lineSpan.Path);
        Assert.Equal(declaration[expectedSpan.Start..expectedSpan.End], declaration[diagnostic.Location.SourceSpan.Start..diagnostic.Location.SourceSpan.End]);
        Assert.Equal(expectedSpan, diagnostic.Location.SourceSpan);
        Assert.Equal(SourceText.From(declaration).Lines.GetLinePositionSpan(expectedSpan), lineSpan.Span);

        Assert.Empty(run.GeneratedSources);
        var errors = run.CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "The declaration itself should compile:\n" + GeneratorHarness.Describe(errors));
    }

    [Fact]
    public void Every_triggerable_descriptor_has_a_case()
    {
        var covered = Cases.Concat(PairCases).Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);
        var missing = AllDescriptors().Select(d => d.Id).Where(id => !covered.Contains(id) && !s_untriggerable.Contains(id));
        Assert.Empty(missing);
    }

    [Fact]
    public void Descriptors_are_errors_with_unique_ids_in_one_category()
    {
        var descriptors = AllDescriptors();
        Assert.All(descriptors, d =>
        {
            Assert.Matches("^RNNG[0-9]{3}$", d.Id);
            Assert.Equal("RnnGen", d.Category);
            Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity);
            Assert.True(d.IsEnabledByDefault);
        });
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
    }

    /// <summary>The help pages are written alongside the descriptors; a missing page fails here.</summary>
    [Fact]
    public void Every_descriptor_links_to_its_help_page_in_the_repository()
    {
        string root = RepositoryRoot();
        Assert.All(AllDescriptors(), d =>
        {
            Assert.Equal("docs/diagnostics/" + d.Id + ".md", d.HelpLinkUri);
            Assert.True(File.Exists(Path.Combine(root, d.HelpLinkUri)), $"{d.Id}: {d.HelpLinkUri} does not exist under {root}");
        });
    }

    [Fact]
    public void Every_descriptor_is_tracked_in_the_unshipped_release_notes()
    {
        string path = Path.Combine(RepositoryRoot(), "src", "RnnGen.Generator", "AnalyzerReleases.Unshipped.md");
        var rows = File.ReadAllLines(path)
            .Where(line => line.StartsWith("RNNG", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .ToDictionary(cells => cells[0], StringComparer.Ordinal);

        Assert.All(AllDescriptors(), d =>
        {
            Assert.True(rows.TryGetValue(d.Id, out var cells), $"{d.Id} is missing from {path}");
            Assert.Equal([d.Id, d.Category, d.DefaultSeverity.ToString()], cells!.Take(3));
        });
        Assert.Equal(AllDescriptors().Select(d => d.Id).Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>Independent mistakes are reported together, so a user fixes them in one pass.</summary>
    [Fact]
    public void Several_mistakes_in_one_model_are_all_reported()
    {
        var run = GeneratorHarness.Run("""
            using RnnGen;

            [RnnModel(InputSize = 3)]
            [Lstm(0, Name = "encoder")]
            [Dropout(1.5)]
            [Dense(2, Name = "encoder")]
            internal partial class Model;
            """);

        Assert.Equal(["RNNG003", "RNNG007", "RNNG008"], run.GeneratorDiagnostics.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Empty(run.GeneratedSources);
        SnapshotVerifier.Verify(run);
    }

    /// <summary>
    /// A class whose name is missing is the compiler's error (CS1001) alone: found by GeneratorPropertyTests, where
    /// RnnGen reported "'' is a record" on an empty span.
    /// </summary>
    [Theory]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial record")]
    [InlineData("[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class")]
    [InlineData("[Embedding(10, 4)] [Lstm(8)] internal partial class Enc;\n[Embedding(10, 4)] [Lstm(8, ReturnSequences = true)] [Dense(10)] internal partial class Dec;\n[EncoderDecoder(typeof(Enc), typeof(Dec))] internal partial class")]
    public void A_class_without_a_name_is_left_to_the_compiler(string declaration)
    {
        var run = GeneratorHarness.Run("using RnnGen;\n\n" + declaration + "\n");

        Assert.Null(run.Result.Exception);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id.StartsWith("RNNG", StringComparison.Ordinal));
        Assert.Contains(run.InputCompilation.GetDiagnostics(), d => d.Id == "CS1001");
    }

    /// <summary>A valid model next to a broken one is still generated: one model's errors do not block another.</summary>
    [Fact]
    public void A_broken_model_does_not_block_a_valid_one()
    {
        var run = GeneratorHarness.Run("""
            using RnnGen;

            [RnnModel(InputSize = 3)] [Lstm(0)] internal partial class Broken;
            [RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Valid;
            """);

        Assert.Equal("RNNG003", Assert.Single(run.GeneratorDiagnostics).Id);
        Assert.Equal(["Valid.g.cs"], run.GeneratedSources.Select(s => s.HintName));
        Assert.Empty(run.CompilationDiagnostics);
    }

    private static List<DiagnosticDescriptor> AllDescriptors() =>
        typeof(DiagnosticDescriptors)
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();

    /// <summary>Removes the <c>[|</c> <c>|]</c> markers and returns the span they enclosed.</summary>
    private static (string Source, TextSpan Span) Unmark(string marked)
    {
        int start = marked.IndexOf("[|", StringComparison.Ordinal);
        int end = marked.IndexOf("|]", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "The declaration must mark the expected location with [| |]: " + marked);
        string source = marked.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }

    /// <summary>The folder holding RnnGen.sln, found upwards from this file in the source tree.</summary>
    private static string RepositoryRoot([CallerFilePath] string thisFile = "")
    {
        for (var directory = new DirectoryInfo(Path.GetDirectoryName(thisFile)!); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "RnnGen.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("No RnnGen.sln above " + thisFile);
    }
}
