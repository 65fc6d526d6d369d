using System;
using System.Globalization;
using System.Linq;
using CsCheck;
using Microsoft.CodeAnalysis.CSharp;

namespace RnnGen.Generator.Tests;

/// <summary>
/// Random projects for <see cref="GeneratorPropertyTests"/>: model declarations built from every layer attribute
/// and option with sizes, names, activations and rates in and out of range, written on class shapes the generator
/// must refuse or handle (nested, generic, record, static, primary constructor, file-local, keyword names), spelled
/// in several ways, sometimes without <c>using RnnGen;</c>, sometimes with a syntax error, sometimes next to an
/// <c>[EncoderDecoder]</c> pair. Most values are valid, so that many declarations get as far as generated code.
/// </summary>
internal static class RandomDeclarations
{
    /// <summary>A compilation's sources, in order (<c>Source0.cs</c>, ...).</summary>
    public sealed record Project(string[] Sources)
    {
        public override string ToString() =>
            string.Join("\n", Sources.Select((source, index) => "// " + GeneratorHarness.SourcePath(index) + "\n" + source));
    }

    /// <summary>Types the random models name as base classes or as the non-models of a pair; always compiled in.</summary>
    public const string SupportSource = """
        public class ModelBase { }
        public class ModelBaseWithArguments { public ModelBaseWithArguments(int size) { _ = size; } }
        public sealed class SealedBase { }
        public class PlainType { }
        """;

    /// <summary>Sizes: mostly small and valid; sometimes 0, negative, at the limit of 2^24, or far beyond it.</summary>
    private static readonly Gen<int> Size = Gen.Frequency(
        (40, Gen.Int[1, 9]),
        (3, Gen.Int[10, 300]),
        (1, Gen.Const(0)),
        (1, Gen.Int[-3, -1]),
        (1, Gen.OneOf(16_777_216, 16_777_217, 40_000, int.MaxValue, int.MinValue)));

    private static readonly Gen<int> LayerCount = Gen.Frequency(
        (20, Gen.Int[1, 3]),
        (1, Gen.OneOf(0, -1, 64, 65, int.MaxValue)));

    /// <summary>Valid names, names that clash with generated ones, and names RNNG013 must refuse.</summary>
    private static readonly Gen<string> NameOption = Gen.Frequency(
            (4, Gen.OneOf<string?>("encoder", "decoder", "a", "a.b", "x_1", "lstm", "gru", "dense", "dropout", "embedding", "simple_rnn", "lstm_l0", "dense_output", "_", "Z9")),
            (1, Gen.OneOf<string?>("", " ", "bad name", "1st", "a-b", "ü", "a\"b", "class", "a..b", ".a", "a.", "\n", null)))
        .Select(name => "Name = " + (name is null ? "null" : SymbolDisplay.FormatLiteral(name, quote: true)));

    private static readonly Gen<string> ActivationOption = Gen.Frequency(
            (4, Gen.OneOf("Activation.None", "Activation.Tanh", "Activation.Sigmoid", "Activation.Relu", "Activation.Softmax", "(Activation)3")),
            (1, Gen.OneOf("(Activation)99", "(Activation)(-1)", "default", "(Activation)5")))
        .Select(value => "Activation = " + value);

    private static readonly Gen<string> Rate = Gen.Frequency(
        (4, Gen.OneOf("0", "0.0", "0.25", "0.5", "0.999", "-0.0", "double.Epsilon", "0.2f", "1e-300", "0.99999999999999994")),
        (1, Gen.OneOf("1", "1.0", "1.5", "-0.1", "double.NaN", "double.PositiveInfinity", "0.99999999999999999", "-1e-300")));

    /// <summary>One named argument with the given chance in percent, else nothing.</summary>
    private static Gen<string?> Maybe(int percent, Gen<string> option) =>
        Gen.Int[0, 99].SelectMany(roll => roll < percent ? option.Select(text => (string?)text) : Gen.Const((string?)null));

