using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Kernels;

namespace RnnGen;

/// <summary>
/// The parameters of a model in one contiguous float buffer, with a gradient buffer of the same layout.
/// Each named tensor is a view of a slice of the buffer, so an optimizer can update everything in one flat
/// loop over <see cref="Values"/> and <see cref="Gradients"/>. <see cref="Concatenate"/> joins the sets of
/// several models (an encoder and a decoder) into one, which the parts then share.
/// </summary>
public sealed class ParameterSet
{
    // A set joined into a combined one keeps its layout but moves into a slice of the combined buffers. The starts are
    // the indices of the set's first value and first gradient in those arrays.
    private float[] _values;
    private float[] _gradients;
    private int _valuesStart;
    private int _gradientsStart;
    private bool _joined;
    private readonly TensorDescriptor[] _tensors;
    private readonly Dictionary<string, TensorDescriptor> _tensorsByName;

    /// <summary>Creates zeroed value and gradient buffers for <paramref name="tensors"/>.</summary>
    /// <param name="tensors">
    /// The layout: each tensor must start where the previous one ends (the first at 0), so that together they
    /// tile the buffer without gaps or overlap; names must be non-empty and unique.
    /// </param>
    /// <exception cref="ArgumentException">The descriptors do not tile the buffer, or a name is empty or repeated.</exception>
    public ParameterSet(IReadOnlyList<TensorDescriptor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = [.. tensors];
        _tensorsByName = new Dictionary<string, TensorDescriptor>(StringComparer.Ordinal);
        int end = 0;
        for (int i = 0; i < _tensors.Length; i++)
        {
            TensorDescriptor tensor = _tensors[i] ?? throw new ArgumentException($"Tensor descriptor {i} is null.", nameof(tensors));

            // Own copies of the shapes: the descriptors a generated model passes are shared by all its instances.
            tensor = _tensors[i] = tensor with { Shape = (int[]?)tensor.Shape?.Clone()! };
            if (string.IsNullOrEmpty(tensor.Name))
            {
                throw new ArgumentException($"Tensor descriptor {i} has no name.", nameof(tensors));
            }

            if (tensor.Shape is null || !TensorShape.TryGetElementCount(tensor.Shape, out int length))
            {
                throw new ArgumentException(
                    $"Tensor '{tensor.Name}' has shape {TensorShape.Format(tensor.Shape ?? [])}; dimensions must be non-negative and their product at most {int.MaxValue}.",
                    nameof(tensors));
            }

            if (tensor.Offset != end)
            {
                throw new ArgumentException(
                    $"Tensor '{tensor.Name}' starts at offset {tensor.Offset} but the tensors before it end at {end}; " +
                    "descriptors must tile the buffer in order, without gaps or overlap.",
                    nameof(tensors));
            }

            if (!_tensorsByName.TryAdd(tensor.Name, tensor))
            {
                throw new ArgumentException($"Tensor name '{tensor.Name}' appears more than once; names must be unique.", nameof(tensors));
            }

            if (length > Array.MaxLength - end)
            {
                throw new ArgumentException(
                    $"Tensor '{tensor.Name}' ends at {(long)end + length}, past the largest possible buffer of {Array.MaxLength} floats.",
                    nameof(tensors));
            }

            end += length;
        }

        Count = end;
        Tensors = Array.AsReadOnly(_tensors);
        _values = AlignedFloats.Allocate(end, out _valuesStart);
        _gradients = AlignedFloats.Allocate(end, out _gradientsStart);
    }

    /// <summary>Number of floats in the buffer: the sum of all tensor lengths.</summary>
    public int Count { get; }

    /// <summary>All parameter values in layout order.</summary>
    public Span<float> Values => _values.AsSpan(_valuesStart, Count);

    /// <summary>All gradients, in the same layout as <see cref="Values"/>.</summary>
    public Span<float> Gradients => _gradients.AsSpan(_gradientsStart, Count);

    /// <summary>The layout, in buffer order.</summary>
    public IReadOnlyList<TensorDescriptor> Tensors { get; }

    /// <summary>The values of the tensor named <paramref name="name"/>, a view of <see cref="Values"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the known names.</exception>
    public Span<float> this[string name]
    {
        get
        {
            TensorDescriptor tensor = Describe(name);
            return _values.AsSpan(_valuesStart + tensor.Offset, tensor.Length);
        }
    }

