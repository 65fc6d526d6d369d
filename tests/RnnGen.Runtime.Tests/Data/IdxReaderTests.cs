using System;
using System.Collections.Generic;
using System.IO;
using RnnGen.Data;
using RnnGen.Runtime.Tests.Weights;
using static RnnGen.Runtime.Tests.Data.IdxBytes;

namespace RnnGen.Runtime.Tests.Data;

[Collection(KernelSettingsGroup.Name)]
public class IdxReaderTests
{
    [Theory]
    [InlineData("images.idx")]
    [InlineData("images.idx.gz")]
    [InlineData("IMAGES.IDX.GZ")]
    public void Images_read_back_with_their_sizes_and_pixels(string fileName)
    {
        using var directory = new TemporaryDirectory();
        byte[] pixels = Counting(3 * 2 * 5);
        Write(directory.File(fileName), Build(Images, [3, 2, 5], pixels));

        IdxImages images = IdxReader.ReadImages(directory.File(fileName));

        Assert.Equal(3, images.Count);
        Assert.Equal(2, images.Rows);
        Assert.Equal(5, images.Columns);
        Assert.Equal(pixels, images.Pixels);
        Assert.Equal(pixels.AsSpan(10, 10).ToArray(), images.Image(1).ToArray());
        Assert.Equal(pixels.AsSpan(20, 10).ToArray(), images.Image(2).ToArray());
    }

    [Theory]
    [InlineData("labels.idx")]
    [InlineData("labels.idx.gz")]
    public void Labels_read_back(string fileName)
    {
        using var directory = new TemporaryDirectory();
        byte[] labels = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9];
        Write(directory.File(fileName), Build(Labels, [10], labels));

