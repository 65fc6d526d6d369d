using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>Turns an attributed class into a <see cref="ModelSpec"/> and diagnostics. Emits nothing.</summary>
internal static class ModelParser
{
    /// <summary>
    /// Parses the model that <paramref name="context"/> points at, or returns null when another attribute of the
    /// same class is the one that triggers generation (only the class's first RnnGen attribute does).
    /// </summary>
    public static ModelParseResult? Parse(GeneratorAttributeSyntaxContext context, string triggerName, CancellationToken cancellationToken)
    {
        // A class without a name is a syntax error the compiler reports (CS1001); a message about '' would be noise.
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is TypeDeclarationSyntax { Identifier.IsMissing: true })
        {
            return null;
        }

        var attributes = new List<(string Name, AttributeData Data)>();
        foreach (var attribute in type.GetAttributes())
        {
            string? name = MetadataName(attribute.AttributeClass);
            if (name is not null && AttributeNames.All.Contains(name))
            {
                attributes.Add((name, attribute));
            }
        }

        if (attributes.Count == 0 || !IsTrigger(attributes[0], triggerName, context.TargetNode))
        {
            return null;
        }

        var diagnostics = new List<DiagnosticInfo>();
        var spec = ParseModel(type, context.TargetNode, attributes, diagnostics, cancellationToken);
        if (diagnostics.Count > 0 || spec is null)
        {
            return new ModelParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics), QualifiedName(type), UserNames.None);
        }

        var userNames = CollectUserNames(type, TypeLocation(context.TargetNode), spec.Layers.Select(layer => layer.Identifier).ToList());
        return new ModelParseResult(spec, EquatableArray<DiagnosticInfo>.Empty, QualifiedName(type), userNames);
    }

    private static bool IsTrigger((string Name, AttributeData Data) first, string triggerName, SyntaxNode target)
    {
        var reference = first.Data.ApplicationSyntaxReference;
        return first.Name == triggerName
            && reference is not null
            && reference.SyntaxTree == target.SyntaxTree
            && target.Span.Contains(reference.Span);
    }

    private static ModelSpec? ParseModel(
        INamedTypeSymbol type,
        SyntaxNode target,
        List<(string Name, AttributeData Data)> attributes,
        List<DiagnosticInfo> diagnostics,
        CancellationToken cancellationToken)
    {
        var typeLocation = TypeLocation(target);
        if (!CheckType(type, typeLocation, diagnostics, out var containingTypes))
        {
            return null;
        }

        if (attributes.Select(a => a.Data.ApplicationSyntaxReference?.GetSyntax(cancellationToken).FirstAncestorOrSelf<TypeDeclarationSyntax>()).Distinct().Count() > 1)
        {
            Report(diagnostics, DiagnosticDescriptors.LayersInSeveralDeclarations, typeLocation, type.Name);
            return null;
        }

        var readers = attributes.Select(a => (a.Name, Reader: new AttributeReader(a.Data, cancellationToken))).ToList();
        if (readers.Any(r => r.Reader.HasErrors))
        {
            return null; // the compiler already reports the malformed attribute
        }

        int inputSize = 0;
        AttributeReader? model = null;
        var layerReaders = new List<(string Name, AttributeReader Reader)>();
        foreach (var (name, reader) in readers)
        {
            if (name == AttributeNames.RnnModel)
            {
                model = reader;
                model.TryGetNamed("InputSize", out inputSize);
            }
            else
            {
                layerReaders.Add((name, reader));
            }
        }

        if (layerReaders.Count == 0)
        {
            Report(diagnostics, DiagnosticDescriptors.NoLayers, model?.Location ?? typeLocation, type.Name);
            return null;
        }

        bool tokenInput = layerReaders[0].Name == AttributeNames.Embedding;
        bool inputSizeGiven = model is not null && model.TryGetNamed<int>("InputSize", out _);
        if (tokenInput && inputSizeGiven)
        {
            Report(diagnostics, DiagnosticDescriptors.InputSizeWithEmbedding, model!.NamedLocation("InputSize"), type.Name, Invariant(inputSize));
        }
        else if (!tokenInput && !inputSizeGiven)
        {
            Report(diagnostics, DiagnosticDescriptors.InputSizeMissing, model?.Location ?? typeLocation, type.Name);
        }
        else if (!tokenInput && inputSize < 1)
        {
            Report(diagnostics, DiagnosticDescriptors.SizeNotPositive, model!.NamedLocation("InputSize"), "RnnModel", "InputSize", Invariant(inputSize));
        }
        else if (!tokenInput && inputSize > DiagnosticDescriptors.MaxSize)
        {
            Report(diagnostics, DiagnosticDescriptors.ModelTooLarge, model!.NamedLocation("InputSize"), "[RnnModel]", "InputSize is " + Invariant(inputSize) + ", more than " + Grouped(DiagnosticDescriptors.MaxSize));
        }

        var layers = ParseLayers(layerReaders, tokenInput ? 1 : inputSize, diagnostics);
        if (diagnostics.Count > 0)
        {
            return null;
        }

        var spec = new ModelSpec(
            type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            new EquatableArray<ContainingType>(containingTypes),
            Escape(type.Name),
            tokenInput,
            tokenInput ? layers[0].Vocabulary : inputSize,
            new EquatableArray<LayerSpec>(layers),
            Visibility(type),
            type.IsAbstract);

        // summed in decimal: each layer's count fits a long, but a few dozen of the largest layers would not
        decimal parameters = layers.Sum(layer => (decimal)layer.ParameterCount);
        if (parameters > DiagnosticDescriptors.MaxParameterCount)
        {
            Report(diagnostics, DiagnosticDescriptors.ModelTooLarge, typeLocation, "Model '" + type.Name + "'", "it has " + parameters.ToString("N0", CultureInfo.InvariantCulture) + " parameters, more than the limit of 268,435,456 (1 GiB of float32)");
            return null;
        }


        return spec;
    }

    private static bool CheckType(INamedTypeSymbol type, LocationInfo? location, List<DiagnosticInfo> diagnostics, out List<ContainingType> containingTypes) =>
        CheckType(type, location, GeneratedMembers.ModelApi, "model's buffers", "maxBatch, maxSteps, seed", diagnostics, out containingTypes);

    /// <summary>
    /// The class's name and its own members, each kept (with where it is) only if an emitter might use the name, so
    /// that <see cref="GeneratedMembers.Clashes"/> can check them against the written code.
    /// </summary>
    internal static UserNames CollectUserNames(INamedTypeSymbol type, LocationInfo? typeLocation, IReadOnlyCollection<string> layerIdentifiers)
    {
        var members = new List<UserMember>();
        foreach (var member in type.GetMembers())
        {
            // constructors, accessors, operators and explicit implementations cannot be named like a generated member
            if (member.IsImplicitlyDeclared || !member.CanBeReferencedByName || !GeneratedMembers.MayBeGenerated(member.Name, layerIdentifiers))
            {
                continue;
            }

            var location = member.Locations.FirstOrDefault(l => l.IsInSource);
            members.Add(new UserMember(member.Name, KindOf(member), (member as INamedTypeSymbol)?.Arity ?? 0, LocationInfo.From(location)));
        }

        return new UserNames(GeneratedMembers.MayBeGenerated(type.Name, layerIdentifiers) ? typeLocation : null, new EquatableArray<UserMember>(members));
    }

    /// <summary>A member's kind as RNNG025 says it: field, constant, property, event, method or type.</summary>
    internal static string KindOf(ISymbol member) => member switch
    {
        IFieldSymbol { IsConst: true } => "constant",
        IFieldSymbol => "field",
        IPropertySymbol => "property",
        IEventSymbol => "event",
        IMethodSymbol => "method",
        _ => "type",
    };

    /// <summary>Where a diagnostic about the class goes: its name in the declaration.</summary>
    internal static LocationInfo? TypeLocation(SyntaxNode target) =>
        LocationInfo.From((target as TypeDeclarationSyntax)?.Identifier.GetLocation() ?? target.GetLocation());

    /// <summary>
    /// Checks that the class can take generated members and a generated constructor, whose parameters
    /// <paramref name="constructorArguments"/> names and which allocates <paramref name="constructed"/>; lists its enclosing types.
    /// </summary>
    internal static bool CheckType(INamedTypeSymbol type, LocationInfo? location, HashSet<string> reservedNames, string constructed, string constructorArguments, List<DiagnosticInfo> diagnostics, out List<ContainingType> containingTypes)
    {
        containingTypes = [];
        if (type.IsStatic || type.IsRecord)
        {
            Report(diagnostics, DiagnosticDescriptors.NotInstanceClass, location, type.Name, type.IsStatic ? "static" : "a record",
                type.IsStatic ? "in each instance (one per thread, say)" : "that must not be shared by copies");
            return false;
        }

        if (reservedNames.Contains(type.Name))
        {
            Report(diagnostics, DiagnosticDescriptors.ReservedTypeName, location, type.Name);
            return false;
        }

        string? shape = UnsupportedShape(type);
        if (shape is not null)
        {
            Report(diagnostics, DiagnosticDescriptors.UnsupportedTypeShape, location, type.Name, shape);
            return false;
        }

        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax() is ConstructorDeclarationSyntax declaration
                    && declaration.Initializer?.ThisOrBaseKeyword.IsKind(SyntaxKind.ThisKeyword) != true)
                {
                    Report(diagnostics, DiagnosticDescriptors.ConstructorMustChain, LocationInfo.From(declaration.Identifier.GetLocation()), type.Name, constructed, constructorArguments);
                    return false;
                }
            }
        }

        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeParameters.Length > 0)
            {
                Report(diagnostics, DiagnosticDescriptors.GenericModel, location, type.Name);
                return false;
            }

            if (!IsPartial(current))
            {
                Report(diagnostics, DiagnosticDescriptors.NotPartial, location, current.Name, TypeKeyword(current));
                return false;
            }

            if (!SymbolEqualityComparer.Default.Equals(current, type))
            {
                containingTypes.Insert(0, new ContainingType(TypeKeyword(current), Escape(current.Name)));
            }
        }

        return true;
    }

    /// <summary>
    /// Who can see <paramref name="type"/>: the least of its own accessibility and that of every type it is nested in
    /// (Roslyn orders the values from private to public; protected and internal, not comparable, count as such).
    /// </summary>
    internal static Accessibility Visibility(INamedTypeSymbol type)
    {
        var visibility = type.DeclaredAccessibility;
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            visibility = outer.DeclaredAccessibility < visibility ? outer.DeclaredAccessibility : visibility;
        }

        return visibility;
    }

    /// <summary>Why the generated constructor could not be written for this class, or null.</summary>
    private static string? UnsupportedShape(INamedTypeSymbol type)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax { ParameterList: not null })
            {
                return "has a primary constructor";
            }
        }

        if (type.IsFileLocal)
        {
            return "is file-local (its generated part lives in another file)";
        }

        // The generated part re-declares every enclosing type; outside the file, a file-local one is another type.
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            if (outer.IsFileLocal)
            {
                return "is nested in the file-local type '" + outer.Name + "' (its generated part lives in another file)";
            }
        }

        if (type.BaseType is { SpecialType: not SpecialType.System_Object } baseType
            && !baseType.InstanceConstructors.Any(c => c.Parameters.All(p => p.IsOptional || p.IsParams) && c.DeclaredAccessibility is not Accessibility.Private))
        {
            return "derives from '" + baseType.Name + "', which has no accessible parameterless constructor";
        }

        return null;
    }

    private static bool IsPartial(INamedTypeSymbol type)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is TypeDeclarationSyntax declaration && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }

        return type.DeclaringSyntaxReferences.Length > 0;
    }

    private static string TypeKeyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };

    private static List<LayerSpec> ParseLayers(List<(string Name, AttributeReader Reader)> readers, int inputWidth, List<DiagnosticInfo> diagnostics)
    {
        var layers = new List<LayerSpec>();
        var usedNames = new HashSet<string>();
        var defaultCounts = new Dictionary<string, int>();
        var identifiers = new HashSet<string>();
        bool sequence = true;
        string? vectorSource = null;
        int width = inputWidth;
        int stateOffset = 0;

        for (int index = 0; index < readers.Count; index++)
        {
            var (attributeName, reader) = readers[index];
            string name = LayerName(reader, DefaultName(attributeName), usedNames, defaultCounts, diagnostics);
            string identifier = UniqueIdentifier(name, identifiers);
            CheckClash(reader, name, identifier, layers, diagnostics);
            LayerSpec? layer = attributeName switch
            {
                AttributeNames.Embedding => ParseEmbedding(reader, index, name, identifier, diagnostics),
                AttributeNames.Dense => ParseDense(reader, name, identifier, width, sequence, diagnostics),
                AttributeNames.Dropout => ParseDropout(reader, name, identifier, width, sequence, diagnostics),
                _ => ParseRecurrent(
                    attributeName, reader, name, identifier, width, stateOffset,
                    followedByRecurrent: readers.Skip(index + 1).Any(r => IsRecurrent(r.Name)),
                    diagnostics),
            };

            if (layer is null)
            {
                continue;
            }

            if (layer.Kind == LayerKind.Recurrent && !sequence)
            {
                Report(diagnostics, DiagnosticDescriptors.RecurrentNeedsSequence, reader.Location, reader.ShortName, vectorSource ?? "?");
            }

            layer = layer with { InputIsSequence = sequence, OutputIsSequence = layer.Kind == LayerKind.Recurrent ? layer.OutputIsSequence : sequence };
            if (layer.Kind == LayerKind.Recurrent && !layer.OutputIsSequence)
            {
                vectorSource = layer.Name;
            }

            sequence = layer.OutputIsSequence;
            width = layer.OutputWidth;
            stateOffset += layer.StateSize;
            layers.Add(layer);
        }

        return layers;
    }

    private static LayerSpec? ParseEmbedding(AttributeReader reader, int index, string name, string identifier, List<DiagnosticInfo> diagnostics)
    {
        if (index != 0)
        {
            Report(diagnostics, DiagnosticDescriptors.EmbeddingNotFirst, reader.Location, Invariant(index + 1));
            return null;
        }

        int vocabulary = reader.Positional<int>(0);
        int dimension = reader.Positional<int>(1);
        bool valid = Positive(reader, vocabulary, "vocabularySize", reader.PositionalLocation(0), diagnostics)
            & Positive(reader, dimension, "dimension", reader.PositionalLocation(1), diagnostics);
        return valid
            ? new LayerSpec(LayerKind.Embedding, CellKind.None, name, identifier, 1, dimension, vocabulary, 1, false, true, true, ActivationKind.None, 0, 0)
            : null;
    }

    private static LayerSpec? ParseDense(AttributeReader reader, string name, string identifier, int width, bool sequence, List<DiagnosticInfo> diagnostics)
    {
        int units = reader.Positional<int>(0);
        bool valid = Positive(reader, units, "units", reader.PositionalLocation(0), diagnostics);
        reader.TryGetNamed("Activation", out int activation);
        if (activation < 0 || activation > (int)ActivationKind.Softmax)
        {
            Report(diagnostics, DiagnosticDescriptors.InvalidActivation, reader.NamedLocation("Activation"), reader.ShortName, Invariant(activation), "None, Tanh, Sigmoid, Relu or Softmax");
            valid = false;
        }

        return valid
            ? new LayerSpec(LayerKind.Dense, CellKind.None, name, identifier, width, units, 0, 1, false, sequence, sequence, (ActivationKind)activation, 0, 0)
            : null;
    }

    private static LayerSpec? ParseDropout(AttributeReader reader, string name, string identifier, int width, bool sequence, List<DiagnosticInfo> diagnostics)
    {
        // checked as the float the generated code holds: 0.99999999 rounds to 1, which would drop every feature
        double rate = reader.Positional<double>(0);
        if (!(rate >= 0 && (float)rate < 1f))
        {
            Report(diagnostics, DiagnosticDescriptors.DropoutRateOutOfRange, reader.PositionalLocation(0), rate.ToString("0.0###############", CultureInfo.InvariantCulture));
            return null;
        }

        return new LayerSpec(LayerKind.Dropout, CellKind.None, name, identifier, width, width, 0, 1, false, sequence, sequence, ActivationKind.None, rate, 0);
    }

    private static LayerSpec? ParseRecurrent(
        string attributeName,
        AttributeReader reader,
        string name,
        string identifier,
        int width,
        int stateOffset,
        bool followedByRecurrent,
        List<DiagnosticInfo> diagnostics)
    {
        var cell = attributeName switch
        {
            AttributeNames.Lstm => CellKind.Lstm,
            AttributeNames.Gru => CellKind.Gru,
            _ => CellKind.SimpleRnn,
        };

        int hidden = reader.Positional<int>(0);
        bool valid = Positive(reader, hidden, "hiddenSize", reader.PositionalLocation(0), diagnostics);
        int stack = reader.TryGetNamed("Layers", out int layers) ? layers : 1;
        valid &= Positive(reader, stack, "Layers", reader.NamedLocation("Layers"), diagnostics);
        reader.TryGetNamed("Bidirectional", out bool bidirectional);
        bool returnSequences = reader.TryGetNamed("ReturnSequences", out bool explicitReturn) ? explicitReturn : followedByRecurrent;

        var activation = ActivationKind.Tanh;
        if (cell == CellKind.SimpleRnn && reader.TryGetNamed("Activation", out int value))
        {
            activation = (ActivationKind)value;
            if (activation is not (ActivationKind.Tanh or ActivationKind.Relu or ActivationKind.Sigmoid))
            {
                Report(diagnostics, DiagnosticDescriptors.InvalidActivation, reader.NamedLocation("Activation"), reader.ShortName, ActivationName(value), "Tanh, Relu or Sigmoid");
                valid = false;
            }
        }

        return valid
            ? new LayerSpec(LayerKind.Recurrent, cell, name, identifier, width, hidden, 0, stack, bidirectional, true, returnSequences, activation, 0, stateOffset)
            : null;
    }

    private static bool IsRecurrent(string attributeName) =>
        attributeName is AttributeNames.Lstm or AttributeNames.Gru or AttributeNames.SimpleRnn;

    private static string DefaultName(string attributeName) => attributeName switch
    {
        AttributeNames.Lstm => "lstm",
        AttributeNames.Gru => "gru",
        AttributeNames.SimpleRnn => "rnn",
        AttributeNames.Dense => "dense",
        AttributeNames.Embedding => "embedding",
        _ => "dropout",
    };

    /// <summary>The explicit Name, else the kind's default with Keras-style numbering (<c>dense</c>, <c>dense_1</c>, ...).</summary>
    private static string LayerName(AttributeReader reader, string defaultName, HashSet<string> used, Dictionary<string, int> defaultCounts, List<DiagnosticInfo> diagnostics)
    {
        if (reader.TryGetNamed("Name", out string explicitName))
        {
            if (!IsValidName(explicitName))
            {
                Report(diagnostics, DiagnosticDescriptors.InvalidLayerName, reader.NamedLocation("Name"), explicitName);
            }
            else if (!used.Add(explicitName))
            {
                Report(diagnostics, DiagnosticDescriptors.DuplicateLayerName, reader.NamedLocation("Name"), explicitName);
            }

            return explicitName;
        }

        string name;
        do
        {
            defaultCounts.TryGetValue(defaultName, out int count);
            defaultCounts[defaultName] = count + 1;
            name = count == 0 ? defaultName : defaultName + "_" + Invariant(count);
        }
        while (!used.Add(name));

        return name;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_' || c == '.') || c > 127)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>PascalCase C# identifier fragment for the layer's members, unique within the model.</summary>
    private static string UniqueIdentifier(string name, HashSet<string> used)
    {
        var builder = new StringBuilder();
        bool upper = true;
        foreach (char c in name)
        {
            if (c < 128 && char.IsLetterOrDigit(c))
            {
                builder.Append(upper ? char.ToUpperInvariant(c) : c);
                upper = false;
            }
            else
            {
                upper = true;
            }
        }

        string baseName = builder.Length == 0 || char.IsDigit(builder[0]) ? "Layer" + builder : builder.ToString();
        string identifier = baseName;
        for (int suffix = 2; !used.Add(identifier); suffix++)
        {
            identifier = baseName + Invariant(suffix);
        }

        return identifier;
    }

    /// <summary>
    /// Generated members are the layer identifier plus a PascalCase suffix (<c>ForwardLstm</c> + <c>L0</c>), so an
    /// identifier that extends another one by a new word (<c>Lstm</c>, <c>LstmL0</c>) could produce the same member
    /// twice. A digit after the shorter one (<c>Lstm</c>, <c>Lstm1</c>) is safe: no suffix starts with a digit.
    /// </summary>
    private static void CheckClash(AttributeReader reader, string name, string identifier, List<LayerSpec> layers, List<DiagnosticInfo> diagnostics)
    {
        foreach (var earlier in layers)
        {
            string shorter = earlier.Identifier.Length <= identifier.Length ? earlier.Identifier : identifier;
            string longer = ReferenceEquals(shorter, identifier) ? earlier.Identifier : identifier;
            if (longer.Length > shorter.Length && longer.StartsWith(shorter, System.StringComparison.Ordinal) && char.IsUpper(longer[shorter.Length]))
            {
                bool laterIsLonger = ReferenceEquals(longer, identifier);
                Report(
                    diagnostics,
                    DiagnosticDescriptors.ClashingLayerNames,
                    reader.NamedLocation("Name"),
                    earlier.Name,
                    name,
                    earlier.Identifier,
                    identifier,
                    laterIsLonger ? name : earlier.Name,
                    laterIsLonger ? earlier.Name : name);
                return;
            }
        }
    }

    private static bool Positive(AttributeReader reader, int value, string parameter, LocationInfo? location, List<DiagnosticInfo> diagnostics)
    {
        if (value < 1)
        {
            Report(diagnostics, DiagnosticDescriptors.SizeNotPositive, location, reader.ShortName, parameter, Invariant(value));
            return false;
        }

        int limit = parameter == "Layers" ? DiagnosticDescriptors.MaxStackedLayers : DiagnosticDescriptors.MaxSize;
        if (value > limit)
        {
            Report(diagnostics, DiagnosticDescriptors.ModelTooLarge, location, "[" + reader.ShortName + "]", parameter + " is " + Invariant(value) + ", more than " + Grouped(limit));
            return false;
        }

        return true;
    }

    private static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string ActivationName(int value) =>
        value is >= 0 and <= (int)ActivationKind.Softmax ? ((ActivationKind)value).ToString() : Invariant(value);

    /// <summary>The type as <see cref="ModelSpec.QualifiedName"/> spells it, for any named type.</summary>
    internal static string QualifiedName(INamedTypeSymbol type)
    {
        var containing = new List<ContainingType>();
        for (var outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, new ContainingType(string.Empty, Escape(outer.Name)));
        }

        return ModelSpec.QualifiedNameOf(
            type.ContainingNamespace is null || type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
            new EquatableArray<ContainingType>(containing),
            Escape(type.Name));
    }

    /// <summary>A name as C# source: keywords get '@' (<c>@event</c>).</summary>
    internal static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    internal static string? MetadataName(INamedTypeSymbol? type) =>
        type is null || type.ContainingNamespace is null ? null : type.ContainingNamespace.ToDisplayString() + "." + type.MetadataName;

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static void Report(List<DiagnosticInfo> diagnostics, DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
        diagnostics.Add(new DiagnosticInfo(descriptor, location, new EquatableArray<string>(arguments)));
}
