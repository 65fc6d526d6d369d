using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// A weight matrix [Rows, Columns] copied into the order <see cref="StepKernels"/>' packed maps stream it: rows in
/// blocks of eight, and for each block the columns in chunks of one vector, the eight rows of a chunk side by side.
/// One block is then one sequential read, which the hardware prefetcher follows, instead of eight rows far apart.
/// Rows and columns are padded with zeros to whole blocks and chunks. In <see cref="StepPrecision.BFloat16"/> each
/// 32-bit slot holds two bfloat16 values, column j of a chunk in its low half and column j + lanes in its high half,
/// so that a shift and a mask widen them to two float vectors in column order.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PackedStepMatrix
{
    /// <summary>Rows per block: one accumulator each in the kernel.</summary>
    internal const int BlockRows = 8;

    private readonly float[] _slots;
    private readonly int _start;

    private PackedStepMatrix(int rows, int columns, StepPrecision precision, int lanes, int blocks, int chunks)
    {
        Rows = rows;
        Columns = columns;
        Precision = precision;
        Lanes = lanes;
        ChunkColumns = ColumnsPerChunk(precision, lanes);
        Chunks = chunks;
        Blocks = blocks;
        _slots = AlignedFloats.Allocate(blocks * chunks * BlockRows * lanes, out _start);
    }

    /// <summary>Rows of the matrix: outputs of the map.</summary>
    public int Rows { get; }

    /// <summary>Columns of the matrix: inputs of the map.</summary>
    public int Columns { get; }

    /// <summary>How the values are held.</summary>
    public StepPrecision Precision { get; }

    /// <summary>Bytes one use of the matrix reads, padding included.</summary>
    public long Bytes => (long)Blocks * Chunks * BlockRows * Lanes * sizeof(float);

    /// <summary>float lanes of the vectors the layout was made for.</summary>
    internal int Lanes { get; }

    /// <summary>Columns one chunk of a row covers: a vector's lanes, twice that in bfloat16.</summary>
    internal int ChunkColumns { get; }

    internal int Chunks { get; }

    internal int Blocks { get; }

    private static int ColumnsPerChunk(StepPrecision precision, int lanes) => precision == StepPrecision.BFloat16 ? 2 * lanes : lanes;

    /// <summary>The first slot of block <paramref name="block"/>.</summary>
    internal ref float Block(int block) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), _start + (block * Chunks * BlockRows * Lanes));

    /// <summary>The widest vector of this machine: the lanes <see cref="Pack(ReadOnlySpan{float}, int, int, StepPrecision)"/> packs for.</summary>
    internal static int MachineLanes =>
        Vector512.IsHardwareAccelerated ? Vector512<float>.Count
        : Vector256.IsHardwareAccelerated ? Vector256<float>.Count
        : Vector128<float>.Count;

    /// <summary>Packs <paramref name="weight"/> ([rows, columns], PyTorch layout, contiguous) for this machine's vectors.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or the precision is not defined.</exception>
    /// <exception cref="ArgumentException"><paramref name="weight"/> does not hold rows × columns values.</exception>
    public static PackedStepMatrix Pack(ReadOnlySpan<float> weight, int rows, int columns, StepPrecision precision) =>
        Pack(weight, rows, columns, precision, MachineLanes);

    /// <summary>Packs for vectors of <paramref name="lanes"/> floats (4, 8 or 16); tests use it to cover every width.</summary>
    internal static PackedStepMatrix Pack(ReadOnlySpan<float> weight, int rows, int columns, StepPrecision precision, int lanes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (precision is not (StepPrecision.Float32 or StepPrecision.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(precision), precision, "The precision must be Float32 or BFloat16.");
        }

        if (weight.Length != (long)rows * columns)
        {
            throw new ArgumentException($"weight must have {(long)rows * columns} elements ({rows} rows × {columns} columns), but has {weight.Length}.", nameof(weight));
        }

        if (lanes is not (4 or 8 or 16))
        {
            throw new ArgumentOutOfRangeException(nameof(lanes), lanes, "The kernels have vectors of 4, 8 or 16 floats.");
        }

        int chunkColumns = ColumnsPerChunk(precision, lanes);
        int blocks = (int)(((long)rows + BlockRows - 1) / BlockRows);
        int chunks = (int)(((long)columns + chunkColumns - 1) / chunkColumns);
        long slotCount = (long)blocks * chunks * BlockRows * lanes;
        if (slotCount > Array.MaxLength)
        {
            throw new ArgumentException($"A packed matrix of {rows} × {columns} needs {slotCount} floats, more than one .NET array holds.", nameof(weight));
        }

        var packed = new PackedStepMatrix(rows, columns, precision, lanes, blocks, chunks);
        Span<float> slots = packed._slots.AsSpan(packed._start);
        Span<uint> bits = MemoryMarshal.Cast<float, uint>(slots);
        int slot = 0;
        for (int block = 0; block < packed.Blocks; block++)
        {
            for (int chunk = 0; chunk < packed.Chunks; chunk++)
            {
                for (int r = 0; r < BlockRows; r++)
                {
                    int row = (block * BlockRows) + r;
                    for (int lane = 0; lane < lanes; lane++, slot++)
                    {
                        int column = (chunk * packed.ChunkColumns) + lane;
                        if (precision == StepPrecision.Float32)
                        {
                            slots[slot] = At(weight, rows, columns, row, column);
                        }
                        else
                        {
                            bits[slot] = BFloat16Bits(At(weight, rows, columns, row, column))
                                | ((uint)BFloat16Bits(At(weight, rows, columns, row, column + lanes)) << 16);
                        }
                    }
                }
            }
        }

        return packed;
    }

    /// <summary>
    /// The bfloat16 nearest to <paramref name="value"/>, ties to even, as its 16 bits; NaN becomes the quiet NaN 0x7FC0.
    /// This is c10::BFloat16's round_to_nearest_even, the conversion of PyTorch's <c>.to(torch.bfloat16)</c>.
    /// </summary>
    internal static ushort BFloat16Bits(float value)
    {
        if (float.IsNaN(value))
        {
            return 0x7FC0;
        }

        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    // Zero outside the matrix: the padding of the last block and chunk.
    private static float At(ReadOnlySpan<float> weight, int rows, int columns, int row, int column) =>
        row < rows && column < columns ? weight[(row * columns) + column] : 0f;
}
