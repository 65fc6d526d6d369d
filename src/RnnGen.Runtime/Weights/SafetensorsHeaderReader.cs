using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Unicode;

namespace RnnGen;

/// <summary>
/// Reads the JSON header of a safetensors file as hostile input: the header must be valid UTF-8 JSON
/// nested at most <see cref="MaxDepth"/> deep, and every entry must have exactly the expected shape
/// (<c>__metadata__</c> an object of strings; each tensor an object with <c>dtype</c>, <c>shape</c> and
/// <c>data_offsets</c> that agree with each other and lie inside the data section). Every problem is an
/// <see cref="InvalidDataException"/> that names the source and the offending entry.
/// </summary>
internal ref struct SafetensorsHeaderReader
{
    public const int MaxDepth = 8;
    private const string MetadataKey = "__metadata__";

    private static readonly JsonReaderOptions Options = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    private readonly string _source;
    private readonly long _dataLength;
    private Utf8JsonReader _json;

    private SafetensorsHeaderReader(ReadOnlySpan<byte> header, long dataLength, string source)
    {
        _source = source;
        _dataLength = dataLength;
        _json = new Utf8JsonReader(header, Options);
    }

    /// <summary>Parses <paramref name="header"/>; <paramref name="dataLength"/> is the size of the data section after it.</summary>
    public static SafetensorsHeader Read(ReadOnlySpan<byte> header, long dataLength, string source)
    {
        if (!Utf8.IsValid(header))
        {
            throw SafetensorsFile.Invalid(source, "the header is not valid UTF-8");
        }

        CheckSyntax(header, source);

        // JSON allows whitespace before the object; the format does not (only after it, as padding to 8 bytes)
        if (header[0] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            throw SafetensorsFile.Invalid(source, $"the header starts with whitespace (byte 0x{header[0]:X2}), not '{{': the format allows none before the object");
        }

        var reader = new SafetensorsHeaderReader(header, dataLength, source);
        return reader.ReadHeader();
    }

    /// <summary>
    /// Reads every token once so that syntax and depth errors are reported as such, whatever the schema
    /// checks would have found first; after this pass the reader cannot throw <see cref="JsonException"/>.
    /// </summary>
    private static void CheckSyntax(ReadOnlySpan<byte> header, string source)
    {
        var json = new Utf8JsonReader(header, Options);
        try
        {
            while (json.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw SafetensorsFile.Invalid(source, $"the header is not valid JSON: {e.Message}", e);
        }
    }

    private SafetensorsHeader ReadHeader()
    {
        _json.Read();
        if (_json.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"the header is a JSON {Describe(_json.TokenType)}, not an object");
        }

        Dictionary<string, string>? metadata = null;
        var entries = new List<SafetensorsHeaderEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (_json.Read() && _json.TokenType == JsonTokenType.PropertyName)
        {
            string key = ReadString();
            if (key == MetadataKey)
            {
                if (metadata is not null)
                {
                    throw Error($"the header has a duplicate \"{MetadataKey}\" entry");
                }

                metadata = ReadMetadata();
            }
            else
            {
                if (!names.Add(key))
                {
                    throw Error($"duplicate tensor name {Quote(key)}");
                }

                entries.Add(ReadEntry(key));
            }
        }

        return new SafetensorsHeader((metadata ?? new Dictionary<string, string>(StringComparer.Ordinal)).AsReadOnly(), entries);
    }

    private Dictionary<string, string> ReadMetadata()
    {
        _json.Read();
        if (_json.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"\"{MetadataKey}\" is a JSON {Describe(_json.TokenType)}, but must be an object of string values");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (_json.Read() && _json.TokenType == JsonTokenType.PropertyName)
        {
            string key = ReadString();
            _json.Read();
            if (_json.TokenType != JsonTokenType.String)
            {
                throw Error($"\"{MetadataKey}\" entry {Quote(key)} is a JSON {Describe(_json.TokenType)}, but metadata values must be strings");
            }

            if (!metadata.TryAdd(key, ReadString()))
            {
                throw Error($"\"{MetadataKey}\" has a duplicate key {Quote(key)}");
            }
        }

        return metadata;
    }

    private SafetensorsHeaderEntry ReadEntry(string name)
    {
        _json.Read();
        if (_json.TokenType != JsonTokenType.StartObject)
        {
            throw Error($"tensor {Quote(name)} is a JSON {Describe(_json.TokenType)}, not an object with dtype, shape and data_offsets");
        }

        SafetensorsDType? dtype = null;
        int[]? shape = null;
        (long Begin, long End)? offsets = null;
        while (_json.Read() && _json.TokenType == JsonTokenType.PropertyName)
        {
            string key = ReadString();
            switch (key)
            {
                case "dtype":
                    EnsureFirst(dtype.HasValue, name, key);
                    dtype = ReadDType(name);
                    break;
                case "shape":
                    EnsureFirst(shape is not null, name, key);
                    shape = ReadShape(name);
                    break;
                case "data_offsets":
                    EnsureFirst(offsets.HasValue, name, key);
                    offsets = ReadOffsets(name);
                    break;
                default:
                    throw Error($"tensor {Quote(name)} has unexpected key {Quote(key)}; only dtype, shape and data_offsets are allowed");
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            string missing = dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Error($"tensor {Quote(name)} is missing \"{missing}\"");
        }

        return Validate(name, dtype.Value, shape, offsets.Value.Begin, offsets.Value.End);
    }

    private SafetensorsHeaderEntry Validate(string name, SafetensorsDType dtype, int[] shape, long begin, long end)
    {
        if (!TensorShape.TryGetElementCount(shape, out int elementCount))
        {
            throw Error($"tensor {Quote(name)} has shape {TensorShape.Format(shape)}, which has more than {int.MaxValue} elements");
        }

        if (begin > end)
        {
            throw Error($"tensor {Quote(name)} has data_offsets [{begin}, {end}] whose begin is after its end");
        }

        if (end > _dataLength)
        {
            throw Error($"tensor {Quote(name)} has data_offsets [{begin}, {end}], which end past the data section of {_dataLength} bytes");
        }

        long expectedBytes = (long)elementCount * dtype.GetElementSize();
        if (end - begin != expectedBytes)
        {
            throw Error(
                $"tensor {Quote(name)} is {dtype.GetHeaderName()} {TensorShape.Format(shape)}, which needs {expectedBytes} bytes, " +
                $"but its data_offsets [{begin}, {end}] span {end - begin} bytes");
        }

        return new SafetensorsHeaderEntry(name, dtype, shape, elementCount, begin, end);
    }

    private SafetensorsDType ReadDType(string name)
    {
        _json.Read();
        if (_json.TokenType != JsonTokenType.String)
        {
            throw Error($"tensor {Quote(name)} has a dtype that is a JSON {Describe(_json.TokenType)}, not a string");
        }

        string text = ReadString();
        if (!SafetensorsDTypeExtensions.TryParseHeaderName(text, out SafetensorsDType dtype))
        {
            throw Error($"tensor {Quote(name)} has unknown dtype {Quote(text)}; supported: F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL");
        }

        return dtype;
    }

    private int[] ReadShape(string name)
    {
        _json.Read();
        if (_json.TokenType != JsonTokenType.StartArray)
        {
            throw Error($"tensor {Quote(name)} has a shape that is a JSON {Describe(_json.TokenType)}, not an array of integers");
        }

        var dimensions = new List<int>();
        while (_json.Read() && _json.TokenType != JsonTokenType.EndArray)
        {
            if (_json.TokenType != JsonTokenType.Number || !_json.TryGetInt64(out long dimension))
            {
                throw Error($"tensor {Quote(name)} has shape element {dimensions.Count} that is not an integer (header byte {_json.TokenStartIndex})");
            }

            if (dimension < 0)
            {
                throw Error($"tensor {Quote(name)} has negative shape dimension {dimension} at index {dimensions.Count}");
            }

            if (dimension > int.MaxValue)
            {
                throw Error($"tensor {Quote(name)} has shape dimension {dimension} at index {dimensions.Count}, larger than {int.MaxValue}");
            }

            dimensions.Add((int)dimension);
        }

        return dimensions.ToArray();
    }

    private (long Begin, long End) ReadOffsets(string name)
    {
        _json.Read();
        if (_json.TokenType != JsonTokenType.StartArray)
        {
            throw Error($"tensor {Quote(name)} has data_offsets that are a JSON {Describe(_json.TokenType)}, not [begin, end]");
        }

        Span<long> offsets = stackalloc long[2];
        int count = 0;
        while (_json.Read() && _json.TokenType != JsonTokenType.EndArray)
        {
            if (count == offsets.Length)
            {
                throw Error($"tensor {Quote(name)} has more than two data_offsets; expected [begin, end]");
            }

            if (_json.TokenType != JsonTokenType.Number || !_json.TryGetInt64(out long offset) || offset < 0)
            {
                throw Error($"tensor {Quote(name)} has data_offsets element {count} that is not a non-negative integer (header byte {_json.TokenStartIndex})");
            }

            offsets[count++] = offset;
        }

        if (count != offsets.Length)
        {
            throw Error($"tensor {Quote(name)} has {count} data_offsets; expected [begin, end]");
        }

        return (offsets[0], offsets[1]);
    }

    private readonly void EnsureFirst(bool seen, string name, string key)
    {
        if (seen)
        {
            throw Error($"tensor {Quote(name)} has \"{key}\" twice");
        }
    }

    private readonly string ReadString()
    {
        try
        {
            return _json.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            // Syntactically valid escapes can still decode to invalid UTF-16, e.g. a lone "\ud800".
            throw SafetensorsFile.Invalid(_source, $"the string at header byte {_json.TokenStartIndex} is not valid text: {e.Message}", e);
        }
    }

    private readonly InvalidDataException Error(string message) => SafetensorsFile.Invalid(_source, message);

    private static string Quote(string text) => SafetensorsFile.Quote(text);

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };
}