    /// <summary>The layout entry of the tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the known names.</exception>
    public TensorDescriptor Describe(string name) =>
        _tensorsByName.TryGetValue(name, out TensorDescriptor? tensor)
            ? tensor
            : throw new KeyNotFoundException(
                $"No parameter tensor is named '{name}'; the model has: {(_tensors.Length == 0 ? "(none)" : string.Join(", ", _tensors.Select(t => t.Name)))}.");

    /// <summary>The gradient of the tensor named <paramref name="name"/>, a view of <see cref="Gradients"/>.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the known names.</exception>
    public Span<float> GradientOf(string name)
    {
        TensorDescriptor tensor = Describe(name);
        return _gradients.AsSpan(_gradientsStart + tensor.Offset, tensor.Length);
    }

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGradients() => Gradients.Clear();

    /// <summary>
    /// Joins <paramref name="parts"/> into one set whose tensors are named prefix + name, in the order given, as a
    /// PyTorch module that holds the parts as submodules names them (<c>encoder.lstm.weight_ih_l0</c>). Values
    /// and gradients move into the combined buffers and each part becomes a view of its slice, so the models
    /// that own the parts keep working and one optimizer, one clipping norm and one checkpoint cover them all.
    /// </summary>
    /// <exception cref="ArgumentException">No parts, a part repeated, or names that collide after prefixing.</exception>
    /// <exception cref="InvalidOperationException">A part is already joined into a set, or is itself a joined set.</exception>
    public static ParameterSet Concatenate(params ReadOnlySpan<(string Prefix, ParameterSet Part)> parts)
    {
        if (parts.IsEmpty)
        {
            throw new ArgumentException("Concatenate needs at least one part.", nameof(parts));
        }

        var tensors = new List<TensorDescriptor>();
        var seen = new HashSet<ParameterSet>(ReferenceEqualityComparer.Instance);
        int offset = 0;
        foreach ((string prefix, ParameterSet part) in parts)
        {
            ArgumentNullException.ThrowIfNull(part, nameof(parts));
            ArgumentNullException.ThrowIfNull(prefix, nameof(parts));
            if (!seen.Add(part))
            {
                throw new ArgumentException("A parameter set appears twice among the parts.", nameof(parts));
            }

            if (part._joined)
            {
                throw new InvalidOperationException("A part is already joined into a combined parameter set, or is one; each set can be joined once.");
            }

            foreach (var tensor in part._tensors)
            {
                tensors.Add(new TensorDescriptor(prefix + tensor.Name, offset + tensor.Offset, tensor.Shape));
            }

            offset += part.Count;
        }

        var combined = new ParameterSet(tensors); // checks that the prefixed names are unique
        int start = 0;
        foreach ((_, ParameterSet part) in parts)
        {
            part.Values.CopyTo(combined.Values.Slice(start));
            part.Gradients.CopyTo(combined.Gradients.Slice(start));
            part._values = combined._values;
            part._gradients = combined._gradients;
            part._valuesStart = combined._valuesStart + start;
            part._gradientsStart = combined._gradientsStart + start;
            part._joined = true;
            start += part.Count;
        }

        combined._joined = true;
        return combined;
    }

    /// <summary>Copies the values (not the gradients) of <paramref name="other"/>, which must have the same layout.</summary>
    /// <exception cref="ArgumentException">The layouts differ.</exception>
    public void CopyFrom(ParameterSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!_tensors.AsSpan().SequenceEqual(other._tensors))
        {
            throw new ArgumentException(
                $"The parameter sets have different layouts: this one has {DescribeLayout(_tensors)}, the other {DescribeLayout(other._tensors)}.",
                nameof(other));
        }

