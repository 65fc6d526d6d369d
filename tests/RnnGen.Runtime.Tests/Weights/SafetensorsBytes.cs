using System;
using System.Buffers.Binary;
using System.Text;

namespace RnnGen.Runtime.Tests.Weights;

/// <summary>Builds safetensors files byte by byte, so that tests control every field, valid or not.</summary>
internal static class SafetensorsBytes
{
    /// <summary>Length prefix = exact UTF-8 length of <paramref name="header"/> (no padding), then the header, then <paramref name="data"/>.</summary>
    public static byte[] Build(string header, ReadOnlySpan<byte> data) => Build(Encoding.UTF8.GetBytes(header), data);

    public static byte[] Build(string header, int dataLength) => Build(header, new byte[dataLength]);

    public static byte[] Build(ReadOnlySpan<byte> header, ReadOnlySpan<byte> data) =>
        Build((ulong)header.Length, header, data);

    /// <summary>A file whose length prefix says <paramref name="declaredHeaderLength"/>, whatever follows.</summary>
    public static byte[] Build(ulong declaredHeaderLength, ReadOnlySpan<byte> header, ReadOnlySpan<byte> data)
    {
        byte[] bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredHeaderLength);
        header.CopyTo(bytes.AsSpan(8));
        data.CopyTo(bytes.AsSpan(8 + header.Length));
        return bytes;
    }

    public static byte[] UInt16s(params ushort[] values)
    {
        byte[] bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), values[i]);
        }

        return bytes;
    }

    public static byte[] Singles(params float[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] Doubles(params double[] values)
    {
        byte[] bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    public static byte[] Int32s(params int[] values)
    {
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    public static byte[] Int64s(params long[] values)
    {
        byte[] bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        }

        return bytes;
    }

    /// <summary>The JSON of one tensor entry, e.g. <c>"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}</c>.</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>A file with the single tensor <c>t</c> of <paramref name="dtype"/> whose data is <paramref name="data"/>.</summary>
    public static byte[] SingleTensor(string dtype, string shape, byte[] data) =>
        Build("{" + Entry("t", dtype, shape, 0, data.Length) + "}", data);
}
