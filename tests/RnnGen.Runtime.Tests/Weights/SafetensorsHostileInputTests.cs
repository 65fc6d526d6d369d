using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using static RnnGen.Runtime.Tests.Weights.SafetensorsBytes;

namespace RnnGen.Runtime.Tests.Weights;

public class SafetensorsHostileInputTests
{
    private const string Source = "hostile.safetensors";

    /// <summary>Each corrupt file and a phrase its error message must contain.</summary>
    private static readonly Dictionary<string, (byte[] File, string Phrase)> Cases = new()
    {
        ["empty file"] = ([], "shorter than the 8-byte header length"),
        ["file of 7 bytes"] = (new byte[7], "shorter than the 8-byte header length"),
        ["header length just over 100 MiB"] = (Build((100 * 1024 * 1024) + 1, "{}"u8, new byte[64]), "exceeds the limit"),
        ["header length u64 max"] = (Build(ulong.MaxValue, "{}"u8, []), "exceeds the limit"),
        ["header length with the top bit set"] = (Build(1UL << 63, "{}"u8, []), "exceeds the limit"),
        ["header length past the end of the file"] = (Build(100, "{}"u8, new byte[20]), "runs past the end of the file"),
        ["header length one past the end"] = (Build(3, "{}"u8, []), "runs past the end of the file"),
        ["empty header"] = (Build(0, [], new byte[8]), "not valid JSON"),
        ["header of spaces"] = (Build("        ", 0), "not valid JSON"),
        ["space before the object"] = (Build(" {}", 0), "the header starts with whitespace (byte 0x20)"),
        ["newline before the object"] = (Build("\n{}", 0), "the header starts with whitespace (byte 0x0A)"),
        ["gap between tensors"] = (Build("{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "F32", "[1]", 8, 12) + "}", 12), "tensor 'b' starts at data offset 8, but the tensors before it end at 4: a gap of 4 bytes"),
        ["first tensor after the start"] = (Build("{" + Entry("a", "F32", "[1]", 4, 8) + "}", 8), "tensor 'a' starts at data offset 4, but the data section starts at 0: a gap of 4 bytes"),
        ["bytes after the last tensor"] = (Build("{" + Entry("a", "F32", "[1]", 0, 4) + "}", 6), "the tensors end at data offset 4, but the data section has 6 bytes: 2 bytes after the last tensor"),
        ["data and no tensors"] = (Build("{}", 4), "the tensors end at data offset 0, but the data section has 4 bytes"),
        ["invalid UTF-8"] = (Build([(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []), "not valid UTF-8"),
        ["byte order mark"] = (Build("\uFEFF{}", 0), "not valid JSON"),
        ["truncated JSON"] = (Build("{\"t\":{\"dtype\":\"F32\"", 0), "not valid JSON"),
        ["trailing comma"] = (Build("{" + Entry("t", "F32", "[1]", 0, 4) + ",}", 4), "not valid JSON"),
        ["content after the object"] = (Build("{} {}", 0), "not valid JSON"),
        ["comment"] = (Build("{/* hi */}", 0), "not valid JSON"),
        ["NUL padding"] = (Build("{}\0\0\0\0\0\0", 0), "not valid JSON"),
        ["header is an array"] = (Build("[1, 2]", 0), "JSON array, not an object"),
        ["header is a string"] = (Build("\"weights\"", 0), "JSON string, not an object"),
        ["nesting deeper than 8"] = (Build("{\"t\":{\"shape\":[[[[[[[[[1]]]]]]]]]}}", 0), "depth"),
        ["nesting 100000 deep"] = (Build(new string('[', 100_000) + new string(']', 100_000), 0), "depth"),
        ["metadata is an array"] = (Build("{\"__metadata__\":[\"a\"]}", 0), "\"__metadata__\" is a JSON array"),
        ["metadata value is a number"] = (Build("{\"__metadata__\":{\"epochs\":3}}", 0), "'epochs' is a JSON number"),
        ["metadata value is an object"] = (Build("{\"__metadata__\":{\"config\":{\"a\":\"b\"}}}", 0), "'config' is a JSON object"),
        ["metadata value is null"] = (Build("{\"__metadata__\":{\"a\":null}}", 0), "'a' is a JSON null"),
        ["metadata twice"] = (Build("{\"__metadata__\":{},\"__metadata__\":{}}", 0), "duplicate \"__metadata__\""),
        ["metadata key twice"] = (Build("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0), "duplicate key 'a'"),
        ["tensor is a number"] = (Build("{\"t\":5}", 0), "tensor 't' is a JSON number"),
        ["tensor is null"] = (Build("{\"t\":null}", 0), "tensor 't' is a JSON null"),
        ["missing dtype"] = (Build("{\"t\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "missing \"dtype\""),
        ["missing shape"] = (Build("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4), "missing \"shape\""),
        ["missing data_offsets"] = (Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4), "missing \"data_offsets\""),
        ["unexpected key"] = (Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", 4), "unexpected key 'extra'"),
        ["dtype twice"] = (Build("{\"t\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "\"dtype\" twice"),
        ["dtype is a number"] = (Build("{\"t\":{\"dtype\":32,\"shape\":[1],\"data_offsets\":[0,4]}}", 4), "dtype that is a JSON number"),
        ["unknown dtype"] = (SingleTensor("F8_E4M3", "[4]", new byte[4]), "unknown dtype 'F8_E4M3'"),
        ["lower-case dtype"] = (SingleTensor("f32", "[1]", new byte[4]), "unknown dtype 'f32'"),
        ["shape is a number"] = (SingleTensor("F32", "4", new byte[16]), "shape that is a JSON number"),
        ["shape with a fraction"] = (SingleTensor("F32", "[2.5]", new byte[8]), "not an integer"),
        ["shape with a string"] = (SingleTensor("F32", "[\"2\"]", new byte[8]), "not an integer"),
        ["shape with an exponent beyond int64"] = (SingleTensor("F32", "[1e30]", new byte[8]), "not an integer"),
        ["negative dimension"] = (SingleTensor("F32", "[2, -1]", new byte[8]), "negative shape dimension -1"),
        ["dimension beyond int32"] = (SingleTensor("F32", "[3000000000]", new byte[8]), "larger than 2147483647"),
        ["element count overflow"] = (SingleTensor("F32", "[2147483647, 2147483647]", new byte[8]), "more than 2147483647 elements"),
        ["element count overflow over many dimensions"] = (SingleTensor("F32", "[65536, 65536, 65536, 65536]", new byte[8]), "more than 2147483647 elements"),
        ["element count just over int32"] = (SingleTensor("I8", "[2, 1073741824]", new byte[8]), "more than 2147483647 elements"),
        ["data_offsets is an object"] = (Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{}}}", 4), "data_offsets that are a JSON object"),
        ["one data offset"] = (Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4]}}", 4), "1 data_offsets"),
        ["three data offsets"] = (Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", 8), "more than two data_offsets"),
        ["negative data offset"] = (Build("{" + Entry("t", "F32", "[1]", -4, 0) + "}", 4), "not a non-negative integer"),
        ["fractional data offset"] = (Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4.5]}}", 8), "not a non-negative integer"),
        ["data offset beyond int64"] = (Build("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 8), "not a non-negative integer"),
        ["begin after end"] = (Build("{" + Entry("t", "F32", "[1]", 8, 4) + "}", 8), "begin is after its end"),
        ["end past the data section"] = (Build("{" + Entry("t", "F32", "[2]", 0, 8) + "}", 4), "end past the data section of 4 bytes"),
        ["offsets far past the data section"] = (Build("{" + Entry("t", "F32", "[1]", long.MaxValue - 4, long.MaxValue) + "}", 4), "end past the data section"),
        ["too few bytes for the dtype"] = (Build("{" + Entry("t", "F32", "[2]", 0, 4) + "}", 8), "needs 8 bytes"),
        ["too many bytes for the dtype"] = (Build("{" + Entry("t", "BF16", "[2]", 0, 8) + "}", 8), "needs 4 bytes"),
        ["scalar with no bytes"] = (Build("{" + Entry("t", "F32", "[]", 0, 0) + "}", 0), "needs 4 bytes"),
        ["overlapping tensors"] = (Build("{" + Entry("a", "F32", "[2]", 0, 8) + "," + Entry("b", "F32", "[2]", 4, 12) + "}", 12), "overlap"),
        ["tensor inside another"] = (Build("{" + Entry("a", "F32", "[4]", 0, 16) + "," + Entry("b", "F32", "[1]", 4, 8) + "}", 16), "overlap"),
        ["same bytes twice"] = (Build("{" + Entry("a", "F32", "[1]", 0, 4) + "," + Entry("b", "I32", "[1]", 0, 4) + "}", 4), "overlap"),
        ["duplicate tensor names"] = (Build("{" + Entry("t", "F32", "[1]", 0, 4) + "," + Entry("t", "F32", "[1]", 4, 8) + "}", 8), "duplicate tensor name 't'"),
        ["lone surrogate escape in a name"] = (Build("{\"\\ud800\":{}}", 0), "not valid text"),
        ["huge unknown dtype is quoted briefly"] = (SingleTensor(new string('X', 10_000), "[1]", new byte[4]), "(10000 characters)"),
    };

    public static TheoryData<string> CaseNames() => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_corrupt_file_is_rejected_with_an_InvalidDataException_that_names_the_file_and_the_problem(string caseName)
    {
        (byte[] file, string phrase) = Cases[caseName];

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(file, Source));

        Assert.StartsWith(Source + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Read_from_disk_rejects_each_corrupt_file_as_Parse_does(string caseName)
    {
        (byte[] file, string phrase) = Cases[caseName];
        using var directory = new TemporaryDirectory();
        string path = directory.File("corrupt.safetensors");
        File.WriteAllBytes(path, file);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_overlap_error_names_both_tensors_and_their_offsets()
    {
        byte[] file = Build("{" + Entry("first", "F32", "[2]", 0, 8) + "," + Entry("second", "F32", "[2]", 4, 12) + "}", 12);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(file, Source));

        Assert.Contains("'first' (data_offsets [0, 8])", error.Message, StringComparison.Ordinal);
        Assert.Contains("'second' (data_offsets [4, 12])", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_a_corrupt_file_from_disk_names_its_path()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("broken.safetensors");
        File.WriteAllBytes(path, Build("{\"t\":5}", 0));

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tensors_may_come_in_any_order_as_long_as_they_tile_the_data()
    {
        byte[] data = [.. Singles(9f), .. Singles(1f, 2f)];
        byte[] file = Build("{" + Entry("late", "F32", "[2]", 4, 12) + "," + Entry("early", "F32", "[]", 0, 4) + "," + Entry("none", "F32", "[0]", 4, 4) + "}", data);

        SafetensorsFile parsed = SafetensorsFile.Parse(file, Source);

        Assert.Equal(["late", "early", "none"], parsed.Tensors.Select(t => t.Name));
        Assert.Equal([1f, 2f], parsed["late"].ToFloat32());
        Assert.Equal([9f], parsed["early"].ToFloat32());
    }

    [Fact]
    public void Names_and_metadata_with_escapes_and_non_ASCII_text_are_decoded()
    {
        string header = "{\"__metadata__\":{\"note\":\"\\u00fc \\\"q\\\" \u2299\"}," + Entry("w\\u002Bb.\u00e9", "F32", "[1]", 0, 4) + "}";

        SafetensorsFile parsed = SafetensorsFile.Parse(Build(header, Singles(3f)), Source);

        Assert.Equal("ü \"q\" ⊙", parsed.Metadata["note"]);
        Assert.Equal([3f], parsed["w+b.é"].ToFloat32());
    }

    [Fact]
    public void Eight_levels_of_nesting_are_within_the_depth_limit()
    {
        // The deepest a valid header goes is 3 (header, tensor, shape); the limit of 8 is reached only by junk,
        // which the syntax pass reports as a depth problem even where the schema would reject it anyway.
        byte[] eightDeep = Build("{\"t\":{\"shape\":[[[[[[1]]]]]]}}", 0);
        byte[] nineDeep = Build("{\"t\":{\"shape\":[[[[[[[1]]]]]]]}}", 0);

        InvalidDataException eight = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(eightDeep, Source));
        InvalidDataException nine = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(nineDeep, Source));

        Assert.Contains("not an integer", eight.Message, StringComparison.Ordinal);
        Assert.Contains("depth", nine.Message, StringComparison.Ordinal);
    }
}
