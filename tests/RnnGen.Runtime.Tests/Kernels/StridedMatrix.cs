using System;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// A [rows, width] matrix with a row stride, stored inside a larger buffer whose every other element
/// (the gaps between rows and padding before and after the span) holds a NaN with a recognizable payload.
/// A kernel that reads a gap produces NaN; one that writes a gap changes its bits.
/// </summary>
internal sealed class StridedMatrix
{
    public const int Padding = 19;

    public static readonly int GarbageBits = 0x7FC0_BEEF;

    private readonly float[] _buffer;

    public StridedMatrix(int rows, int width, int stride, Random random)
    {
        Rows = rows;
        Width = width;
        Stride = stride;
        Length = rows == 0 || width == 0 ? 0 : ((rows - 1) * stride) + width;
        _buffer = new float[Padding + Length + Padding];
        _buffer.AsSpan().Fill(BitConverter.Int32BitsToSingle(GarbageBits));
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                this[r, j] = (float)((random.NextDouble() * 2) - 1);
            }
        }
    }

    public int Rows { get; }

    public int Width { get; }

    public int Stride { get; }

    /// <summary>The exact length a kernel needs: (rows − 1)·stride + width.</summary>
    public int Length { get; }

    public Span<float> Span => _buffer.AsSpan(Padding, Length);

    public float this[int row, int column]
    {
        get => _buffer[Padding + (row * Stride) + column];
        set => _buffer[Padding + (row * Stride) + column] = value;
    }

    public float[,] Copy()
    {
        var copy = new float[Rows, Width];
        for (int r = 0; r < Rows; r++)
        {
            for (int j = 0; j < Width; j++)
            {
                copy[r, j] = this[r, j];
            }
        }

        return copy;
    }

    /// <summary>Fails unless every element outside the matrix still holds the garbage NaN, bit for bit.</summary>
    public void AssertGapsUntouched(string context)
    {
        for (int i = 0; i < _buffer.Length; i++)
        {
            int offset = i - Padding;
            bool inside = offset >= 0 && offset < Length && offset % Stride < Width;
            if (!inside && BitConverter.SingleToInt32Bits(_buffer[i]) != GarbageBits)
            {
                Assert.Fail($"{context}: element {offset} outside the matrix was overwritten with {_buffer[i]}.");
            }
        }
    }
}
