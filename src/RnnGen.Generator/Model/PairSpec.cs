namespace RnnGen.Generator.Model;

/// <summary>An <c>[EncoderDecoder(typeof(E), typeof(D))]</c> class as declared, before its models are looked up.</summary>
/// <param name="Namespace">The pair's namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="TypeName">The pair class name.</param>
/// <param name="Visibility">Who can see the pair class, counting the types it is nested in.</param>
/// <param name="Encoder">The encoder type as <see cref="ModelSpec.QualifiedName"/> spells it.</param>
/// <param name="Decoder">The decoder type, likewise.</param>
/// <param name="EncoderLocation">The encoder's <c>typeof</c> argument.</param>
/// <param name="DecoderLocation">The decoder's <c>typeof</c> argument.</param>
/// <param name="Diagnostics">What is wrong with the class itself; nothing is generated when there is any.</param>
/// <param name="UserNames">The class's own names that the generated members must not take.</param>
internal sealed record PairDeclaration(
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string TypeName,
    Microsoft.CodeAnalysis.Accessibility Visibility,
    string Encoder,
    string Decoder,
    LocationInfo? EncoderLocation,
    LocationInfo? DecoderLocation,
    EquatableArray<DiagnosticInfo> Diagnostics,
    UserNames UserNames)
{
    public string QualifiedName => ModelSpec.QualifiedNameOf(Namespace, ContainingTypes, TypeName);

    public string HintName => QualifiedName.Substring("global::".Length).Replace("@", string.Empty) + ".g.cs";
}

/// <summary>A checked pair: everything the emitter needs, with both models' specs.</summary>
internal sealed record PairSpec(PairDeclaration Declaration, ModelSpec Encoder, ModelSpec Decoder);

/// <summary>What resolving a pair produced: a spec when it is valid, and its diagnostics.</summary>
internal sealed record PairResult(PairSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Every model of the compilation: the valid specs, and the names of the classes whose declarations have errors.</summary>
internal sealed record ModelCatalogue(EquatableArray<ModelSpec> Models, EquatableArray<string> Invalid);
