using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>
/// Reads <c>[EncoderDecoder(typeof(E), typeof(D))]</c> and checks the pair against the specs of the models of the
/// compilation. The lookup goes through the parsed specs, not the symbols, so an edit to either model reaches the pair.
/// </summary>
internal static class PairParser
{
    public static PairDeclaration? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type
            || context.Attributes.Length != 1
            || context.TargetNode is TypeDeclarationSyntax { Identifier.IsMissing: true })
        {
            return null;
        }

        var attribute = context.Attributes[0];
        var reader = new AttributeReader(attribute, cancellationToken);
        if (reader.HasErrors
            || attribute.ConstructorArguments.Length != 2
            || IsErrorType(attribute.ConstructorArguments[0].Value)
            || IsErrorType(attribute.ConstructorArguments[1].Value))
        {
            return null; // the compiler reports the malformed attribute
        }

        var diagnostics = new List<DiagnosticInfo>();
        var typeLocation = ModelParser.TypeLocation(context.TargetNode);
        ModelParser.CheckType(type, typeLocation, GeneratedMembers.PairApi, "models and buffers", "maxBatch, maxSourceSteps, maxTargetSteps, seed", diagnostics, out var containingTypes);
        if (diagnostics.Count == 0 && type.GetAttributes().Any(a => AttributeNames.All.Contains(ModelParser.MetadataName(a.AttributeClass))))
        {
            ModelParser.Report(diagnostics, DiagnosticDescriptors.PairWithLayers, reader.Location, type.Name);
        }

        return new PairDeclaration(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            new EquatableArray<ContainingType>(containingTypes),
            ModelParser.Escape(type.Name),
            ModelParser.Visibility(type),
            ArgumentName(attribute.ConstructorArguments[0].Value),
            ArgumentName(attribute.ConstructorArguments[1].Value),
            reader.PositionalLocation(0),
            reader.PositionalLocation(1),
            new EquatableArray<DiagnosticInfo>(diagnostics),
            diagnostics.Count == 0 ? ModelParser.CollectUserNames(type, typeLocation, []) : UserNames.None);
    }

    private static bool IsErrorType(object? value) => value switch
    {
        IArrayTypeSymbol array => IsErrorType(array.ElementType),
        IPointerTypeSymbol pointer => IsErrorType(pointer.PointedAtType),
        ITypeSymbol type => type.TypeKind == TypeKind.Error,
        _ => false,
    };

    /// <summary>
    /// The name <see cref="Find"/> looks up: a named type's qualified name, else a spelling no model has
    /// (<c>null</c>, an array, a pointer), so that RNNG020 names it instead of the pair being skipped without a word.
    /// </summary>
    private static string ArgumentName(object? value) => value switch
    {
        INamedTypeSymbol type => ModelParser.QualifiedName(type),
        ITypeSymbol type => "global::" + type.ToDisplayString(),
        _ => "global::null",
    };

    /// <summary>Finds both models among <paramref name="models"/> and checks that they make a pair.</summary>
    public static PairResult Resolve(PairDeclaration declaration, EquatableArray<ModelSpec> models, EquatableArray<string> invalidModels)
    {
        if (declaration.Diagnostics.Count > 0)
        {
            return new PairResult(null, declaration.Diagnostics);
        }

        var diagnostics = new List<DiagnosticInfo>();
        var encoder = Find(declaration.Encoder, "encoder", declaration.EncoderLocation, models, invalidModels, diagnostics);
        var decoder = Find(declaration.Decoder, "decoder", declaration.DecoderLocation, models, invalidModels, diagnostics);
        if (encoder is null || decoder is null)
        {
            return new PairResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
        }

        CheckUsable(declaration, encoder, "encoder", declaration.EncoderLocation, diagnostics);
        CheckUsable(declaration, decoder, "decoder", declaration.DecoderLocation, diagnostics);
        if (diagnostics.Count == 0)
        {
            // both in one build: a decoder that cannot decode may also not take the encoder's state (a question only
            // for a decoder with a recurrent layer that runs left to right)
            CheckDecoder(decoder, declaration.DecoderLocation, diagnostics);
            if (decoder.StateSize > 0 && decoder.CanStep)
            {
                CheckStates(encoder, decoder, declaration.EncoderLocation, diagnostics);
            }
        }

        return new PairResult(diagnostics.Count == 0 ? new PairSpec(declaration, encoder, decoder) : null, new EquatableArray<DiagnosticInfo>(diagnostics));
    }

    private static ModelSpec? Find(string name, string role, LocationInfo? location, EquatableArray<ModelSpec> models, EquatableArray<string> invalidModels, List<DiagnosticInfo> diagnostics)
    {
        foreach (var model in models)
        {
            if (model.QualifiedName == name)
            {
                return model;
            }
        }

        // A model with errors of its own has them reported already; one more error here would only be noise.
        if (!invalidModels.Contains(name))
        {
            ModelParser.Report(diagnostics, DiagnosticDescriptors.NotAModel, location, role, name.Substring("global::".Length));
        }

        return null;
    }

    /// <summary>The pair creates each model with <c>new</c> and exposes it as a public property (Encoder, Decoder).</summary>
    private static void CheckUsable(PairDeclaration pair, ModelSpec model, string role, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string pairName = pair.TypeName.TrimStart('@');
        if (model.IsAbstract)
        {
            ModelParser.Report(diagnostics, DiagnosticDescriptors.PairCannotUseModel, location, role, Short(model), "is abstract", "the pair creates it with 'new', so remove 'abstract'");
        }
        else if (model.Visibility < pair.Visibility)
        {
            ModelParser.Report(
                diagnostics,
                DiagnosticDescriptors.PairCannotUseModel,
                location,
                role,
                Short(model),
                "is " + Keyword(model.Visibility) + " but '" + pairName + "' is " + Keyword(pair.Visibility),
                "the pair exposes it as a public property, so make '" + Short(model) + "' " + Keyword(pair.Visibility) + " (with any type it is nested in), or '" + pairName + "' " + Keyword(model.Visibility));
        }
    }

    private static string Keyword(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.ProtectedAndInternal => "private protected",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.Public => "public",
        _ => "internal",
    };

    /// <summary>A decoder is fed its own predictions one token at a time, so it must read tokens and predict them.</summary>
    private static void CheckDecoder(ModelSpec decoder, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        string? problem = null;
        string? fix = null;
        if (!decoder.TokenInput)
        {
            problem = "reads feature vectors, not token ids";
            fix = "start it with [Embedding(vocabulary, dimension)] so it can read the tokens it predicts";
        }
        else if (!decoder.CanStep)
        {
            problem = "has a bidirectional layer";
            fix = "a decoder generates left to right one token at a time, so remove Bidirectional";
        }
        else if (decoder.StateSize == 0)
        {
            problem = "has no recurrent layer";
            fix = "add the recurrent layer whose initial state the encoder sets, e.g. [Lstm(128)]";
        }
        else if (!decoder.ReturnsSequences)
        {
            problem = "outputs one vector per sequence";
            fix = "it must predict a token at every step, so set ReturnSequences = true on its last recurrent layer";
        }
        else if (decoder.Last.Kind != LayerKind.Dense || decoder.Last.Activation != ActivationKind.None)
        {
            problem = "does not end with logits";
            fix = "end it with [Dense(" + Invariant(decoder.InputSize) + ")] without Activation: training applies softmax itself and decoding reads log-probabilities";
        }
        else if (decoder.OutputSize != decoder.InputSize)
        {
            problem = "predicts " + Invariant(decoder.OutputSize) + " classes but reads " + Invariant(decoder.InputSize) + " token ids";
            fix = "its predictions are fed back as inputs, so make the last Dense size equal to the Embedding vocabulary";
        }

        if (problem is not null)
        {
            ModelParser.Report(diagnostics, DiagnosticDescriptors.DecoderCannotDecode, location, Short(decoder), problem, fix!);
        }
    }

    /// <summary>
    /// The encoder's recurrent layers hand their final states to the decoder's, one to one: same cell state (h, or h and
    /// c), same stacked layers, and the same hidden size, or twice it after a bidirectional encoder (directions concatenated).
    /// </summary>
    private static void CheckStates(ModelSpec encoder, ModelSpec decoder, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        var from = encoder.Layers.Where(l => l.Kind == LayerKind.Recurrent).ToList();
        var to = decoder.Layers.Where(l => l.Kind == LayerKind.Recurrent).ToList();
        string? fix = null;
        if (from.Count != to.Count)
        {
            fix = from.Count == 0
                ? "the encoder has no recurrent layer, so it has no state to hand over"
                : "they have " + Invariant(from.Count) + " and " + Invariant(to.Count) + " recurrent layer attributes; declare the same number, each stacked the same way";
        }
        else
        {
            for (int i = 0; i < from.Count && fix is null; i++)
            {
                var (e, d) = (from[i], to[i]);
                if ((e.Cell == CellKind.Lstm) != (d.Cell == CellKind.Lstm))
                {
                    fix = "an LSTM state has a cell state c besides h, so '" + e.Name + "' and '" + d.Name + "' must both be LSTMs or both not";
                }
                else if (e.Stack != d.Stack)
                {
                    fix = "'" + e.Name + "' stacks " + Invariant(e.Stack) + " layers and '" + d.Name + "' " + Invariant(d.Stack) + "; give them the same Layers";
                }
                else if (d.Units != e.Directions * e.Units)
                {
                    fix = e.Bidirectional
                        ? "a bidirectional encoder's two directions are concatenated, so '" + d.Name + "' needs hidden size " + Invariant(2 * e.Units) + ", twice that of '" + e.Name + "'"
                        : "'" + d.Name + "' needs the hidden size of '" + e.Name + "', " + Invariant(e.Units);
                }
            }
        }

        if (fix is not null)
        {
            ModelParser.Report(diagnostics, DiagnosticDescriptors.StatesDoNotFit, location, Short(encoder), Describe(from), Short(decoder), Describe(to), fix);
        }
    }

    private static string Describe(List<LayerSpec> layers) =>
        layers.Count == 0
            ? "no recurrent state"
            : string.Join(", ", layers.Select(l =>
                l.Cell.ToString().ToUpperInvariant().Replace("SIMPLERNN", "RNN")
                + (l.Bidirectional ? " bidirectional" : string.Empty)
                + " " + Invariant(l.Stack) + "×" + Invariant(l.Units)));

    private static string Short(ModelSpec model) => model.TypeName.TrimStart('@');

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
