using System;
using System.Linq;

namespace RnnGen.Runtime.Tests.Weights;

public class SafetensorsConversionTests
{
    [Fact]
    public void F16_converts_exactly_including_subnormals_signed_zero_and_infinity()
    {
        byte[] data = SafetensorsBytes.UInt16s(0x3C00, 0xC100, 0x3555, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0xFC00);

        float[] values = Parse("F16", "[8]", data).ToFloat32();

        float[] expected = [1f, -2.5f, 0.333251953125f, 65504f, MathF.Pow(2, -24), -0f, float.PositiveInfinity, float.NegativeInfinity];
        Assert.Equal(Bits(expected), Bits(values));
    }

    [Fact]
    public void BF16_converts_by_taking_the_upper_half_of_a_float32()
    {
        byte[] data = SafetensorsBytes.UInt16s(0x3F80, 0xC020, 0x4049, 0x0001, 0x8000, 0x7F80, 0x7FC0);

        float[] values = Parse("BF16", "[7]", data).ToFloat32();

        float[] expected = [1f, -2.5f, 3.140625f, BitConverter.Int32BitsToSingle(0x0001_0000), -0f, float.PositiveInfinity, BitConverter.Int32BitsToSingle(0x7FC0_0000)];
        Assert.Equal(Bits(expected), Bits(values));
    }

    [Fact]
    public void F64_converts_by_rounding_to_the_nearest_float32()
    {
        byte[] data = SafetensorsBytes.Doubles(1.0, -2.5, 0.1, 1e300, -1e-50, 16777217.0);

        float[] values = Parse("F64", "[2, 3]", data).ToFloat32();

        float[] expected = [1f, -2.5f, 0.1f, float.PositiveInfinity, -0f, 16777216f];
        Assert.Equal(Bits(expected), Bits(values));
    }

    [Fact]
    public void F32_keeps_every_bit_even_when_the_data_is_not_4_byte_aligned()
    {
        float[] expected = [1.5f, -0f, float.Epsilon, BitConverter.Int32BitsToSingle(0x7FC0_0001)];
        byte[] data = SafetensorsBytes.Singles(expected);
        // The header is padded to a multiple of 8, so the data section is 8-aligned and the tensor, after a one-byte
        // tensor, is not.
        string header = "{" + SafetensorsBytes.Entry("flag", "U8", "[1]", 0, 1) + "," + SafetensorsBytes.Entry("t", "F32", "[4]", 1, 17) + "}";
        header = header.PadRight((header.Length + 7) / 8 * 8);
        byte[] file = SafetensorsBytes.Build(header, [0xEE, .. data]);

        SafetensorsTensor tensor = SafetensorsFile.Parse(file)["t"];
        float[] copied = new float[4];
        tensor.CopyToFloat32(copied);

        Assert.Equal(Bits(expected), Bits(tensor.ToFloat32()));
        Assert.Equal(Bits(expected), Bits(copied));
    }

    [Fact]
    public void Integer_types_widen_to_int64_with_their_sign()
    {
        Assert.Equal([long.MinValue, -1, 0, long.MaxValue], Parse("I64", "[4]", SafetensorsBytes.Int64s(long.MinValue, -1, 0, long.MaxValue)).ToInt64());
        Assert.Equal([int.MinValue, -1L, 7, int.MaxValue], Parse("I32", "[2, 2]", SafetensorsBytes.Int32s(int.MinValue, -1, 7, int.MaxValue)).ToInt64());
        Assert.Equal([short.MinValue, -2L, short.MaxValue], Parse("I16", "[3]", SafetensorsBytes.UInt16s(0x8000, 0xFFFE, 0x7FFF)).ToInt64());
        Assert.Equal([-128L, -1, 127], Parse("I8", "[3]", [0x80, 0xFF, 0x7F]).ToInt64());
        Assert.Equal([128L, 255, 0], Parse("U8", "[3]", [0x80, 0xFF, 0x00]).ToInt64());
        Assert.Equal([0L, 1, 1], Parse("BOOL", "[3]", [0, 1, 2]).ToInt64());
    }

