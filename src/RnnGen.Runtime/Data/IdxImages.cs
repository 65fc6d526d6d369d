using System;

namespace RnnGen.Data;

/// <summary>
/// Greyscale images of one size stored back to back, one unsigned byte per pixel, row by row: what
/// <see cref="IdxReader.ReadImages"/> returns for MNIST and Fashion-MNIST.
/// </summary>
public sealed class IdxImages
{
    /// <summary>Wraps <paramref name="pixels"/> ([count, rows, columns], row-major) without copying.</summary>
    /// <param name="count">Number of images; zero or more.</param>
    /// <param name="rows">Pixel rows per image; at least one.</param>
    /// <param name="columns">Pixel columns per image; at least one.</param>
    /// <param name="pixels">count × rows × columns bytes.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> does not hold count × rows × columns bytes.</exception>
    public IdxImages(int count, int rows, int columns, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentNullException.ThrowIfNull(pixels);
        Int128 expected = (Int128)count * rows * columns;
        if (pixels.Length != expected)
        {
            throw new ArgumentException(
                $"{count} images of {rows} × {columns} pixels need {expected} bytes, but pixels has {pixels.Length}.", nameof(pixels));
        }

        Count = count;
        Rows = rows;
        Columns = columns;
        Pixels = pixels;
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Pixel rows per image (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Pixel columns per image (28 for MNIST).</summary>
    public int Columns { get; }

    /// <summary>Every pixel, [Count, Rows, Columns] row-major, 0 (background) to 255.</summary>
    public byte[] Pixels { get; }

    /// <summary>The Rows × Columns pixels of image <paramref name="index"/>, row by row.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, Count).</exception>
    public ReadOnlySpan<byte> Image(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {Count} images.");
        }

        int size = Rows * Columns;
        return Pixels.AsSpan(index * size, size);
    }

    /// <summary>
    /// Every pixel times <paramref name="scale"/>, in the layout of <see cref="Pixels"/>. The default maps
    /// 0…255 to [0, 1], what Keras examples (<c>x / 255</c>) and torchvision's <c>ToTensor</c> feed a network;
    /// a product can differ from that quotient in the last bit.
    /// </summary>
    /// <param name="scale">Factor applied to each byte.</param>
    /// <returns>A new array of Count × Rows × Columns floats.</returns>
    public float[] ToFloats(float scale = 1f / 255f)
    {
        var floats = new float[Pixels.Length];
        for (int i = 0; i < floats.Length; i++)
        {
            floats[i] = Pixels[i] * scale;
        }

        return floats;
    }
}
