using System;

namespace RnnGen;

/// <summary>
/// Where one named tensor lives in a <see cref="ParameterSet"/>: <see cref="Length"/> floats starting at
/// <see cref="Offset"/>, laid out in C order with dimensions <see cref="Shape"/>.
/// </summary>
/// <param name="Name">The tensor's name, e.g. <c>lstm.weight_ih_l0</c>, matching the PyTorch <c>state_dict()</c> key.</param>
/// <param name="Offset">Index of the first element in the parameter buffer.</param>
/// <param name="Shape">Dimensions in C order (last index fastest); empty for a scalar.</param>
public sealed record TensorDescriptor(string Name, int Offset, int[] Shape)
{
    /// <summary>Number of elements: the product of <see cref="Shape"/>, 1 for a scalar.</summary>
    /// <exception cref="InvalidOperationException">A dimension is negative or the product exceeds <see cref="int.MaxValue"/>.</exception>
    public int Length =>
        TensorShape.TryGetElementCount(Shape, out int length)
            ? length
            : throw new InvalidOperationException(
                $"Tensor '{Name}' has shape {TensorShape.Format(Shape)}; dimensions must be non-negative and their product at most {int.MaxValue}.");

    /// <summary>Equal when name, offset and every dimension are equal (the shape is compared by value, not by reference).</summary>
    public bool Equals(TensorDescriptor? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && Offset == other.Offset
        && Shape.AsSpan().SequenceEqual(other.Shape);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Name, StringComparer.Ordinal);
        hash.Add(Offset);
        foreach (int dimension in Shape.AsSpan())
        {
            hash.Add(dimension);
        }

        return hash.ToHashCode();
    }

    /// <summary>Name, shape and offset, e.g. <c>lstm.weight_ih_l0 [28, 5] at 0</c>.</summary>
    public override string ToString() => $"{Name} {TensorShape.Format(Shape ?? [])} at {Offset}";
}
