using System;
using System.Collections.Generic;
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
        IncrementalValueProvider<EquatableArray<ModelParseResult>>? allModels = null;
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
                .Select(static (result, _) => CheckNames(result!))
                .WithTrackingName(TrackingNames.Models);

            var collected = providers[i].Collect().Select(static (results, _) => new EquatableArray<ModelParseResult>(results));
            allModels = allModels is null
                ? collected
                : allModels.Value.Combine(collected).Select(static (pair, _) => new EquatableArray<ModelParseResult>(pair.Left.Concat(pair.Right)));
        }

        // Encoder–decoder pairs find their two models among the parsed specs (not the symbols), so that an edit to
        // a model reaches the pairs that use it and an unrelated edit leaves them cached.
        var pairs = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.EncoderDecoder,
                static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.RecordDeclarationSyntax,
                static (syntaxContext, cancellationToken) => PairParser.Parse(syntaxContext, cancellationToken))
            .Where(static declaration => declaration is not null)
            .Select(static (declaration, _) => declaration!)
            .WithTrackingName(TrackingNames.ParsePair);
        var catalogue = allModels!.Value.Select(static (results, _) => new ModelCatalogue(
            new EquatableArray<ModelSpec>(results.Where(r => r.Spec is not null).Select(r => r.Spec!)),
            new EquatableArray<string>(results.Where(r => r.Spec is null).Select(r => r.QualifiedName))));
        var resolvedPairs = pairs
            .Combine(catalogue)
            .Select(static (pair, _) => CheckNames(PairParser.Resolve(pair.Left, pair.Right.Models, pair.Right.Invalid)))
            .WithTrackingName(TrackingNames.Pairs);

        // Hint names must be unique ignoring case: models `model` and `Model` of one namespace both get a suffix.
        // The set is almost always empty, so it stays cached and adds no work to an edit.
        var pairNames = pairs.Select(static (pair, _) => pair.HintName).Collect();
        var clashing = catalogue
            .Combine(pairNames)
            .Select(static (pair, _) => new EquatableArray<string>(pair.Left.Models.Select(m => m.HintName).Concat(pair.Right)
                .GroupBy(name => name, StringComparer.OrdinalIgnoreCase)
                .Where(group => group.Count() > 1)
                .SelectMany(group => group)
                .OrderBy(name => name, StringComparer.Ordinal)));

        foreach (var results in providers)
        {
            context.RegisterSourceOutput(results.Combine(clashing), static (output, pair) => Emit(output, pair.Left, pair.Right));
        }

        context.RegisterSourceOutput(resolvedPairs.Combine(clashing), static (output, pair) => EmitPair(output, pair.Left, pair.Right));
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

        AddSource(output, spec.HintName, spec.TypeName, clashingHintNames, () => ModelEmitter.Emit(spec));
    }

    private static void EmitPair(SourceProductionContext output, PairResult result, EquatableArray<string> clashingHintNames)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }

        if (result.Spec is { } spec)
        {
            AddSource(output, spec.Declaration.HintName, spec.Declaration.TypeName, clashingHintNames, () => PairEmitter.Emit(spec));
        }
    }

    private static void AddSource(SourceProductionContext output, string hintName, string typeName, EquatableArray<string> clashingHintNames, Func<string> emit)
    {
        try
        {
            if (clashingHintNames.Contains(hintName))
            {
                hintName = hintName.Substring(0, hintName.Length - ".g.cs".Length) + "." + StableHash(hintName) + ".g.cs";
            }

            output.AddSource(hintName, emit());
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A bug here must not surface as CS8785, which drops every model of the project: name this one instead.
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, null, typeName, exception.GetType().Name + ": " + exception.Message));
        }
    }

    /// <summary>
    /// A model whose own members (or name) take a generated member's name gets RNNG025 (RNNG016) instead of a spec, so
    /// that it is neither generated nor offered to a pair, like any model with errors. Only a model with a member or a
    /// name that might clash (a class named after one of its layers, as <c>LstmTagger</c>) is written here to find out,
    /// and again by the output step; the others pass untouched.
    /// </summary>
    private static ModelParseResult CheckNames(ModelParseResult result)
    {
        var clashes = result.Spec is { } spec ? Clashes(result.UserNames, spec.TypeName, spec.ContainingTypes.Count, () => ModelEmitter.Emit(spec)) : [];
        return clashes.Count == 0 ? result : result with { Spec = null, Diagnostics = new EquatableArray<DiagnosticInfo>(clashes) };
    }

    private static PairResult CheckNames(PairResult result)
    {
        var clashes = result.Spec is { } spec ? Clashes(spec.Declaration.UserNames, spec.Declaration.TypeName, spec.Declaration.ContainingTypes.Count, () => PairEmitter.Emit(spec)) : [];
        return clashes.Count == 0 ? result : new PairResult(null, new EquatableArray<DiagnosticInfo>(clashes));
    }

    private static List<DiagnosticInfo> Clashes(UserNames userNames, string typeName, int depth, Func<string> emit)
    {
        if (userNames.TypeLocation is null && userNames.Members.Count == 0)
        {
            return [];
        }

        try
        {
            return GeneratedMembers.Clashes(userNames, emit(), typeName, depth);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return []; // the output step writes the code again and reports the bug as RNNG900
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
