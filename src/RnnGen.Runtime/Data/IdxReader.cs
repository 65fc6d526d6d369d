using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;

namespace RnnGen.Data;

/// <summary>
/// Reads the IDX files of MNIST and Fashion-MNIST (<see href="http://yann.lecun.com/exdb/mnist/"/>): a big-endian
/// magic number whose third byte is the element type (0x08, unsigned byte) and fourth the number of dimensions,
/// one big-endian 32-bit size per dimension, then the elements.
/// </summary>
/// <remarks>
/// A path ending in <c>.gz</c> is gunzipped while it is read, so the files can be used as downloaded.
/// Input is treated as hostile: a wrong magic number, a truncated header, sizes that are negative or whose product
/// overflows, images of zero rows or columns (a file of zero images or labels is read as empty), data shorter or
/// longer than the sizes declare, and corrupt gzip data are each reported as an
/// <see cref="InvalidDataException"/> whose message starts with the path. Memory is allocated as data actually
/// arrives, never on the strength of the declared sizes alone.
/// </remarks>
public static class IdxReader
{
    /// <summary>Magic number of an image file: unsigned bytes, three dimensions [count, rows, columns].</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of a label file: unsigned bytes, one dimension [count].</summary>
    public const int LabelsMagic = 0x00000801;

    private const int MagicSize = 4;
    private const int DimensionSize = 4;

    // A gzip stream does not say how much it inflates to; grow towards the declared size from here.
    private const int FirstChunkSize = 1 << 20;

    /// <summary>Reads an image file (magic 0x00000803), e.g. <c>train-images-idx3-ubyte.gz</c>.</summary>
    /// <param name="path">The file; gunzipped when the name ends in <c>.gz</c>.</param>
    /// <returns>The images.</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX image file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using Stream stream = Open(path);
        ReadOnlySpan<int> sizes = ReadHeader(stream, path, ImagesMagic, "images [count, rows, columns]", stackalloc int[3]);
        int count = sizes[0];
        int rows = sizes[1];
        int columns = sizes[2];
        if (rows == 0 || columns == 0)
        {
            throw Invalid(path, $"the images are {rows} × {columns} pixels; an image needs at least one pixel");
        }

        Int128 length = (Int128)count * rows * columns;
        if (length > Array.MaxLength)
        {
            throw Invalid(path, $"{count} images of {rows} × {columns} pixels are {length} bytes, more than the largest array ({Array.MaxLength})");
        }

        return new IdxImages(count, rows, columns, ReadData(stream, path, (int)length, HeaderSize(3)));
    }

    /// <summary>Reads a label file (magic 0x00000801), e.g. <c>train-labels-idx1-ubyte.gz</c>.</summary>
    /// <param name="path">The file; gunzipped when the name ends in <c>.gz</c>.</param>
    /// <returns>One label per image, as stored (0…9 for MNIST).</returns>
    /// <exception cref="InvalidDataException">The file is not a well-formed IDX label file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static byte[] ReadLabels(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using Stream stream = Open(path);
        ReadOnlySpan<int> sizes = ReadHeader(stream, path, LabelsMagic, "labels [count]", stackalloc int[1]);
        if (sizes[0] > Array.MaxLength)
        {
            throw Invalid(path, $"{sizes[0]} labels are more than the largest array ({Array.MaxLength})");
        }

        return ReadData(stream, path, sizes[0], HeaderSize(1));
    }

    private static int HeaderSize(int dimensions) => MagicSize + (dimensions * DimensionSize);

    private static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>Checks the magic number and reads one non-negative size per dimension into <paramref name="sizes"/>.</summary>
    private static ReadOnlySpan<int> ReadHeader(Stream stream, string path, int magic, string description, Span<int> sizes)
    {
        int headerSize = HeaderSize(sizes.Length);
        Span<byte> header = stackalloc byte[headerSize];
        int read = Fill(stream, header, path);
        if (read < MagicSize)
        {
            throw Invalid(path, $"the file holds {read} bytes, too few for the 4-byte magic number");
        }

        int actualMagic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (actualMagic != magic)
        {
            throw Invalid(path, $"the magic number is {Hex(actualMagic)}, expected {Hex(magic)} (unsigned-byte {description}){Hint(actualMagic, header)}");
        }

        if (read < headerSize)
        {
            throw Invalid(path, $"the header is cut short: {sizes.Length} dimension sizes need {headerSize} bytes, the file holds {read}");
        }

        for (int i = 0; i < sizes.Length; i++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header[(MagicSize + (i * DimensionSize))..]);
            if (size > int.MaxValue)
            {
                throw Invalid(path, $"dimension {i} has size {size}, more than {int.MaxValue}");
            }

            sizes[i] = (int)size;
        }

        return sizes;
    }

    /// <summary>Reads exactly <paramref name="length"/> bytes of data and checks that nothing follows them.</summary>
    private static byte[] ReadData(Stream stream, string path, int length, int headerSize)
    {
        int capacity = length;
        if (stream.CanSeek)
        {
            long available = stream.Length - headerSize;
            if (available != length)
            {
                throw Invalid(path, $"the header declares {length} bytes of data, but {available} bytes follow it");
            }
        }
        else
        {
            capacity = Math.Min(length, FirstChunkSize);
        }

        var data = new byte[capacity];
        int filled = 0;
        while (true)
        {
            filled += Fill(stream, data.AsSpan(filled), path);
            if (filled < data.Length)
            {
                throw Invalid(path, $"the data is cut short: the header declares {length} bytes, only {filled} follow it");
            }

            if (filled == length)
            {
                break;
            }

            Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
        }

        if (Fill(stream, stackalloc byte[1], path) != 0)
        {
            throw Invalid(path, $"more data follows the {length} bytes the header declares");
        }

        return data;
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; returns the bytes read.</summary>
    private static int Fill(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            // Only the decompressor throws this; say which file it was.
            throw Invalid(path, $"the gzip data is corrupt ({e.Message.TrimEnd('.')})", e);
        }
    }

    private static string Hint(int actualMagic, ReadOnlySpan<byte> header) =>
        actualMagic switch
        {
            ImagesMagic => "; this is an image file, read it with ReadImages",
            LabelsMagic => "; this is a label file, read it with ReadLabels",
            _ when header[0] == 0x1F && header[1] == 0x8B => "; the file is gzip-compressed, so its name should end in .gz",
            _ => string.Empty,
        };

    private static string Hex(int value) => "0x" + value.ToString("X8", CultureInfo.InvariantCulture);

    private static InvalidDataException Invalid(string path, string message, Exception? inner = null) =>
        new($"{path}: {message}.", inner);
}
