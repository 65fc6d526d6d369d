using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// A weight matrix [Rows, Columns] copied into the order <see cref="StepKernels"/>' packed maps stream it: rows in
/// panels of eight vectors (64 rows with 8-float vectors), and each panel column after column, the panel's rows of one
/// column side by side. The map keeps a panel's outputs in one accumulator per vector and adds each input times its
/// column, so a panel is one sequential read and its outputs need no horizontal sums. The last panel holds only the
/// vectors its rows need (100 rows with 8-float vectors: a panel of eight vectors and one of five), its last vector
/// padded with zero rows. In <see cref="StepPrecision.BFloat16"/> each 32-bit slot holds two bfloat16 values, column 2j
/// in its low half and column 2j + 1 in its high half (zero past the last column), so that a shift and a mask widen a
/// vector of slots to two columns of floats. A matrix of <see cref="RowMajorVectors"/> vectors of rows or fewer (16
/// rows with AVX2: a small Dense head) stays row after row as float32 (its values rounded to bfloat16 in that
/// precision) for the dot-product kernel of unpacked weights: with so few rows the panel's chains of multiply-adds, one
/// per vector, would wait on their latency. An LSTM's W_ih and W_hh (rows [gate, unit], gates i, f, g, o) can be
/// packed for its fused cell (<see cref="CellGates"/> 4): each panel then holds two vectors of the same units of every
/// gate, so that the cell runs on a panel's sums while they are still in registers (<see cref="StepKernels.LstmStep"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PackedStepMatrix
{
    /// <summary>Vectors per panel: one accumulator each in the kernel.</summary>
    internal const int PanelVectors = 8;

    /// <summary>An LSTM's gates: i, f, g, o.</summary>
    internal const int LstmGates = 4;

    /// <summary>Vectors of units of each gate in a panel packed for an LSTM's cell.</summary>
    internal const int UnitVectors = PanelVectors / LstmGates;

    /// <summary>
    /// Most vectors of rows kept row-major. Measured (AVX2, fastest of 200 × 1000 maps), unpacked against packed:
    /// [8, 128] 54 against 104 ns, [16, 128] 103 against 104, [16, 512] 266 against 352, [24, 128] 116 against 109,
    /// [32, 128] 178 against 126.
    /// </summary>
    internal const int RowMajorVectors = 2;

    private readonly float[] _slots;
    private readonly int _start;

    private PackedStepMatrix(int rows, int columns, StepPrecision precision, int lanes, int slotColumns, int cellGates)
    {
        Rows = rows;
        CellGates = cellGates;
        Columns = columns;
        Precision = precision;
        Lanes = lanes;
        SlotColumns = slotColumns;
        Vectors = (int)(((long)rows + lanes - 1) / lanes);
        RowMajor = Vectors <= RowMajorVectors;
        Panels = RowMajor ? 0 : (Vectors + PanelVectors - 1) / PanelVectors;
        LastPanelVectors = RowMajor ? 0 : Vectors - ((Panels - 1) * PanelVectors);
        _slots = AlignedFloats.Allocate(RowMajor ? rows * columns : Vectors * lanes * slotColumns, out _start);
    }

    /// <summary>Rows of the matrix: outputs of the map.</summary>
    public int Rows { get; }

    /// <summary>Columns of the matrix: inputs of the map.</summary>
    public int Columns { get; }

    /// <summary>How the values are held.</summary>
    public StepPrecision Precision { get; }

    /// <summary>
    /// 1 when the rows are packed in order; 4 when they are an LSTM's, packed for its fused cell, each panel holding the
    /// same units of every gate (see <see cref="PackedStepMatrix"/>), which only <see cref="StepKernels.LstmStep"/> reads.
    /// </summary>
    public int CellGates { get; }

    /// <summary>Bytes one use of the matrix reads, padding included.</summary>
    public long Bytes => (RowMajor ? (long)Rows * Columns : (long)Vectors * Lanes * SlotColumns) * sizeof(float);

    /// <summary>float lanes of the vectors the layout was made for.</summary>
    internal int Lanes { get; }

    /// <summary>Rows per panel (the last may hold fewer).</summary>
    internal int PanelRows => PanelVectors * Lanes;

    /// <summary>Vectors of rows: the rows rounded up to whole vectors.</summary>
    internal int Vectors { get; }

    /// <summary>The matrix is held row after row in float32 (<see cref="Values"/>), not in panels.</summary>
    internal bool RowMajor { get; }

    /// <summary>Panels of rows; none when <see cref="RowMajor"/>.</summary>
    internal int Panels { get; }

    /// <summary>
    /// Vectors in the last panel, 1 to <see cref="PanelVectors"/> (all panels before it are full); 0 when
    /// <see cref="RowMajor"/>.
    /// </summary>
    internal int LastPanelVectors { get; }

    /// <summary>Slots per row of a panel: the columns, or in bfloat16 the pairs of columns.</summary>
    internal int SlotColumns { get; }

    /// <summary>A <see cref="RowMajor"/> matrix's values, [Rows, Columns] as PyTorch lays them out.</summary>
    internal ReadOnlySpan<float> Values => _slots.AsSpan(_start, Rows * Columns);

    /// <summary>The first slot of panel <paramref name="panel"/> (the panels before it are full).</summary>
    internal ref float Panel(int panel) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), _start + (panel * SlotColumns * PanelRows));

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
    internal static PackedStepMatrix Pack(ReadOnlySpan<float> weight, int rows, int columns, StepPrecision precision, int lanes) =>
        Pack(weight, rows, columns, precision, lanes, cellGates: 1);

    /// <summary>
    /// Packs with <paramref name="cellGates"/> 1 in order, or with 4 an LSTM's matrix (rows [gate, unit], gates i, f, g, o)
    /// for its fused cell: each panel then holds the same units of every gate, when the units fill whole panels (a
    /// multiple of 32 units with 16-float vectors, 16 with 8-float ones, 8 with 4-float ones), and in order otherwise.
    /// <see cref="CellGates"/> tells which.
    /// </summary>
    internal static PackedStepMatrix Pack(ReadOnlySpan<float> weight, int rows, int columns, StepPrecision precision, int lanes, int cellGates)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (cellGates is not (1 or LstmGates))
        {
            throw new ArgumentOutOfRangeException(nameof(cellGates), cellGates, "A matrix is packed in order (1) or for an LSTM's fused cell (4).");
        }
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

        int slotColumns = precision == StepPrecision.BFloat16 ? (int)(((long)columns + 1) / 2) : columns;
        long slotCount = Math.Max(((long)rows + lanes - 1) / lanes * lanes * slotColumns, (long)rows * columns);
        if (slotCount > Array.MaxLength)
        {
            throw new ArgumentException($"A packed matrix of {rows} × {columns} needs {slotCount} floats, more than one .NET array holds.", nameof(weight));
        }

        var packed = new PackedStepMatrix(rows, columns, precision, lanes, slotColumns, cellGates == LstmGates && FillsPanels(rows, lanes) ? LstmGates : 1);
        Span<float> slots = packed._slots.AsSpan(packed._start);
        if (packed.RowMajor && precision == StepPrecision.Float32)
        {
            weight.CopyTo(slots);
            return packed;
        }

        if (packed.RowMajor)
        {
            for (int i = 0; i < weight.Length; i++)
            {
                slots[i] = BitConverter.UInt32BitsToSingle((uint)BFloat16Bits(weight[i]) << 16);
            }

            return packed;
        }

        Span<uint> bits = MemoryMarshal.Cast<float, uint>(slots);
        int slot = 0;
        for (int panel = 0; panel < packed.Panels; panel++)
        {
            int panelRows = (panel == packed.Panels - 1 ? packed.LastPanelVectors : PanelVectors) * lanes;
            for (int column = 0; column < slotColumns; column++)
            {
                for (int r = 0; r < panelRows; r++, slot++)
                {
                    int row = packed.SourceRow((panel * packed.PanelRows) + r);
                    if (precision == StepPrecision.Float32)
                    {
                        slots[slot] = At(weight, rows, columns, row, column);
                    }
                    else
                    {
                        bits[slot] = BFloat16Bits(At(weight, rows, columns, row, 2 * column))
                            | ((uint)BFloat16Bits(At(weight, rows, columns, row, (2 * column) + 1)) << 16);
                    }
                }
            }
        }

        return packed;
    }

    // Whether an LSTM's units fill whole panels, each panel holding two vectors of units of each of the four gates.
    private static bool FillsPanels(int rows, int lanes)
    {
        int units = rows / LstmGates;
        return rows % LstmGates == 0 && units > 0 && units % (UnitVectors * lanes) == 0;
    }

    // The row of the matrix that packed row `packedRow` holds: itself, or for an LSTM's cell, gate `vector / 2` of the
    // panel's units.
    private int SourceRow(int packedRow)
    {
        if (CellGates == 1)
        {
            return packedRow;
        }

        int panel = Math.DivRem(packedRow, PanelRows, out int inPanel);
        int vector = Math.DivRem(inPanel, Lanes, out int lane);
        int unit = (((panel * UnitVectors) + (vector % UnitVectors)) * Lanes) + lane;
        return ((vector / UnitVectors) * (Rows / LstmGates)) + unit;
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

    // Zero outside the matrix: the padding of the last vector, and the high half of an odd last pair.
    private static float At(ReadOnlySpan<float> weight, int rows, int columns, int row, int column) =>
        row < rows && column < columns ? weight[(row * columns) + column] : 0f;
}
