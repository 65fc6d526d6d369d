using System.Collections.Generic;
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
        "Parameters", "Forward", "Backward", "Predict", "Step", "State", "CreateStepWeights", "ResetParameters", "SeedDropout", "View", "ForwardCount",
    ];

    /// <summary>Members every encoder–decoder pair gets; a pair class of one of these names is RNNG016.</summary>
    public static readonly HashSet<string> PairApi =
    [
        "SourceInputSize", "SourceVocabularySize", "TargetVocabularySize", "StateSize", "ParameterCount", "Encoder", "Decoder",
        "Parameters", "MaxBatch", "MaxSourceSteps", "MaxTargetSteps", "Forward", "Backward", "Encode", "Translate", "BeamSearch",
        "ResetParameters", "SeedDropout", "View", "HandOver", "HandBack",
    ];

    /// <summary>
    /// Whether an emitter may give a member this name: a public one above, a private field (<c>_x</c>, <c>s_x</c>),
    /// a <c>Forward…</c>/<c>Backward…</c> method, or a name that starts with a layer's identifier
    /// (<c>LstmHiddenSize</c>). Parsing keeps only the user's members that pass, so that the rest (and where they
    /// are) stay out of the pipeline's values and an edit that moves them leaves the model cached. A test checks
    /// every generated member against it.
    /// </summary>
    public static bool MayBeGenerated(string name, IEnumerable<string> layerIdentifiers)
    {
        if (name.StartsWith("_", System.StringComparison.Ordinal)
            || name.StartsWith("s_", System.StringComparison.Ordinal)
            || name.StartsWith("Forward", System.StringComparison.Ordinal)
            || name.StartsWith("Backward", System.StringComparison.Ordinal)
            || ModelApi.Contains(name)
            || PairApi.Contains(name))
        {
            return true;
        }

        foreach (string identifier in layerIdentifiers)
        {
            if (name.StartsWith(identifier, System.StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The members that <paramref name="source"/> declares directly in class <paramref name="typeName"/> (by name,
    /// with their kind: field, constant, property, event, method or type), read back from the generated text so the
    /// list cannot drift from the emitters. Constructors and explicit interface implementations have no such name.
    /// </summary>
    public static List<(string Name, string Kind)> Read(string source, string typeName)
    {
        var members = new List<(string Name, string Kind)>();
        string unescaped = typeName.TrimStart('@');
        foreach (var node in CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes())
        {
            // The model's is the outermost declaration of that name: C# allows no type nested in one of its own name.
            if (node is not TypeDeclarationSyntax type || type.Identifier.ValueText != unescaped)
            {
                continue;
            }

            foreach (var member in type.Members)
            {
                switch (member)
                {
                    case FieldDeclarationSyntax field:
                        foreach (var variable in field.Declaration.Variables)
                        {
                            members.Add((variable.Identifier.ValueText, field.Modifiers.Any(SyntaxKind.ConstKeyword) ? "constant" : "field"));
                        }

                        break;
                    case EventFieldDeclarationSyntax events:
                        foreach (var variable in events.Declaration.Variables)
                        {
                            members.Add((variable.Identifier.ValueText, "event"));
                        }

                        break;
                    case PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property:
                        members.Add((property.Identifier.ValueText, "property"));
                        break;
                    case MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method:
                        members.Add((method.Identifier.ValueText, "method"));
                        break;
                    case BaseTypeDeclarationSyntax nested:
                        members.Add((nested.Identifier.ValueText, "type"));
                        break;
                }
            }

            break;
        }

        return members;
    }

    /// <summary>
    /// RNNG016 when the class has a generated member's name, RNNG025 for each of its own members that shares one
    /// (two methods of one name are overloads, which C# allows; equal parameters are the compiler's CS0111).
    /// </summary>
    public static List<DiagnosticInfo> Clashes(UserNames user, string source, string typeName)
    {
        var clashes = new List<DiagnosticInfo>();
        if (user.TypeLocation is null && user.Members.Count == 0)
        {
            return clashes;
        }

        var generated = new Dictionary<string, string>();
        foreach (var (name, kind) in Read(source, typeName))
        {
            // a method name may be overloaded; any other kind takes precedence so the message names it
            if (!generated.TryGetValue(name, out string? known) || known == "method")
            {
                generated[name] = kind;
            }
        }

        string unescaped = typeName.TrimStart('@');
        if (user.TypeLocation is not null && generated.ContainsKey(unescaped))
        {
            clashes.Add(new DiagnosticInfo(DiagnosticDescriptors.ReservedTypeName, user.TypeLocation, new EquatableArray<string>([unescaped])));
        }

        foreach (var member in user.Members)
        {
            if (generated.TryGetValue(member.Name, out string? kind) && !(kind == "method" && member.Kind == "method"))
            {
                clashes.Add(new DiagnosticInfo(
                    DiagnosticDescriptors.MemberNameClash,
                    member.Location,
                    new EquatableArray<string>([unescaped, WithArticle(member.Kind), member.Name, WithArticle(kind)])));
            }
        }

        return clashes;
    }

    private static string WithArticle(string kind) => (kind is "event" ? "an " : "a ") + kind;
}
