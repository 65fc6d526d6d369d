using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;

namespace RnnGen;

/// <summary>
/// A parsed safetensors file (<see href="https://github.com/huggingface/safetensors"/>): a little-endian
/// u64 header length N, N bytes of UTF-8 JSON header, then the raw tensor data.
/// </summary>
/// <remarks>
/// Input is treated as hostile. Every structural problem — truncation, an oversized or malformed header,
/// unknown dtypes, shapes and offsets that disagree, overlapping tensors, duplicate names — is reported as an
/// <see cref="InvalidDataException"/> whose message names the source and the offending entry.
/// </remarks>
public sealed class SafetensorsFile
{
    /// <summary>Largest header accepted, 100 MiB.</summary>
    public const int MaxHeaderLength = 100 * 1024 * 1024;

    private const int LengthPrefixSize = sizeof(ulong);
    private const int MaxQuotedLength = 80;

    private readonly Dictionary<string, SafetensorsTensor> _tensorsByName;

    private SafetensorsFile(string source, IReadOnlyDictionary<string, string> metadata, SafetensorsTensor[] tensors)
    {
        Source = source;
        Metadata = metadata;
        Tensors = Array.AsReadOnly(tensors);
        _tensorsByName = tensors.ToDictionary(tensor => tensor.Name, StringComparer.Ordinal);
    }

    /// <summary>Where the bytes came from (a path, or the name given to <see cref="Parse"/>); used in error messages.</summary>
    public string Source { get; }

    /// <summary>The header's <c>__metadata__</c> entries; empty when the header has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The file has no such tensor; the message lists the tensors it has.</exception>
    public SafetensorsTensor this[string name] =>
        TryGetTensor(name, out SafetensorsTensor? tensor)
            ? tensor
            : throw new KeyNotFoundException(
                $"{Source} has no tensor '{name}'; it has: {(Tensors.Count == 0 ? "(none)" : string.Join(", ", Tensors.Select(t => t.Name)))}.");

    /// <summary>Looks up the tensor named <paramref name="name"/>.</summary>
    public bool TryGetTensor(string name, [NotNullWhen(true)] out SafetensorsTensor? tensor) =>
        _tensorsByName.TryGetValue(name, out tensor);

    /// <summary>Reads and parses the safetensors file at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>
    /// Parses safetensors <paramref name="bytes"/>. The tensors view <paramref name="bytes"/> without copying,
    /// so the caller must not change them while the result is in use.
    /// </summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">Names the bytes in error messages.</param>
    /// <exception cref="InvalidDataException">The bytes are not a well-formed safetensors file.</exception>
    public static SafetensorsFile Parse(ReadOnlyMemory<byte> bytes, string source = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(source);
        ReadOnlySpan<byte> span = bytes.Span;
        if (span.Length < LengthPrefixSize)
        {
            throw Invalid(source, $"the file is {span.Length} bytes long, shorter than the {LengthPrefixSize}-byte header length");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(span);
        if (headerLength > MaxHeaderLength)
        {
            throw Invalid(source, $"the header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes (100 MiB)");
        }

        int available = span.Length - LengthPrefixSize;
        if ((int)headerLength > available)
        {
            throw Invalid(source, $"the header length {headerLength} runs past the end of the file, which has {available} bytes after the length prefix");
        }

        int dataStart = LengthPrefixSize + (int)headerLength;
        ReadOnlyMemory<byte> data = bytes[dataStart..];
        SafetensorsHeader header = SafetensorsHeaderReader.Read(span[LengthPrefixSize..dataStart], data.Length, source);
        CheckNoOverlap(header.Entries, source);

        var tensors = new SafetensorsTensor[header.Entries.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            SafetensorsHeaderEntry entry = header.Entries[i];
            tensors[i] = new SafetensorsTensor(entry.Name, entry.DType, entry.Shape, entry.ElementCount, data[entry.Begin..entry.End]);
        }

        return new SafetensorsFile(source, header.Metadata, tensors);
    }

    internal static InvalidDataException Invalid(string source, string message, Exception? inner = null) =>
        new($"{source}: {message}", inner);

    /// <summary>Quotes text taken from a file, shortened so that a hostile header cannot bloat a message.</summary>
    internal static string Quote(string text) =>
        text.Length <= MaxQuotedLength ? $"'{text}'" : $"'{text[..MaxQuotedLength]}…' ({text.Length} characters)";

    private static void CheckNoOverlap(IReadOnlyList<SafetensorsHeaderEntry> entries, string source)
    {
        SafetensorsHeaderEntry[] byOffset = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToArray();
        for (int i = 1; i < byOffset.Length; i++)
        {
            SafetensorsHeaderEntry previous = byOffset[i - 1];
            SafetensorsHeaderEntry current = byOffset[i];
            if (current.Begin < previous.End)
            {
                throw Invalid(
                    source,
                    $"tensors {Quote(previous.Name)} (data_offsets [{previous.Begin}, {previous.End}]) and " +
                    $"{Quote(current.Name)} (data_offsets [{current.Begin}, {current.End}]) overlap");
            }
        }
    }
}
