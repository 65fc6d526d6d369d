using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RnnGen;

/// <summary>
/// A validated set of float32 tensors with its encoded header, ready to be written: the u64 header length,
/// the header padded with spaces to a multiple of 8 bytes, then the tensors back to back in the given order.
/// </summary>
internal sealed class SafetensorsLayout
{
    private const string MetadataKey = "__metadata__";
    private const int HeaderAlignment = 8;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Keep names such as "a+b" or non-ASCII text readable; the header is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly byte[] _header;
    private readonly SafetensorsEntry[] _entries;

    private SafetensorsLayout(byte[] header, SafetensorsEntry[] entries, long dataLength)
    {
        _header = header;
        _entries = entries;
        TotalLength = sizeof(ulong) + header.Length + dataLength;
    }

    /// <summary>Bytes of the whole file.</summary>
    public long TotalLength { get; }

    /// <exception cref="ArgumentException">A tensor or metadata entry is invalid; the message names it.</exception>
    public static SafetensorsLayout Create(IEnumerable<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        SafetensorsEntry[] entries = tensors.ToArray();
        Validate(entries, metadata);
        long dataLength = entries.Sum(entry => (long)entry.Data.Length * sizeof(float));
        return new SafetensorsLayout(EncodeHeader(entries, metadata), entries, dataLength);
    }

    public void WriteTo(Stream stream)
    {
        Span<byte> headerLength = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(headerLength, (ulong)_header.Length);
        stream.Write(headerLength);
        stream.Write(_header);
        foreach (SafetensorsEntry entry in _entries)
        {
            WriteLittleEndian(stream, entry.Data.Span);
        }
    }

    private static void Validate(SafetensorsEntry[] tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Length; i++)
        {
            (string name, int[] shape, ReadOnlyMemory<float> data) = tensors[i];
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException($"Tensor {i} has no name; every tensor needs a non-empty name.", nameof(tensors));
            }

            if (name == MetadataKey)
            {
                throw new ArgumentException($"Tensor {i} is named '{MetadataKey}', which is reserved for the metadata.", nameof(tensors));
            }

            if (!names.Add(name))
            {
                throw new ArgumentException($"Tensor name '{name}' appears more than once; names must be unique.", nameof(tensors));
            }

            CheckWellFormed(name, $"Tensor {i}'s name", nameof(tensors));

            if (shape is null)
            {
                throw new ArgumentException($"Tensor '{name}' has no shape; use an empty shape for a scalar.", nameof(tensors));
            }

            if (!TensorShape.TryGetElementCount(shape, out int elementCount))
            {
                throw new ArgumentException(
                    $"Tensor '{name}' has shape {TensorShape.Format(shape)}; dimensions must be non-negative and their product at most {int.MaxValue}.",
                    nameof(tensors));
            }

            if (data.Length != elementCount)
            {
                throw new ArgumentException(
                    $"Tensor '{name}' has shape {TensorShape.Format(shape)}, which holds {elementCount} elements, but {data.Length} values.",
                    nameof(tensors));
            }
        }

        if (metadata is not null)
        {
            foreach (KeyValuePair<string, string> item in metadata)
            {
                if (item.Value is null)
                {
                    throw new ArgumentException($"Metadata entry '{item.Key}' is null; metadata values must be strings.", nameof(metadata));
                }

                CheckWellFormed(item.Key, "A metadata key", nameof(metadata));
                CheckWellFormed(item.Value, $"Metadata entry {SafetensorsFile.Quote(item.Key)}", nameof(metadata));
            }
        }
    }

    /// <summary>
    /// The header is UTF-8 JSON, and the JSON writer replaces a lone surrogate with U+FFFD: a name or value that would
    /// not read back as written is refused before anything is written.
    /// </summary>
    private static void CheckWellFormed(string text, string what, string parameter)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                throw new ArgumentException(
                    $"{what} has a lone surrogate (U+{(int)text[i]:X4}) at index {i}, which UTF-8 cannot hold; the file would not read back as written.",
                    parameter);
            }
        }
    }

    private static byte[] EncodeHeader(SafetensorsEntry[] entries, IReadOnlyDictionary<string, string>? metadata)
    {
        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json, JsonOptions))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> item in metadata)
                {
                    writer.WriteString(item.Key, item.Value);
                }

                writer.WriteEndObject();
            }

            long begin = 0;
            foreach (SafetensorsEntry entry in entries)
            {
                long end = begin + ((long)entry.Data.Length * sizeof(float));
                writer.WriteStartObject(entry.Name);
                writer.WriteString("dtype", SafetensorsDType.F32.GetHeaderName());
                writer.WriteStartArray("shape");
                foreach (int dimension in entry.Shape)
                {
                    writer.WriteNumberValue(dimension);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(begin);
                writer.WriteNumberValue(end);
                writer.WriteEndArray();
                writer.WriteEndObject();
                begin = end;
            }

            writer.WriteEndObject();
        }

        // Readers may map the data section and view it as typed arrays, which wants it 8-byte aligned.
        int paddedLength = (json.WrittenCount + HeaderAlignment - 1) / HeaderAlignment * HeaderAlignment;
        byte[] header = new byte[paddedLength];
        json.WrittenSpan.CopyTo(header);
        header.AsSpan(json.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        Span<byte> chunk = stackalloc byte[4096];
        while (!values.IsEmpty)
        {
            int count = Math.Min(values.Length, chunk.Length / sizeof(float));
            for (int i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(chunk[(i * sizeof(float))..], values[i]);
            }

            stream.Write(chunk[..(count * sizeof(float))]);
            values = values[count..];
        }
    }
}
