using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>
/// The names the emitters give to members of a model or pair class, so that a member of the user's own part with one
/// of them is an RnnGen diagnostic rather than CS0102 in generated code.
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>Members every model gets whatever its layers; a model class of one of these names is RNNG016.</summary>
    public static readonly HashSet<string> ModelApi =
    [
        "InputSize", "VocabularySize", "OutputSize", "ReturnsSequences", "StateSize", "ParameterCount", "MaxBatch", "MaxSteps",
        "Parameters", "Forward", "Backward", "Predict", "Step", "State", "CreateStepWeights", "ResetParameters", "SeedDropout", "View",
        "ActivationsVersion",
    ];

    /// <summary>Members every encoder–decoder pair gets; a pair class of one of these names is RNNG016.</summary>
    public static readonly HashSet<string> PairApi =
    [
        "SourceInputSize", "SourceVocabularySize", "TargetVocabularySize", "StateSize", "ParameterCount", "Encoder", "Decoder",
        "Parameters", "MaxBatch", "MaxSourceSteps", "MaxTargetSteps", "Forward", "Backward", "Encode", "Translate", "BeamSearch",
        "ResetParameters", "SeedDropout", "View", "HandOver", "HandBack",
    ];

    /// <summary>Private members not named after a layer.</summary>
    private static readonly HashSet<string> PrivateNames =
    [
        "_lengths", "_tokens", "_input", "_steps", "_batch", "_hasForward", "_activationsVersion", "_longestFirst", "_dropoutRandom",
        "_sourceLength", "_sourceSteps", "_targetSteps", "_decoding", "s_tensors", "s_shape",
    ];

    /// <summary>
    /// Whether an emitter may give a member this name: one of the fixed names above; a private field of the streaming
    /// step (<c>_step…</c>) or of a pair (<c>_encoder…</c>, <c>_decoder…</c>); or a name made from a layer's identifier
    /// (<c>LstmHiddenSize</c>, <c>_lstmGates0</c>, <c>ForwardLstm</c>, <c>BackwardLstmL0Rows</c>). Parsing keeps only
    /// the user's members that pass, so that the rest, and where they are, stay out of the pipeline's values and an
    /// edit that moves them leaves the model cached. A test checks every member of generated code against it.
    /// </summary>
    public static bool MayBeGenerated(string name, IEnumerable<string> layerIdentifiers)
    {
        if (ModelApi.Contains(name) || PairApi.Contains(name) || PrivateNames.Contains(name)
            || name.StartsWith("_step", System.StringComparison.Ordinal)
            || name.StartsWith("_encoder", System.StringComparison.Ordinal)
            || name.StartsWith("_decoder", System.StringComparison.Ordinal))
        {
            return true;
        }

        foreach (string identifier in layerIdentifiers)
        {
            if (name.StartsWith(identifier, System.StringComparison.Ordinal)
                || name.StartsWith(Names.FieldPrefix(identifier), System.StringComparison.Ordinal)
                || name.StartsWith("Forward" + identifier, System.StringComparison.Ordinal)
                || name.StartsWith("Backward" + identifier, System.StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The members that <paramref name="source"/> declares directly in class <paramref name="typeName"/>, nested in
    /// <paramref name="depth"/> types (by name, kind — field, constant, property, event, method or type — and a type's
    /// number of type parameters), read back from the generated text so the list cannot drift from the emitters.
    /// Constructors, operators, indexers and explicit interface implementations have no such name.
    /// </summary>
    public static List<(string Name, string Kind, int Arity)> Read(string source, string typeName, int depth)
    {
        var members = new List<(string Name, string Kind, int Arity)>();
        string unescaped = typeName.TrimStart('@');
        var type = CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>()
            .FirstOrDefault(t => t.Identifier.ValueText == unescaped && t.Ancestors().OfType<TypeDeclarationSyntax>().Count() == depth);
        foreach (var member in type?.Members ?? default)
        {
            switch (member)
            {
                case BaseFieldDeclarationSyntax field:
                    string kind = field is EventFieldDeclarationSyntax ? "event" : field.Modifiers.Any(SyntaxKind.ConstKeyword) ? "constant" : "field";
                    members.AddRange(field.Declaration.Variables.Select(variable => (variable.Identifier.ValueText, kind, 0)));
                    break;
                case PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property:
                    members.Add((property.Identifier.ValueText, "property", 0));
                    break;
                case EventDeclarationSyntax { ExplicitInterfaceSpecifier: null } @event:
                    members.Add((@event.Identifier.ValueText, "event", 0));
                    break;
                case MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method:
                    members.Add((method.Identifier.ValueText, "method", 0));
                    break;
                case TypeDeclarationSyntax nested:
                    members.Add((nested.Identifier.ValueText, "type", nested.TypeParameterList?.Parameters.Count ?? 0));
                    break;
                case EnumDeclarationSyntax nested:
                    members.Add((nested.Identifier.ValueText, "type", 0));
                    break;
                case DelegateDeclarationSyntax nested:
                    members.Add((nested.Identifier.ValueText, "type", nested.TypeParameterList?.Parameters.Count ?? 0));
                    break;
            }
        }

        return members;
    }

    /// <summary>
    /// RNNG016 when the class has a generated member's name, RNNG025 for each of its own members that shares one.
    /// C# allows two methods of one name (overloads; with equal parameters it is the compiler's CS0111) and two types
    /// that differ in their number of type parameters; any other pair of members of one name is CS0102.
    /// </summary>
    public static List<DiagnosticInfo> Clashes(UserNames user, string source, string typeName, int depth)
    {
        var clashes = new List<DiagnosticInfo>();
        var generated = Read(source, typeName, depth);
        string unescaped = typeName.TrimStart('@');
        if (user.TypeLocation is not null && generated.Any(g => g.Name == unescaped))
        {
            clashes.Add(new DiagnosticInfo(DiagnosticDescriptors.ReservedTypeName, user.TypeLocation, new EquatableArray<string>([unescaped])));
        }

        foreach (var member in user.Members)
        {
            var clash = generated.FirstOrDefault(g => g.Name == member.Name
                && !(g.Kind == "method" && member.Kind == "method")
                && !(g.Kind == "type" && member.Kind == "type" && g.Arity != member.Arity));
            if (clash.Name is not null)
            {
                clashes.Add(new DiagnosticInfo(
                    DiagnosticDescriptors.MemberNameClash,
                    member.Location,
                    new EquatableArray<string>([unescaped, WithArticle(member.Kind), member.Name, WithArticle(clash.Kind)])));
            }
        }

        return clashes;
    }

    private static string WithArticle(string kind) => (kind is "event" ? "an " : "a ") + kind;
}
