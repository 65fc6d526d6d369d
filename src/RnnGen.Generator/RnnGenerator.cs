using System;
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
        foreach (string attributeName in AttributeNames.All)
        {
            var results = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    attributeName,
                    static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                    (syntaxContext, cancellationToken) => ModelParser.Parse(syntaxContext, attributeName, cancellationToken))
                .WithTrackingName(TrackingNames.ParseModel)
                .Where(static result => result is not null)
                .Select(static (result, _) => result!)
                .WithTrackingName(TrackingNames.Models);

            context.RegisterSourceOutput(results, static (output, result) => Emit(output, result));
        }
    }

    private static void Emit(SourceProductionContext output, ModelParseResult result)
    {
        foreach (var diagnostic in result.Diagnostics)
        {
            output.ReportDiagnostic(diagnostic.ToDiagnostic());
        }

        if (result.Spec is not { } spec)
        {
            return;
        }

        string source;
        try
        {
            source = ModelEmitter.Emit(spec);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A bug here must not surface as CS8785 with a stack trace in every build: name the model instead.
            output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, null, spec.TypeName, exception.GetType().Name + ": " + exception.Message));
            return;
        }

        output.AddSource(spec.HintName, source);
    }
}
