using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using RnnGen.Generator.Diagnostics;
using RnnGen.Generator.Emit;
using RnnGen.Generator.Model;
using RnnGen.Generator.Parsing;

namespace RnnGen.Generator;

/// <summary>
/// Expands <c>[RnnModel] [Lstm(128)] [Dense(10)] partial class X</c> into fixed-size forward, backward and
/// streaming code. Pipeline: attribute → <see cref="ModelParseResult"/> (plain values) → diagnostics and source.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class RnnGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // A model may start with any of its attributes ([RnnModel] or a first [Embedding]); each kind gets its own
        // provider and the parser keeps only the class's first RnnGen attribute, so every model is generated once.
        var providers = new IncrementalValuesProvider<ModelParseResult>[AttributeNames.All.Length];
        IncrementalValueProvider<EquatableArray<string>>? hintNames = null;
        for (int i = 0; i < providers.Length; i++)
        {
            string attributeName = AttributeNames.All[i];
            providers[i] = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    attributeName,
                    // Records pass too, so they get RNNG014 instead of being ignored.
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                    (syntaxContext, cancellationToken) => ModelParser.Parse(syntaxContext, attributeName, cancellationToken))
                .WithTrackingName(TrackingNames.ParseModel)
                .Where(static result => result is not null)
                .Select(static (result, _) => result!)
                .WithTrackingName(TrackingNames.Models);

            var names = providers[i]
                .Where(static result => result.Spec is not null)
                .Select(static (result, _) => result.Spec!.HintName)
                .Collect()
                .Select(static (names, _) => new EquatableArray<string>(names));
            hintNames = hintNames is null
                ? names
                : hintNames.Value.Combine(names).Select(static (pair, _) => new EquatableArray<string>(pair.Left.Concat(pair.Right)));
        }

        // Hint names must be unique ignoring case: models `model` and `Model` of one namespace both get a suffix.
        // The set is almost always empty, so it stays cached and adds no work to an edit.
        var clashing = hintNames!.Value
            .Select(static (names, _) => new EquatableArray<string>(names
                .GroupBy(name => name, StringComparer.OrdinalIgnoreCase)
                .Where(group => group.Count() > 1)
                .SelectMany(group => group)
                .OrderBy(name => name, StringComparer.Ordinal)));

        foreach (var results in providers)
        {
            context.RegisterSourceOutput(results.Combine(clashing), static (output, pair) => Emit(output, pair.Left, pair.Right));
        }
    }

    private static void Emit(SourceProductionContext output, ModelParseResult result, EquatableArray<string> clashingHintNames)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }

        if (result.Spec is not { } spec)
        {
            return;
        }

        try
        {
            string hintName = spec.HintName;
            if (clashingHintNames.Contains(hintName))
            {
                hintName = hintName.Substring(0, hintName.Length - ".g.cs".Length) + "." + StableHash(hintName) + ".g.cs";
            }

            output.AddSource(hintName, ModelEmitter.Emit(spec));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A bug here must not surface as CS8785, which drops every model of the project: name this one instead.
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, null, spec.TypeName, exception.GetType().Name + ": " + exception.Message));
        }
    }

    /// <summary>FNV-1a of the name, as 8 hex digits (string.GetHashCode differs between processes).</summary>
    private static string StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }
}