        other.Values.CopyTo(Values);
    }

    /// <summary>
    /// Loads values from <paramref name="file"/>, matching tensors by name: a model tensor <c>n</c> is looked up
    /// as <paramref name="prefix"/> + <c>n</c>. Float tensors (F32, F16, BF16, F64) are converted to float32.
    /// Everything is checked before any value is written, so a load that throws leaves the values unchanged.
    /// </summary>
    /// <param name="file">The weights.</param>
    /// <param name="strict">
    /// When true, every model tensor must be in the file with exactly its shape and a float dtype, and the file
    /// must have no other tensors; otherwise an <see cref="InvalidDataException"/> lists every problem at once.
    /// When false, the tensors that match by name, shape and dtype are loaded and the rest are reported.
    /// </param>
    /// <param name="prefix">Prepended to each model tensor's name to find it in the file, e.g. <c>model.</c>.</param>
    /// <exception cref="InvalidDataException"><paramref name="strict"/> is true and the file does not match the model.</exception>
    public WeightLoadReport Load(SafetensorsFile file, bool strict = true, string? prefix = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        prefix ??= "";
        var matches = new List<(TensorDescriptor Tensor, SafetensorsTensor Stored)>();
        var missing = new List<string>();
        var mismatched = new List<string>();
        var problems = new List<string>();
        var expectedNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorDescriptor tensor in _tensors)
        {
            string storedName = prefix + tensor.Name;
            expectedNames.Add(storedName);
            if (!file.TryGetTensor(storedName, out SafetensorsTensor? stored))
            {
                missing.Add(tensor.Name);
                problems.Add($"missing '{storedName}' {TensorShape.Format(tensor.Shape)}");
                continue;
            }

            int problemCount = problems.Count;
            if (!stored.DType.IsFloatingPoint())
            {
                problems.Add($"'{storedName}' has dtype {stored.DType.GetHeaderName()} but the model expects a float tensor (F32, F16, BF16 or F64)");
            }

            if (!TensorShape.SequenceEqual(stored.Shape, tensor.Shape))
            {
                problems.Add($"'{storedName}' has shape {TensorShape.Format(stored.Shape)} but the model expects {TensorShape.Format(tensor.Shape)}");
            }

            if (problems.Count == problemCount)
            {
                matches.Add((tensor, stored));
            }
            else
            {
                mismatched.Add(tensor.Name);
            }
        }

        var unexpected = new List<string>();
        foreach (SafetensorsTensor stored in file.Tensors)
        {
            if (!expectedNames.Contains(stored.Name))
            {
                unexpected.Add(stored.Name);
                problems.Add($"unexpected '{stored.Name}' {TensorShape.Format(stored.Shape)}");
            }
        }

        if (strict && problems.Count > 0)
        {
            string hint = _tensors.Length > 0 && missing.Count == _tensors.Length && FittingPrefix(file) is { } fitting && fitting != prefix
                ? $" every name matches under the prefix \"{fitting}\": load with prefix: \"{fitting}\"{(fitting.Length == 0 ? " (or null)" : string.Empty)};"
                : string.Empty;
            throw new InvalidDataException(
                $"{file.Source}: the weights do not match the model ({problems.Count} problem{(problems.Count == 1 ? "" : "s")};{hint} no values were changed):" +
                Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", problems));
        }

        foreach ((TensorDescriptor tensor, SafetensorsTensor stored) in matches)
        {
            stored.CopyToFloat32(_values.AsSpan(_valuesStart + tensor.Offset, tensor.Length));
        }

        return new WeightLoadReport(
            matches.Select(match => match.Tensor.Name).ToArray(),
            missing.ToArray(),
            unexpected.ToArray(),
            mismatched.ToArray());
    }

    /// <summary>
    /// The prefix under which the file holds a tensor of every name of this set (as a PyTorch module nested in another
    /// saves them: <c>model.lstm.weight_ih_l0</c>), or null: what to suggest when no name matched.
    /// </summary>
    private string? FittingPrefix(SafetensorsFile file)
    {
        string first = _tensors[0].Name;
        foreach (SafetensorsTensor stored in file.Tensors)
        {
            if (!stored.Name.EndsWith(first, StringComparison.Ordinal))
            {
                continue;
            }

            string candidate = stored.Name[..^first.Length];
            if (_tensors.All(tensor => file.TryGetTensor(candidate + tensor.Name, out _)))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>Reads the safetensors file at <paramref name="path"/> and loads it as <see cref="Load"/> does.</summary>
    /// <exception cref="InvalidDataException">The file is malformed, or <paramref name="strict"/> is true and it does not match the model.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public WeightLoadReport LoadSafetensors(string path, bool strict = true, string? prefix = null) =>
        Load(SafetensorsFile.Read(path), strict, prefix);

    /// <summary>Writes every tensor as F32 with its shape, in layout order, atomically (see <see cref="SafetensorsWriter.Write"/>).</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SaveSafetensors(string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafetensorsWriter.Write(path, ToEntries(), metadata);

    /// <summary>One entry per tensor, in layout order; each entry's data is a live view of <see cref="Values"/>.</summary>
    public IEnumerable<SafetensorsEntry> ToEntries() =>
        _tensors.Select(tensor => new SafetensorsEntry(tensor.Name, tensor.Shape, _values.AsMemory(_valuesStart + tensor.Offset, tensor.Length)));

    private static string DescribeLayout(TensorDescriptor[] tensors) =>
        tensors.Length == 0 ? "no tensors" : "[" + string.Join("; ", tensors.Select(t => t.ToString())) + "]";
}
