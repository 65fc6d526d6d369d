using System.Collections.Generic;

namespace RnnGen;

/// <summary>What <see cref="ParameterSet.Load"/> did with each tensor of the model and of the file.</summary>
public sealed class WeightLoadReport
{
    internal WeightLoadReport(IReadOnlyList<string> loaded, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
    {
        Loaded = loaded;
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
    }

    /// <summary>Model tensors whose values were read from the file, in layout order.</summary>
    public IReadOnlyList<string> Loaded { get; }

    /// <summary>Model tensors the file does not have (left unchanged), in layout order.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>File tensors that belong to no model tensor, as named in the file, in file order.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Model tensors the file has with another shape or a non-float dtype (left unchanged), in layout order.</summary>
    public IReadOnlyList<string> Mismatched { get; }

    /// <summary>Counts and names, e.g. <c>loaded 4, missing 0, unexpected 1 (input), mismatched 0</c>.</summary>
    public override string ToString() =>
        $"loaded {Loaded.Count}, missing {Describe(Missing)}, unexpected {Describe(Unexpected)}, mismatched {Describe(Mismatched)}";

    private static string Describe(IReadOnlyList<string> names) =>
        names.Count == 0 ? "0" : $"{names.Count} ({string.Join(", ", names)})";
}
