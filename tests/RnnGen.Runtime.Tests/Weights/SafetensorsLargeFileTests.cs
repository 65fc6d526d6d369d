using System;
using System.IO;
using static RnnGen.Runtime.Tests.Weights.SafetensorsBytes;

namespace RnnGen.Runtime.Tests.Weights;

/// <summary>
/// Files past what one byte array holds (2 GB): an Adam checkpoint of a model above about 134 million parameters
/// writes such an optimizer file. The files here are sparse, so they take no disk space and no time to write: the
/// first puts two 1 GB tensors of zeros (never written, read back as holes) between two small ones. Reading them takes
/// seconds and 2 GB of memory, and nothing in it depends on the SIMD setting, so CI runs this class once, not again in
/// its reruns with narrower vectors (the trait below).
/// </summary>
[Trait("Category", "LargeFile")]
public class SafetensorsLargeFileTests
{
    private const long Half = (1L << 30) + 32;

    [Fact]
    public void A_file_larger_than_two_gigabytes_is_read_tensor_by_tensor()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("large.safetensors");
        string header = "{" + Entry("first", "F32", "[2]", 0, 8) + "," + Entry("zeros", "U8", $"[{Half}]", 8, 8 + Half) + ","
            + Entry("more_zeros", "U8", $"[{Half}]", 8 + Half, 8 + (2 * Half)) + "," + Entry("last", "F32", "[3]", 8 + (2 * Half), 20 + (2 * Half)) + "}";
        WriteSparse(path, header, 20 + (2 * Half), (0, Singles(1.5f, -2f)), (8 + (2 * Half), Singles(3f, 4f, 5f)));
        Assert.True(new FileInfo(path).Length > Array.MaxLength);

        SafetensorsFile file = SafetensorsFile.Read(path);

        Assert.Equal([1.5f, -2f], file["first"].ToFloat32());
        Assert.Equal(Half, file["more_zeros"].ElementCount);
        Assert.Equal([3f, 4f, 5f], file["last"].ToFloat32());
    }

    [Fact]
    public void A_tensor_larger_than_one_array_is_refused_before_it_is_read()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("huge-tensor.safetensors");
        const long elements = 300_000_000; // 2.4 GB of float64
        WriteSparse(path, "{" + Entry("huge", "F64", $"[{elements}]", 0, elements * 8) + "}", elements * 8);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Read(path));

        Assert.StartsWith(path + ": tensor 'huge' has 2400000000 bytes, more than one array holds", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A file with <paramref name="header"/> and a data section of <paramref name="dataLength"/> bytes, zero (and
    /// unwritten) except for <paramref name="writes"/> at their data offsets.
    /// </summary>
    private static void WriteSparse(string path, string header, long dataLength, params (long Offset, byte[] Bytes)[] writes)
    {
        byte[] prefixAndHeader = Build(header, []);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        stream.Write(prefixAndHeader);
        stream.SetLength(prefixAndHeader.Length + dataLength);
        foreach ((long offset, byte[] bytes) in writes)
        {
            stream.Position = prefixAndHeader.Length + offset;
            stream.Write(bytes);
        }
    }
}
