using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace RnnGen.Runtime.Tests.Weights;

public class SafetensorsWriterTests
{
    private static readonly Dictionary<string, string> Metadata = new()
    {
        ["module"] = "test",
        ["note"] = "a+b \"quoted\" ü ⊙",
    };

    [Fact]
    public void Round_trip_preserves_names_shapes_order_metadata_and_every_float_bit()
    {
        float[] special = [0f, -0f, float.Epsilon, -float.Epsilon, float.MaxValue, float.MinValue, float.NaN, float.PositiveInfinity, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC0_1234)];
        float[] matrix = Enumerable.Range(0, 12).Select(i => (i * 0.37f) - 2f).ToArray();
        SafetensorsEntry[] entries =
        [
            new("z.first", [2, 5], special),
            new("a.matrix", [3, 4], matrix),
            new("scalar", [], new[] { 42.5f }),
            new("empty", [0, 3], ReadOnlyMemory<float>.Empty),
        ];

        SafetensorsFile file = SafetensorsFile.Parse(SafetensorsWriter.Serialize(entries, Metadata));

        Assert.Equal(["z.first", "a.matrix", "scalar", "empty"], file.Tensors.Select(t => t.Name));
        Assert.Equal(Metadata, file.Metadata);
        foreach (SafetensorsEntry entry in entries)
        {
            SafetensorsTensor tensor = file[entry.Name];
            Assert.Equal(SafetensorsDType.F32, tensor.DType);
            Assert.Equal(entry.Shape, tensor.Shape);
            Assert.Equal(Bits(entry.Data.ToArray()), Bits(tensor.ToFloat32()));
        }
    }

    [Fact]
    public void Serializing_what_was_read_gives_the_same_bytes()
    {
        byte[] first = SafetensorsWriter.Serialize([new("w", [2, 2], new[] { 1f, 2f, 3f, 4f }), new("b", [2], new[] { 5f, 6f })], Metadata);
        SafetensorsFile file = SafetensorsFile.Parse(first);

        byte[] second = SafetensorsWriter.Serialize(file.Tensors.Select(t => new SafetensorsEntry(t.Name, t.Shape.ToArray(), t.ToFloat32())), file.Metadata);

        Assert.Equal(first, second);
    }

    [Fact]
    public void The_header_puts_metadata_first_and_packs_the_data_back_to_back_in_the_given_order()
    {
        byte[] bytes = SafetensorsWriter.Serialize([new("second", [3], new float[3]), new("first", [2], new float[2])], Metadata);

        string header = HeaderText(bytes).TrimEnd(' ');

        Assert.StartsWith("{\"__metadata__\":{\"module\":\"test\",", header, StringComparison.Ordinal);
        Assert.Contains("\"second\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}", header, StringComparison.Ordinal);
        Assert.EndsWith("\"first\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", header, StringComparison.Ordinal);
        Assert.True(header.IndexOf("\"second\"", StringComparison.Ordinal) < header.IndexOf("\"first\"", StringComparison.Ordinal));
        Assert.Equal(8 + HeaderLength(bytes) + 20, bytes.Length);
    }

    [Fact]
    public void Without_metadata_the_header_has_no_metadata_entry()
    {
        byte[] bytes = SafetensorsWriter.Serialize([new("w", [1], new[] { 1f })]);

        Assert.DoesNotContain("__metadata__", HeaderText(bytes), StringComparison.Ordinal);
        Assert.Empty(SafetensorsFile.Parse(bytes).Metadata);
        Assert.DoesNotContain("__metadata__", HeaderText(SafetensorsWriter.Serialize([new("w", [1], new[] { 1f })], new Dictionary<string, string>())), StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_is_padded_with_spaces_to_a_multiple_of_8_for_every_name_length()
    {
        for (int nameLength = 1; nameLength <= 24; nameLength++)
        {
            byte[] bytes = SafetensorsWriter.Serialize([new(new string('n', nameLength), [1], new[] { 1f })]);
            int headerLength = HeaderLength(bytes);
            string header = HeaderText(bytes);

            Assert.Equal(0, headerLength % 8);
            Assert.True(header.TrimEnd(' ').Length > headerLength - 8, $"name length {nameLength}: more than 7 padding bytes");
            Assert.EndsWith("}", header.TrimEnd(' '), StringComparison.Ordinal);
            Assert.Equal(1f, SafetensorsFile.Parse(bytes).Tensors[0].ToFloat32()[0]);
        }
    }

    [Fact]
    public void An_empty_tensor_list_is_a_valid_file()
    {
        byte[] bytes = SafetensorsWriter.Serialize([]);

        Assert.Equal("{}      ", HeaderText(bytes));
        Assert.Empty(SafetensorsFile.Parse(bytes).Tensors);
    }

    [Fact]
    public void Write_puts_the_serialized_bytes_at_the_path_and_leaves_no_temporary_file()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("weights.safetensors");
        SafetensorsEntry[] entries = [new("w", [2, 3], new[] { 1f, 2f, 3f, 4f, 5f, 6f })];

        SafetensorsWriter.Write(path, entries, Metadata);

        Assert.Equal(SafetensorsWriter.Serialize(entries, Metadata), File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(directory.Path));
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], SafetensorsFile.Read(path)["w"].ToFloat32());
    }

    [Fact]
    public void Write_replaces_an_existing_file()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("weights.safetensors");
        File.WriteAllText(path, "an older, longer file that must be replaced completely");

        SafetensorsWriter.Write(path, [new("w", [1], new[] { 7f })]);

        Assert.Equal([7f], SafetensorsFile.Read(path)["w"].ToFloat32());
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }

    [Fact]
    public void A_failed_write_removes_its_temporary_file_and_leaves_the_target_alone()
    {
        using var directory = new TemporaryDirectory();
        string target = directory.File("occupied");
        Directory.CreateDirectory(target); // A directory cannot be replaced by the finished file, so the final move fails.
        File.WriteAllText(Path.Combine(target, "keep.txt"), "keep");

        Exception error = Assert.ThrowsAny<Exception>(() => SafetensorsWriter.Write(target, [new("w", [1], new[] { 1f })]));

        Assert.True(error is IOException or UnauthorizedAccessException, error.ToString());
        Assert.Empty(Directory.GetFiles(directory.Path));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(target, "keep.txt")));
    }

    [Fact]
    public void Invalid_entries_are_rejected_before_anything_is_written()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("weights.safetensors");

        AssertRejected(path, "'w'", new SafetensorsEntry("w", [2, 3], new float[5]));
        AssertRejected(path, "'w'", new SafetensorsEntry("w", [-1, 3], new float[3]));
        AssertRejected(path, "'w'", new SafetensorsEntry("w", null!, new float[1]));
        AssertRejected(path, "more than once", new SafetensorsEntry("w", [1], new float[1]), new SafetensorsEntry("w", [1], new float[1]));
        AssertRejected(path, "no name", new SafetensorsEntry("", [1], new float[1]));
        AssertRejected(path, "__metadata__", new SafetensorsEntry("__metadata__", [1], new float[1]));

        // UTF-8 cannot hold a lone surrogate: written, the name would come back as U+FFFD
        AssertRejected(path, "(U+D800) at index 1", new SafetensorsEntry("w\uD800", [1], new float[1]));
        AssertRejected(path, "(U+DC00) at index 0", new SafetensorsEntry("\uDC00w", [1], new float[1]));
        Assert.Empty(Directory.GetFiles(directory.Path));

        // a pair is one character, and round-trips
        SafetensorsFile file = SafetensorsFile.Parse(SafetensorsWriter.Serialize([new("w\uD83D\uDE00", [1], new[] { 1f })]));
        Assert.Equal("w\uD83D\uDE00", file.Tensors[0].Name);
    }

    [Fact]
    public void Metadata_with_a_lone_surrogate_is_rejected()
    {
        Assert.Contains("lone surrogate", Assert.Throws<ArgumentException>(() => SafetensorsWriter.Serialize([], new Dictionary<string, string> { ["k\uDBFF"] = "v" })).Message, StringComparison.Ordinal);
        ArgumentException error = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Serialize([], new Dictionary<string, string> { ["note"] = "\uD800" }));
        Assert.Contains("'note'", error.Message, StringComparison.Ordinal);
        Assert.Equal("metadata", error.ParamName);
    }

    [Fact]
    public void A_null_metadata_value_is_rejected()
    {
        var metadata = new Dictionary<string, string> { ["key"] = null! };

        ArgumentException error = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Serialize([], metadata));

        Assert.Contains("'key'", error.Message, StringComparison.Ordinal);
    }

    private static void AssertRejected(string path, string expectedText, params SafetensorsEntry[] entries)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => SafetensorsWriter.Write(path, entries));
        Assert.Contains(expectedText, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SafetensorsWriter.Serialize(entries));
    }

    private static int HeaderLength(byte[] file) => checked((int)BinaryPrimitives.ReadUInt64LittleEndian(file));

    private static string HeaderText(byte[] file) => Encoding.UTF8.GetString(file, 8, HeaderLength(file));

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