    [Theory]
    [InlineData("I64", 8)]
    [InlineData("I32", 4)]
    [InlineData("I16", 2)]
    [InlineData("I8", 1)]
    [InlineData("U8", 1)]
    [InlineData("BOOL", 1)]
    public void Converting_an_integer_tensor_to_float32_names_the_tensor_and_its_dtype(string dtype, int elementSize)
    {
        SafetensorsTensor tensor = Parse(dtype, "[2]", new byte[2 * elementSize]);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => tensor.ToFloat32());
        Assert.Throws<InvalidOperationException>(() => tensor.CopyToFloat32(new float[2]));

        Assert.Contains("'t'", error.Message, StringComparison.Ordinal);
        Assert.Contains(dtype, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("F32", 4)]
    [InlineData("F16", 2)]
    [InlineData("BF16", 2)]
    [InlineData("F64", 8)]
    public void Converting_a_float_tensor_to_int64_names_the_tensor_and_its_dtype(string dtype, int elementSize)
    {
        SafetensorsTensor tensor = Parse(dtype, "[2]", new byte[2 * elementSize]);

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => tensor.ToInt64());

        Assert.Contains("'t'", error.Message, StringComparison.Ordinal);
        Assert.Contains(dtype, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(0)]
    public void Copying_into_a_destination_of_the_wrong_length_names_the_tensor_and_both_lengths(int destinationLength)
    {
        SafetensorsTensor tensor = Parse("F32", "[2, 3]", new byte[24]);

        ArgumentException error = Assert.Throws<ArgumentException>(() => tensor.CopyToFloat32(new float[destinationLength]));

        Assert.Equal("destination", error.ParamName);
        Assert.Contains("'t'", error.Message, StringComparison.Ordinal);
        Assert.Contains("6", error.Message, StringComparison.Ordinal);
        Assert.Contains(destinationLength.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_dtype_has_its_header_name_and_element_size_and_parses_back_from_a_header()
    {
        (SafetensorsDType DType, string Name, int Size)[] expected =
        [
            (SafetensorsDType.F32, "F32", 4), (SafetensorsDType.F16, "F16", 2), (SafetensorsDType.BF16, "BF16", 2),
            (SafetensorsDType.F64, "F64", 8), (SafetensorsDType.I64, "I64", 8), (SafetensorsDType.I32, "I32", 4),
            (SafetensorsDType.I16, "I16", 2), (SafetensorsDType.I8, "I8", 1), (SafetensorsDType.U8, "U8", 1),
            (SafetensorsDType.BOOL, "BOOL", 1),
        ];

        Assert.Equal(Enum.GetValues<SafetensorsDType>().Order(), expected.Select(e => e.DType).Order());
        foreach ((SafetensorsDType dtype, string name, int size) in expected)
        {
            Assert.Equal(name, dtype.GetHeaderName());
            Assert.Equal(size, dtype.GetElementSize());
            Assert.Equal(dtype, Parse(name, "[3]", new byte[3 * size]).DType);
            Assert.Equal(name is "F32" or "F16" or "BF16" or "F64", dtype.IsFloatingPoint());
        }
    }

    [Fact]
    public void A_scalar_has_an_empty_shape_and_one_element()
    {
        SafetensorsTensor tensor = Parse("F64", "[]", SafetensorsBytes.Doubles(-3.25));

        Assert.Empty(tensor.Shape);
        Assert.Equal(1, tensor.ElementCount);
        Assert.Equal([-3.25f], tensor.ToFloat32());
    }

    [Fact]
    public void A_tensor_with_a_zero_dimension_has_no_elements_and_no_bytes()
    {
        SafetensorsTensor tensor = Parse("F32", "[4, 0, 3]", []);

        Assert.Equal(0, tensor.ElementCount);
        Assert.Empty(tensor.ToFloat32());
    }

    private static SafetensorsTensor Parse(string dtype, string shape, byte[] data) =>
        SafetensorsFile.Parse(SafetensorsBytes.SingleTensor(dtype, shape, data))["t"];

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
