using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace RnnGen.Runtime.Tests.Data;

/// <summary>Builds IDX files byte by byte, so that tests control every field, valid or not.</summary>
internal static class IdxBytes
{
    public const uint Images = 0x00000803;
    public const uint Labels = 0x00000801;

    /// <summary>The big-endian magic, each size as a big-endian u32, then <paramref name="data"/>.</summary>
    public static byte[] Build(uint magic, uint[] sizes, ReadOnlySpan<byte> data)
    {
        var bytes = new byte[4 + (4 * sizes.Length) + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < sizes.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + (4 * i)), sizes[i]);
        }

        data.CopyTo(bytes.AsSpan(4 + (4 * sizes.Length)));
        return bytes;
    }

    /// <summary><paramref name="length"/> bytes that differ from their neighbours (i · 37 mod 256).</summary>
    public static byte[] Counting(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = (byte)(i * 37);
        }

        return data;
    }

    public static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return compressed.ToArray();
    }
}