        Assert.Equal(labels, IdxReader.ReadLabels(directory.File(fileName)));
    }

    [Fact]
    public void A_file_larger_than_the_first_gzip_chunk_reads_back_whole()
    {
        using var directory = new TemporaryDirectory();
        byte[] pixels = Counting(3000 * 28 * 28);
        string path = directory.File("big.gz");
        Write(path, Build(Images, [3000, 28, 28], pixels));

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal(3000, images.Count);
        Assert.Equal(pixels, images.Pixels);
    }

    [Fact]
    public void A_file_of_no_images_is_valid()
    {
        using var directory = new TemporaryDirectory();
        Write(directory.File("none.idx"), Build(Images, [0, 28, 28], []));

        IdxImages images = IdxReader.ReadImages(directory.File("none.idx"));

        Assert.Equal(0, images.Count);
        Assert.Empty(images.Pixels);
        Assert.Empty(images.ToFloats());
    }

    [Fact]
    public void ToFloats_scales_each_pixel()
    {
        var images = new IdxImages(2, 1, 2, [0, 255, 51, 128]);

        Assert.Equal([0f, 1f, 51 * (1f / 255f), 128 * (1f / 255f)], images.ToFloats());
        Assert.Equal([0f, 510f, 102f, 256f], images.ToFloats(scale: 2f));
    }

    [Fact]
    public void Image_rejects_an_index_outside_the_file()
    {
        var images = new IdxImages(2, 1, 2, new byte[4]);

        Assert.Throws<ArgumentOutOfRangeException>(() => images.Image(2).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => images.Image(-1).Length);
    }

    [Fact]
    public void The_constructor_rejects_pixels_of_the_wrong_length()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => new IdxImages(2, 3, 4, new byte[23]));

        Assert.Contains("need 24 bytes, but pixels has 23", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new IdxImages(int.MaxValue, int.MaxValue, int.MaxValue, new byte[1]));
    }

    /// <summary>Each hostile file, the reader that gets it, and a phrase its error message must contain.</summary>
    private static readonly Dictionary<string, (string FileName, byte[] Bytes, bool Labels, string Phrase)> HostileCases = new()
    {
        ["empty file"] = ("a.idx", [], false, "holds 0 bytes, too few for the 4-byte magic number"),
        ["three bytes"] = ("a.idx", [0, 0, 8], false, "holds 3 bytes"),
        ["label file read as images"] = ("a.idx", Build(Labels, [2], [1, 2]), false, "magic number is 0x00000801, expected 0x00000803 (unsigned-byte images [count, rows, columns]); this is a label file"),
        ["image file read as labels"] = ("a.idx", Build(Images, [1, 1, 1], [1]), true, "magic number is 0x00000803, expected 0x00000801 (unsigned-byte labels [count]); this is an image file"),
        ["float elements"] = ("a.idx", Build(0x00000D03, [1, 1, 1], new byte[4]), false, "magic number is 0x00000D03"),
        ["four dimensions"] = ("a.idx", Build(0x00000804, [1, 1, 1, 1], [1]), false, "magic number is 0x00000804"),
        ["little-endian magic"] = ("a.idx", Build(0x03080000, [1, 1, 1], [1]), false, "magic number is 0x03080000"),
        ["gzip data without .gz"] = ("a.idx", Gzip(Build(Images, [1, 1, 1], [1])), false, "name should end in .gz"),
        ["header cut in the sizes"] = ("a.idx", Build(Images, [1, 1], []), false, "header is cut short: 3 dimension sizes need 16 bytes, the file holds 12"),
        ["count with the top bit set"] = ("a.idx", Build(Images, [0x8000_0000, 1, 1], [1]), false, "dimension 0 has size 2147483648"),
        ["label count with the top bit set"] = ("a.idx", Build(Labels, [0xFFFF_FFFF], [1]), true, "dimension 0 has size 4294967295"),
        ["zero rows"] = ("a.idx", Build(Images, [5, 0, 28], []), false, "0 × 28 pixels; an image needs at least one pixel"),
        ["zero columns"] = ("a.idx", Build(Images, [5, 28, 0], []), false, "28 × 0 pixels"),
        ["sizes whose product overflows"] = ("a.idx", Build(Images, [int.MaxValue, int.MaxValue, int.MaxValue], [1]), false, "more than the largest array"),
        ["sizes just over the largest array"] = ("a.idx", Build(Images, [(uint)Array.MaxLength + 1, 1, 1], [1]), false, "more than the largest array"),
        ["labels just over the largest array"] = ("a.idx", Build(Labels, [(uint)Array.MaxLength + 1], [1]), true, "more than the largest array"),
        ["sizes beyond the file"] = ("a.idx", Build(Images, [60000, 28, 28], new byte[2 * 28 * 28]), false, "declares 47040000 bytes of data, but 1568 bytes follow it"),
        ["data one byte short"] = ("a.idx", Build(Images, [2, 2, 2], new byte[7]), false, "declares 8 bytes of data, but 7 bytes follow it"),
        ["labels one byte short"] = ("a.idx", Build(Labels, [3], new byte[2]), true, "declares 3 bytes of data, but 2 bytes follow it"),
        ["data one byte long"] = ("a.idx", Build(Images, [2, 2, 2], new byte[9]), false, "declares 8 bytes of data, but 9 bytes follow it"),
        ["gzip: wrong magic"] = ("a.gz", Gzip(Build(Labels, [2], [1, 2])), false, "magic number is 0x00000801"),
        ["gzip: header cut"] = ("a.gz", Gzip([0, 0, 8, 3, 0, 0]), false, "header is cut short"),
        ["gzip: sizes beyond the data"] = ("a.gz", Gzip(Build(Images, [60000, 28, 28], new byte[2 * 28 * 28])), false, "data is cut short: the header declares 47040000 bytes, only 1568 follow it"),
        ["gzip: data one byte short"] = ("a.gz", Gzip(Build(Labels, [3], new byte[2])), true, "data is cut short: the header declares 3 bytes, only 2 follow it"),
        ["gzip: data one byte long"] = ("a.gz", Gzip(Build(Images, [2, 2, 2], new byte[9])), false, "more data follows the 8 bytes the header declares"),
        ["gzip: overflowing sizes"] = ("a.gz", Gzip(Build(Images, [int.MaxValue, int.MaxValue, int.MaxValue], [1])), false, "more than the largest array"),
        ["gzip: not gzip at all"] = ("a.gz", Build(Images, [1, 1, 1], [1]), false, "gzip data is corrupt"),
        ["gzip: corrupt deflate stream"] = ("a.gz", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], false, "gzip data is corrupt"),
    };

    public static TheoryData<string> HostileCaseNames() => new(HostileCases.Keys);

    [Theory]
    [MemberData(nameof(HostileCaseNames))]
    public void A_hostile_file_is_rejected_naming_the_file_and_the_problem(string caseName)
    {
        (string fileName, byte[] bytes, bool labels, string phrase) = HostileCases[caseName];
        using var directory = new TemporaryDirectory();
        string path = directory.File(fileName);
        File.WriteAllBytes(path, bytes);

        InvalidDataException error = labels
            ? Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path))
            : Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_file_that_declares_two_gigabytes_but_holds_little_is_rejected_without_allocating_them()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("bomb.gz");
        File.WriteAllBytes(path, Gzip(Build(Labels, [(uint)Array.MaxLength], new byte[1000])));

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.InRange(allocated, 0, 8 << 20);
    }

    [Fact]
    public void A_missing_file_is_an_IO_error()
    {
        using var directory = new TemporaryDirectory();

        Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(directory.File("missing.idx")));
    }

    private static void Write(string path, byte[] bytes) =>
        File.WriteAllBytes(path, path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Gzip(bytes) : bytes);
}
