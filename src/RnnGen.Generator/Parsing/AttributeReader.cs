using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Parsing;

/// <summary>Reads constructor and named arguments of one attribute, and where each was written.</summary>
internal sealed class AttributeReader
{
    private readonly AttributeData _data;
    private readonly AttributeSyntax? _syntax;

    public AttributeReader(AttributeData data, CancellationToken cancellationToken)
    {
        _data = data;
        _syntax = data.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
    }

    /// <summary>Short name as written in source, e.g. <c>Lstm</c>.</summary>
    public string ShortName
    {
        get
        {
            string name = _data.AttributeClass?.Name ?? "?";
            return name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name;
        }
    }

    public LocationInfo? Location => LocationInfo.From(_syntax);

    /// <summary>True when any argument failed to bind; the compiler reports that itself.</summary>
    public bool HasErrors
    {
        get
        {
            foreach (var argument in _data.ConstructorArguments)
            {
                if (argument.Kind == TypedConstantKind.Error)
                {
                    return true;
                }
            }

            foreach (var argument in _data.NamedArguments)
            {
                if (argument.Value.Kind == TypedConstantKind.Error)
                {
                    return true;
                }
            }

            return _data.AttributeConstructor is null;
        }
    }

    public T? Positional<T>(int index)
    {
        var arguments = _data.ConstructorArguments;
        return index < arguments.Length && arguments[index].Value is T value ? value : default;
    }

    public bool TryGetNamed<T>(string name, out T value)
    {
        foreach (var argument in _data.NamedArguments)
        {
            if (argument.Key == name && argument.Value.Value is T typed)
            {
                value = typed;
                return true;
            }
        }

        value = default!;
        return false;
    }

    /// <summary>Location of a named argument (<c>Name = ...</c>), else of the whole attribute.</summary>
    public LocationInfo? NamedLocation(string name)
    {
        if (_syntax?.ArgumentList is { } list)
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name)
                {
                    return LocationInfo.From(argument);
                }
            }
        }

        return Location;
    }

    /// <summary>
    /// Location of the constructor argument for parameter <paramref name="index"/>, written in its place or by name
    /// (<c>dimension: 0</c>, in any order), else of the whole attribute.
    /// </summary>
    public LocationInfo? PositionalLocation(int index)
    {
        if (_syntax?.ArgumentList is { } list)
        {
            var parameters = _data.AttributeConstructor?.Parameters;
            string? parameterName = parameters is { } known && index < known.Length ? known[index].Name : null;
            int position = 0;
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals is not null)
                {
                    continue;
                }

                if (argument.NameColon is { } nameColon
                    ? nameColon.Name.Identifier.ValueText == parameterName
                    : position == index)
                {
                    return LocationInfo.From(argument);
                }

                position++;
            }
        }

        return Location;
    }
}
