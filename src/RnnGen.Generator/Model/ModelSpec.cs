namespace RnnGen.Generator.Model;

/// <summary>A type that encloses the model, re-declared around the generated part (e.g. <c>partial class Outer</c>).</summary>
internal sealed record ContainingType(string Keyword, string Name);

/// <summary>Everything the emitter needs to write one model, as plain equatable values.</summary>
/// <param name="Namespace">The model's namespace, or null for the global namespace.</param>
/// <param name="ContainingTypes">Enclosing types, outermost first.</param>
/// <param name="TypeName">The model class name.</param>
/// <param name="TokenInput">The model reads token ids through a first Embedding layer.</param>
/// <param name="InputSize">Features per time step, or the vocabulary size for token input.</param>
/// <param name="Layers">The layers in data-flow order.</param>
/// <param name="Visibility">Who can see the class, counting the types it is nested in (a pair exposes its models).</param>
/// <param name="IsAbstract">The class is abstract (a pair could not create it).</param>
internal sealed record ModelSpec(
    string? Namespace,
    EquatableArray<ContainingType> ContainingTypes,
    string TypeName,
    bool TokenInput,
    int InputSize,
    EquatableArray<LayerSpec> Layers,
    Microsoft.CodeAnalysis.Accessibility Visibility,
    bool IsAbstract)
{
    public LayerSpec Last => Layers[Layers.Count - 1];

    public int OutputSize => Last.OutputWidth;

    public bool ReturnsSequences => Last.OutputIsSequence;

    public int StateSize
    {
        get
        {
            int total = 0;
            foreach (var layer in Layers)
            {
                total += layer.StateSize;
            }

            return total;
        }
    }

    public long ParameterCount
    {
        get
        {
            long total = 0;
            foreach (var layer in Layers)
            {
                total += layer.ParameterCount;
            }

            return total;
        }
    }

    /// <summary>Streaming one step at a time needs every layer to be causal (no reverse direction).</summary>
    public bool CanStep
    {
        get
        {
            foreach (var layer in Layers)
            {
                if (layer.Bidirectional)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The type as C# source from anywhere: <c>global::Ns.Outer.Model</c>.</summary>
    public string QualifiedName => QualifiedNameOf(Namespace, ContainingTypes, TypeName);

    public static string QualifiedNameOf(string? @namespace, EquatableArray<ContainingType> containingTypes, string typeName) =>
        "global::" + (@namespace is null ? string.Empty : @namespace + ".")
        + string.Concat(System.Linq.Enumerable.Select(containingTypes, t => t.Name + "."))
        + typeName;

    /// <summary><c>{Namespace}.{Type}.g.cs</c>, without the '@' of escaped keywords (hint names allow no '@').</summary>
    public string HintName => ((Namespace is null ? string.Empty : Namespace + ".")
        + string.Concat(System.Linq.Enumerable.Select(ContainingTypes, t => t.Name + "."))
        + TypeName).Replace("@", string.Empty) + ".g.cs";
}

/// <summary>What parsing one declaration produced: a spec when it is valid, and its diagnostics.</summary>
/// <param name="QualifiedName">The class, as <see cref="ModelSpec.QualifiedName"/> spells it, valid or not.</param>
/// <param name="UserNames">The class's own names that the generated members must not take.</param>
internal sealed record ModelParseResult(ModelSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, string QualifiedName, UserNames UserNames);