    private static string Attribute(string name, params string?[] arguments)
    {
        var present = arguments.Where(a => a is not null).ToArray();
        return present.Length == 0 ? name : name + "(" + string.Join(", ", present) + ")";
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static readonly Gen<string> Recurrent =
        Gen.OneOf("SimpleRnn", "Lstm", "Gru").SelectMany(kind => Gen.Select(
            Size,
            Maybe(20, LayerCount.Select(n => "Layers = " + Invariant(n))),
            Maybe(25, Gen.Bool.Select(b => "Bidirectional = " + (b ? "true" : "false"))),
            Maybe(30, Gen.Bool.Select(b => "ReturnSequences = " + (b ? "true" : "false"))),
            Maybe(15, NameOption),
            // Only SimpleRnn has Activation; on Lstm and Gru it is a compiler error the generator must survive.
            Maybe(kind == "SimpleRnn" ? 40 : 2, ActivationOption),
            (size, layers, bidirectional, sequences, name, activation) =>
                Attribute(kind, Invariant(size), layers, bidirectional, sequences, name, activation)));

    private static readonly Gen<string> Dense = Gen.Select(
        Size, Maybe(40, ActivationOption), Maybe(15, NameOption),
        (units, activation, name) => Attribute("Dense", Invariant(units), activation, name));

    private static readonly Gen<string> Dropout = Gen.Select(
        Rate, Maybe(10, NameOption),
        (rate, name) => Attribute("Dropout", rate, name));

    private static readonly Gen<string> Embedding = Gen.Select(
        Size, Size, Maybe(15, NameOption),
        (vocabulary, dimension, name) => Attribute("Embedding", Invariant(vocabulary), Invariant(dimension), name));

    private static readonly Gen<string> Layer = Gen.Frequency(
        (8, Recurrent), (4, Dense), (2, Dropout));

    private static readonly Gen<string[]> Layers = Gen.Frequency(
        (1, Gen.Const(Array.Empty<string>())),
        (12, Layer.Array[1, 4]),
        (2, Layer.Array[5, 6]));

    private static readonly Gen<string> InputSize = Size.Select(size => "RnnModel(InputSize = " + Invariant(size) + ")");

    /// <summary>
    /// The attribute list of a model: usually [RnnModel(InputSize = n)] or an [Embedding] first and then layers;
    /// sometimes anything in any order, including an [RnnModel] without InputSize or after the layers.
    /// </summary>
    private static readonly Gen<string[]> Attributes = Gen.Frequency(
        (8, Gen.Select(InputSize, Layers, (model, layers) => (string[])[model, .. layers])),
        (4, Gen.Select(Embedding, Layers, Gen.Frequency((4, Gen.Const("")), (1, Gen.Const("RnnModel"))),
            (embedding, layers, model) => model.Length == 0 ? (string[])[embedding, .. layers] : [model, embedding, .. layers])),
        (2, Gen.Select(
            Gen.OneOf(InputSize, Gen.Const("RnnModel"), Gen.Const("RnnModel()"), Gen.Const("")),
            Gen.Frequency((8, Layer), (1, Embedding)).Array[1, 6],
            Gen.Int[0, 6],
            (model, layers, position) =>
            {
                var all = layers.ToList();
                if (model.Length > 0)
                {
                    all.Insert(Math.Min(position, all.Count), model);
                }

                return all.ToArray();
            })));

    /// <summary>How the attribute names are written: short, qualified, with the Attribute suffix, one list or several.</summary>
    private static readonly Gen<Func<string[], string>> AttributeSpelling = Gen.Select(
        Gen.Frequency((12, ""), (1, "RnnGen."), (1, "global::RnnGen.")),
        Gen.Frequency((12, Gen.Const(false)), (1, Gen.Const(true))),
        Gen.OneOf(0, 1, 2),
        (prefix, suffix, layout) => (Func<string[], string>)(attributes =>
        {
            var spelled = attributes.Select(a => prefix + (suffix ? AddSuffix(a) : a)).ToArray();
            return layout switch
            {
                0 => string.Concat(spelled.Select(a => "[" + a + "] ")),
                1 => string.Concat(spelled.Select(a => "[" + a + "]\n")),
                _ => spelled.Length == 0 ? "" : "[" + string.Join(", ", spelled) + "]\n",
            };
        }));

    private static string AddSuffix(string attribute)
    {
        int open = attribute.IndexOf('(', StringComparison.Ordinal);
        return open < 0 ? attribute + "Attribute" : attribute.Insert(open, "Attribute");
    }

    private static readonly Gen<string> ClassName = Gen.Select(
        Gen.Frequency(
            (6, Gen.OneOf("Model", "Net", "Tagger", "Ünïcode", "_hidden", "model")),
            (1, Gen.OneOf("@class", "@event", "State", "Step", "Parameters", "Forward", "Encoder", "Decoder", "RnnGen", "System", "Math", "Activation", "Lstm", "Span", "LstmHiddenSize", "DenseWeight", "ForwardLstm", "LstmTagger", "_steps"))),
        Gen.Int[0, 3],
        (name, suffix) => suffix == 0 ? name : name + Invariant(suffix));

    /// <summary>A class declaration: modifiers, keyword, name, type parameters, primary constructor, base, body.</summary>
    private static readonly Gen<Func<string, string>> ClassShape = Gen.Select(
        Gen.Frequency((16, "internal "), (16, "public "), (8, ""), (1, "file "), (1, "private ")),
        Gen.Frequency((40, "partial "), (2, ""), (1, "static partial "), (2, "sealed partial "), (1, "abstract partial "), (1, "unsafe partial ")),
        Gen.Frequency((90, "class"), (1, "record"), (1, "record class"), (1, "struct"), (1, "interface")),
        ClassName,
        Gen.Frequency((40, ""), (2, "<T>"), (1, "<T, U>")),
        Gen.Frequency((40, ""), (1, "(int size)"), (1, "()")),
        Gen.Frequency((50, ""), (1, " : global::System.Object"), (1, " : global::ModelBase"), (1, " : global::ModelBaseWithArguments"), (1, " : global::SealedBase"), (1, " : global::System.IDisposable")),
        Gen.Int[0, 23],
        (access, modifiers, keyword, name, typeParameters, primary, baseList, body) => (Func<string, string>)(attributes =>
        {
            string constructorName = name.Split('<')[0];
            string members = body switch
            {
                < 8 => ";",
                < 12 => " { }",
                < 14 => " { public int Epochs() => 1; }",
                < 15 => " { public " + constructorName + "(int size) : this(size, 4, 7) { } }",
                < 16 => " { public " + constructorName + "(int size) { _ = size; } }",
                < 17 => " { public " + constructorName + "() : this(2) { } }",
                < 18 => "\n{\n    /// <summary>Trains.</summary>\n    public void Train() { }\n}",
                < 19 => " { private readonly int _size = 3; public int Size => _size; }",
                // members that take, or only overload, names the generator gives its own (RNNG025)
                < 20 => " { private readonly int _steps = 3; public int Steps => _steps; }",
                < 21 => " { public const int LstmHiddenSize = 1; }",
                < 22 => " { public void Forward(int steps) { _ = steps; } }",
                _ => " { public struct State { } }",
            };
            string doc = body % 3 == 0 ? "/// <summary>A model.</summary>\n" : "";
            return doc + attributes + access + modifiers + keyword + " " + name + typeParameters + primary + baseList + members;
        }));

    /// <summary>0 to 2 enclosing types, partial or not, generic or not, of every kind that can hold a class.</summary>
    private static readonly Gen<string[]> EnclosingTypes = Gen.Frequency(
        (16, Gen.Const(Array.Empty<string>())),
        (4, Gen.OneOf(
                "partial class Outer#", "internal static partial class Outer#", "public partial struct Outer#", "partial record Outer#",
                "partial record struct Outer#", "public partial interface IOuter#", "class Outer#", "partial class Outer#<T>", "file partial class Outer#")
            .Array[1, 2]));

    private static readonly Gen<string> ModelDeclaration = Gen.Select(
        Attributes, AttributeSpelling, ClassShape, EnclosingTypes,
        (attributes, spelling, shape, enclosing) =>
        {
            string text = shape(spelling(attributes));
            for (int i = enclosing.Length - 1; i >= 0; i--)
            {
                text = enclosing[i].Replace("#", Invariant(i), StringComparison.Ordinal) + "\n{\n" + text + "\n}";
            }

            return text;
        });

    /// <summary>Types in the model's namespace that shadow names generated code could use unqualified.</summary>
    private static readonly Gen<string> Shadowing = Gen.Frequency(
        (24, ""),
        (1, "internal static class Math { }\n"),
        (1, "internal static class MathF { }\n"),
        (1, "internal sealed class Span<T> { }\n"),
        (1, "internal static class MemoryMarshal { }\n"),
        (1, "internal sealed class ArgumentException { }\n"),
        (1, "internal static class Unsafe { }\n"),
        (1, "internal sealed class Activation { }\n"),
        (1, "internal sealed class ParameterSet { }\n"));

    private static readonly Gen<(string Open, string Close)> Namespace = Gen.Frequency(
        (4, ("", "")),
        (3, ("namespace Shapes;\n", "")),
        (2, ("namespace Shapes.Inner\n{\n", "\n}")),
        (1, ("namespace @class;\n", "")),
        (1, ("namespace RnnGen.User;\n", "")),
        (1, ("namespace Mnist.System;\n", "")),
        (1, ("namespace Mnist.RnnGen;\n", "")));

    private static readonly Gen<string> Usings = Gen.Frequency(
        (24, "using RnnGen;\n"),
        (1, ""),
        (1, "using static RnnGen.Activation;\nusing RnnGen;\n"),
        (1, "global using RnnGen;\n"),
        (2, "using System;\nusing RnnGen;\n"));

    private static readonly Func<string, string> Unchanged = text => text;

    /// <summary>With a small chance, one syntax error: a deleted character, a stray token, or the file cut short.</summary>
    private static readonly Gen<Func<string, string>> SyntaxError = Gen.Frequency(
        (29, Gen.Const(Unchanged)),
        (1, Gen.Select(
            Gen.Int[0, 2],
            Gen.Int[0, int.MaxValue],
            Gen.OneOf("{", "}", "(", ")", "[", "]", ",", ";", "\"", "/*", "class", "=", "partial"),
            (kind, where, token) => (Func<string, string>)(text =>
            {
                int position = where % Math.Max(text.Length, 1);
                return kind switch
                {
                    0 => text.Length == 0 ? text : text.Remove(position, 1),
                    1 => text.Insert(position, token),
                    _ => text[..position],
                };
            }))));

    private static readonly Gen<string> ModelFile = Gen.Select(
        Usings, Namespace, Shadowing, Gen.Frequency((3, ModelDeclaration.Array[1]), (1, ModelDeclaration.Array[2])), SyntaxError,
        (usings, ns, shadowing, models, error) => error(usings + ns.Open + shadowing + string.Join("\n\n", models) + ns.Close + "\n"));

    /// <summary>
    /// An encoder and a decoder that match or almost match (kind, size, stacking, direction, vocabulary), and a
    /// pair class that names them, other models, non-models or missing types.
    /// </summary>
    private static readonly Gen<string> PairFile = Gen.Select(
        Gen.Select(
            Gen.OneOf("Lstm", "Gru", "SimpleRnn"),
            Gen.Frequency((6, 0), (1, 1), (1, 2)),
            Gen.OneOf(4, 8),
            Gen.Frequency((5, 0), (1, 4)),
            Gen.Frequency((4, 1), (1, 2)),
            Gen.Frequency((4, 0), (1, 1)),
            (kind, otherKind, hidden, hiddenChange, layers, layersChange) => (kind, otherKind, hidden, hiddenChange, layers, layersChange)),
        Gen.Select(
            Gen.Frequency((6, ""), (1, ", Bidirectional = true")),
            Gen.Frequency((6, ", ReturnSequences = true"), (1, "")),
            Gen.Frequency((6, "Dense(10)"), (1, "Dense(11)"), (1, "Dense(10, Activation = Activation.Softmax)"), (1, "Dropout(0.1)")),
            Gen.Frequency((6, "Embedding(10, 3)"), (1, "RnnModel(InputSize = 3)")),
            (bidirectional, sequences, head, decoderInput) => (bidirectional, sequences, head, decoderInput)),
        Gen.Frequency((8, Gen.Const("PairEncoder")), (1, Gen.OneOf("PairDecoder", "global::PlainType", "int", "Missing", "Pair", "Model", "Shapes.Model", "PairEncoder[]"))),
        Gen.Frequency((8, Gen.Const("PairDecoder")), (1, Gen.OneOf("PairEncoder", "global::PlainType", "string", "Missing", "Pair", "Model"))),
        Gen.Frequency(
            (8, Gen.Const((true, true))),
            (1, Gen.Const((false, true))),
            (1, Gen.Const((true, false)))),
        Gen.Frequency((12, "internal partial class Pair;"), (1, "internal class Pair;"), (1, "internal partial record Pair;"),
            (1, "internal partial class Encoder;"), (1, "[RnnModel(InputSize = 3)] [Lstm(4)] internal partial class Pair;"),
            (1, "internal static partial class Pair;"), (1, "internal partial class Pair<T>;")),
        (encoderShape, decoderShape, encoderName, decoderName, typeofSpelling, pairClass) =>
        {
            var (kind, otherKind, hidden, hiddenChange, layers, layersChange) = encoderShape;
            var (bidirectional, sequences, head, decoderInput) = decoderShape;
            string[] kinds = ["Lstm", "Gru", "SimpleRnn"];
            string decoderKind = kinds[(Array.IndexOf(kinds, kind) + otherKind) % 3];
            string encoder = $"[Embedding(10, 4)] [{kind}({Invariant(hidden)}, Layers = {Invariant(layers)}{bidirectional})] internal partial class PairEncoder;";
            string decoder = $"[{decoderInput}] [{decoderKind}({Invariant(hidden + hiddenChange)}, Layers = {Invariant(layers + layersChange)}{sequences})] [{head}] internal partial class PairDecoder;";
            string first = typeofSpelling.Item1 ? $"typeof({encoderName})" : "null";
            string second = typeofSpelling.Item2 ? $"typeof({decoderName})" : "typeof(void)";
            return $"using RnnGen;\n\n{encoder}\n{decoder}\n\n[EncoderDecoder({first}, {second})]\n{pairClass}\n";
        });

    /// <summary>1 or 2 files of models, the support types, and in one project of six an [EncoderDecoder] file.</summary>
    public static readonly Gen<Project> Projects = Gen.Select(
        Gen.Frequency((3, ModelFile.Array[1]), (1, ModelFile.Array[2])),
        Gen.Frequency((5, Gen.Const((string?)null)), (1, PairFile.Select(file => (string?)file))),
        (models, pair) => new Project([.. models, SupportSource, .. pair is null ? Array.Empty<string>() : [pair]]));
}
