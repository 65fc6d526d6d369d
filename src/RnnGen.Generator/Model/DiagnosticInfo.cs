using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Model;

/// <summary>A diagnostic as plain values; the real <see cref="Diagnostic"/> is built at output time.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), messageArgs: ToObjects(Arguments));

    private static object[] ToObjects(EquatableArray<string> arguments)
    {
        var result = new object[arguments.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = arguments[i];
        }

        return result;
    }
}
