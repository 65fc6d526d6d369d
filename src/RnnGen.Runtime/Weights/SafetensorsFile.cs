using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using Microsoft.Win32.SafeHandles;

namespace RnnGen;

/// <summary>
/// A parsed safetensors file (<see href="https://github.com/huggingface/safetensors"/>): a little-endian
/// u64 header length N, N bytes of UTF-8 JSON header, then the raw tensor data.
/// </summary>
/// <remarks>
/// Input is treated as hostile. Every structural problem — truncation, an oversized or malformed header,
/// unknown dtypes, shapes and offsets that disagree, overlapping tensors, bytes that no tensor holds, duplicate
/// names — is reported as an
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

    /// <summary>
    /// Reads and parses the safetensors file at <paramref name="path"/>: the header first, then each tensor's bytes into
    /// an array of its own, so a file of any size loads as long as each tensor fits in one array (2 GB); a checkpoint's
    /// optimizer state passes 2 GB near 134 million parameters.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file, or it holds a tensor of more
    /// than <see cref="Array.MaxLength"/> bytes.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using SafeFileHandle file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(file);
        if (length < LengthPrefixSize)
        {
            throw FileTooShort(length, path);
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        ReadExactly(file, prefix, 0, length, path);
        int headerLength = CheckHeaderLength(prefix, length, path);
        byte[] headerBytes = new byte[headerLength];
        ReadExactly(file, headerBytes, LengthPrefixSize, length, path);

        long dataStart = LengthPrefixSize + (long)headerLength;
        SafetensorsHeader header = ReadHeader(headerBytes, length - dataStart, path);
        var tensors = new SafetensorsTensor[header.Entries.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            SafetensorsHeaderEntry entry = header.Entries[i];
            long size = entry.End - entry.Begin;
            if (size > Array.MaxLength)
            {
                throw Invalid(path, $"tensor {Quote(entry.Name)} has {size} bytes, more than one array holds ({Array.MaxLength})");
            }

            byte[] data = new byte[size];
            ReadExactly(file, data, dataStart + entry.Begin, length, path);
            tensors[i] = new SafetensorsTensor(entry.Name, entry.DType, entry.Shape, entry.ElementCount, data);
        }

        return new SafetensorsFile(path, header.Metadata, tensors);
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
            throw FileTooShort(span.Length, source);
        }

        int dataStart = LengthPrefixSize + CheckHeaderLength(span, span.Length, source);
        ReadOnlyMemory<byte> data = bytes[dataStart..];
        SafetensorsHeader header = ReadHeader(span[LengthPrefixSize..dataStart], data.Length, source);
        var tensors = new SafetensorsTensor[header.Entries.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            SafetensorsHeaderEntry entry = header.Entries[i];
            tensors[i] = new SafetensorsTensor(entry.Name, entry.DType, entry.Shape, entry.ElementCount, data[(int)entry.Begin..(int)entry.End]);
        }

        return new SafetensorsFile(source, header.Metadata, tensors);
    }

    internal static InvalidDataException Invalid(string source, string message, Exception? inner = null) =>
        new($"{source}: {message}", inner);

    /// <summary>Quotes text taken from a file, shortened so that a hostile header cannot bloat a message.</summary>
    internal static string Quote(string text) =>
        text.Length <= MaxQuotedLength ? $"'{text}'" : $"'{text[..MaxQuotedLength]}…' ({text.Length} characters)";

    /// <summary>The header length that <paramref name="prefix"/> declares, checked against the limit and the file's length.</summary>
    private static int CheckHeaderLength(ReadOnlySpan<byte> prefix, long fileLength, string source)
    {
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
        {
            throw Invalid(source, $"the header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes (100 MiB)");
        }

        long available = fileLength - LengthPrefixSize;
        if ((long)headerLength > available)
        {
            throw Invalid(source, $"the header length {headerLength} runs past the end of the file, which has {available} bytes after the length prefix");
        }

        return (int)headerLength;
    }

    private static SafetensorsHeader ReadHeader(ReadOnlySpan<byte> header, long dataLength, string source)
    {
        SafetensorsHeader parsed = SafetensorsHeaderReader.Read(header, dataLength, source);
        CheckLayout(parsed.Entries, dataLength, source);
        return parsed;
    }

    private static InvalidDataException FileTooShort(long length, string source) =>
        Invalid(source, $"the file is {length} bytes long, shorter than the {LengthPrefixSize}-byte header length");

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/> of the file, which had <paramref name="length"/> bytes when opened.</summary>
    private static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset, long length, string path)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(file, buffer, offset);
            if (read == 0)
            {
                // another process truncated the file after we measured it
                throw Invalid(path, $"the file ended at byte {offset} while being read, though it had {length} bytes when opened");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>
    /// The tensors must tile the data section exactly, as the format requires (its reference implementation refuses
    /// anything else): sorted by offset, each starts where the one before ends, the first at 0 and the last at the end.
    /// A gap or trailing bytes would be data that no tensor accounts for (a damaged header, or a second file hidden in
    /// this one).
    /// </summary>
    private static void CheckLayout(IReadOnlyList<SafetensorsHeaderEntry> entries, long dataLength, string source)
    {
        SafetensorsHeaderEntry[] byOffset = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToArray();
        long end = 0;
        for (int i = 0; i < byOffset.Length; i++)
        {
            SafetensorsHeaderEntry current = byOffset[i];
            if (current.Begin < end)
            {
                SafetensorsHeaderEntry previous = byOffset[i - 1];
                throw Invalid(
                    source,
                    $"tensors {Quote(previous.Name)} (data_offsets [{previous.Begin}, {previous.End}]) and " +
                    $"{Quote(current.Name)} (data_offsets [{current.Begin}, {current.End}]) overlap");
            }

            if (current.Begin > end)
            {
                string before = i == 0 ? "the data section starts at 0" : $"the tensors before it end at {end}";
                throw Invalid(
                    source,
                    $"tensor {Quote(current.Name)} starts at data offset {current.Begin}, but {before}: " +
                    $"a gap of {current.Begin - end} bytes that no tensor holds (the format allows none)");
            }

            end = current.End;
        }

        if (end != dataLength)
        {
            throw Invalid(
                source,
                $"the tensors end at data offset {end}, but the data section has {dataLength} bytes: " +
                $"{dataLength - end} bytes after the last tensor that no tensor holds (the format allows none)");
        }
    }
}
