using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;
using static RnnGen.Runtime.Tests.Kernels.StepReference;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The fused LSTM step (<see cref="StepKernels.LstmStep"/>) against the packed map followed by
/// <see cref="CellKernels.LstmForward(Span{float}, Span{float}, Span{float})"/>, which the other tests prove: bit for bit
/// at every vector width this machine runs in hardware (the cell computes a unit with the same operations at any width),
/// for matrices packed for the cell (hidden sizes that fill whole panels) and for matrices packed in order (the step then
/// maps into its scratch), over several steps so that c and h carry over; and the layout of a matrix packed for the cell.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public class PackedLstmStepTests
{
    private static readonly int[] Lanes = [4, 8, 16];

    private static readonly int[] HiddenSizes = [1, 3, 8, 12, 16, 24, 32, 40, 64, 96];

    private static readonly int[] InputLengths = [1, 3, 28, 33];

    private static readonly StepPrecision[] Precisions = [StepPrecision.Float32, StepPrecision.BFloat16];

    private const int Steps = 3;

    [Fact]
    public void Fused_step_gives_the_bits_of_the_map_then_the_cell()
    {
        var random = new Random(41);
        foreach (int lanes in Lanes)
        {
            foreach (StepPrecision precision in Precisions)
            {
                foreach (int hidden in HiddenSizes)
                {
                    foreach (int inputs in InputLengths)
                    {
                        Compare(lanes, precision, hidden, inputs, random);
                    }
                }
            }
        }
    }

    [Fact]
    public void The_cell_in_registers_and_after_the_last_panel_give_the_same_bits()
    {
        // The fused step takes one of the two by the machine's vector registers (after the last panel on x86 without
        // AVX-512); each must give the other's bits, so that both are checked on any machine.
        var random = new Random(47);
        foreach (int lanes in Lanes.Where(InHardware))
        {
            foreach (StepPrecision precision in Precisions)
            {
                foreach (int panels in (int[])[1, 2, 3])
                {
                    int hidden = panels * 2 * lanes, gates = 4 * hidden;
                    const int Inputs = 28;
                    LstmStepWeights weights = LstmStepWeights.Create(
                        PackedStepMatrix.Pack(Values(gates * Inputs, random), gates, Inputs, precision, lanes, cellGates: 4), Values(gates, random),
                        PackedStepMatrix.Pack(Values(gates * hidden, random), gates, hidden, precision, lanes, cellGates: 4), Values(gates, random));
                    float[] h = Values(hidden, random), c = Values(hidden, random);
                    float[] hAfter = (float[])h.Clone(), cAfter = (float[])c.Clone(), scratch = new float[gates];
                    for (int step = 0; step < Steps; step++)
                    {
                        float[] x = Values(Inputs, random);
                        StepKernels.FusedLstmStep(weights, x, h, c, scratch, cellAfterPanels: false);
                        StepKernels.FusedLstmStep(weights, x, hAfter, cAfter, scratch, cellAfterPanels: true);
                        string context = $"{precision}, {lanes} lanes, hidden {hidden}, step {step}";
                        Assert.True(h.Select(BitConverter.SingleToUInt32Bits).SequenceEqual(hAfter.Select(BitConverter.SingleToUInt32Bits)), $"{context}: h differs");
                        Assert.True(c.Select(BitConverter.SingleToUInt32Bits).SequenceEqual(cAfter.Select(BitConverter.SingleToUInt32Bits)), $"{context}: c differs");
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(4, 1, false)]
    [InlineData(4, 8, true)]
    [InlineData(4, 12, false)]
    [InlineData(4, 16, true)]
    [InlineData(8, 8, false)]
    [InlineData(8, 16, true)]
    [InlineData(8, 40, false)]
    [InlineData(8, 48, true)]
    [InlineData(16, 16, false)]
    [InlineData(16, 32, true)]
    [InlineData(16, 128, true)]
    public void Only_units_that_fill_whole_panels_are_packed_for_the_cell(int lanes, int hidden, bool forCell)
    {
        // A panel holds two vectors of each of the four gates: 2 × lanes units.
        PackedStepMatrix packed = PackedStepMatrix.Pack(new float[4 * hidden * 5], 4 * hidden, 5, StepPrecision.Float32, lanes, cellGates: 4);

        Assert.Equal(forCell ? 4 : 1, packed.CellGates);
        Assert.Equal(1, PackedStepMatrix.Pack(new float[4 * hidden * 5], 4 * hidden, 5, StepPrecision.Float32, lanes).CellGates);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Only_rows_in_order_or_an_lstms_gates_can_be_asked_for(int cellGates)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PackedStepMatrix.Pack(new float[96 * 5], 96, 5, StepPrecision.Float32, 8, cellGates));
        Assert.Equal("cellGates", error.ParamName);
    }

    [Theory]
    [InlineData(4, StepPrecision.BFloat16, 16)]
    [InlineData(8, StepPrecision.Float32, 32)]
    [InlineData(16, StepPrecision.Float32, 64)]
    public void A_panel_holds_the_same_units_of_every_gate(int lanes, StepPrecision precision, int hidden)
    {
        // Weight [gate·H + unit, k] = a value that names all three (an integer up to 192 or 768, exact in its precision):
        // each panel must hold, column after column, two vectors of units of i, then of f, g and o, the same units in each.
        const int Columns = 3;
        int rows = 4 * hidden;
        var weight = new float[rows * Columns];
        for (int row = 0; row < rows; row++)
        {
            for (int k = 0; k < Columns; k++)
            {
                weight[(row * Columns) + k] = Code(row, k);
            }
        }

        PackedStepMatrix packed = PackedStepMatrix.Pack(weight, rows, Columns, precision, lanes, cellGates: 4);
        Assert.Equal(4, packed.CellGates);
        Assert.Equal(hidden / (2 * lanes), packed.Panels);
        int slotColumns = precision == StepPrecision.BFloat16 ? (Columns + 1) / 2 : Columns;
        int panelSlots = PackedStepMatrix.PanelVectors * lanes * slotColumns;
        ReadOnlySpan<float> slots = MemoryMarshal.CreateReadOnlySpan(ref packed.Panel(0), packed.Panels * panelSlots);
        for (int panel = 0; panel < packed.Panels; panel++)
        {
            for (int slotColumn = 0; slotColumn < slotColumns; slotColumn++)
            {
                for (int vector = 0; vector < PackedStepMatrix.PanelVectors; vector++)
                {
                    for (int lane = 0; lane < lanes; lane++)
                    {
                        int row = ((vector / 2) * hidden) + (panel * 2 * lanes) + ((vector % 2) * lanes) + lane;
                        float slot = slots[(panel * panelSlots) + (((slotColumn * PackedStepMatrix.PanelVectors) + vector) * lanes) + lane];
                        if (precision == StepPrecision.Float32)
                        {
                            Assert.Equal(Code(row, slotColumn), slot);
                        }
                        else
                        {
                            uint bits = BitConverter.SingleToUInt32Bits(slot);
                            int high = (2 * slotColumn) + 1;
                            Assert.Equal(Code(row, 2 * slotColumn), BitConverter.UInt32BitsToSingle(bits << 16));
                            Assert.Equal(high < Columns ? Code(row, high) : 0f, BitConverter.UInt32BitsToSingle(bits & 0xFFFF_0000));
                        }
                    }
                }
            }
        }

        float Code(int row, int k) => (row * Columns) + k + 1;
    }

    [Fact]
    public void Lstm_step_weights_and_lstm_step_name_the_matrix_or_span_that_does_not_fit()
    {
        const int Hidden = 32, Inputs = 5;
        var random = new Random(43);
        PackedStepMatrix w = PackedStepMatrix.Pack(Values(4 * Hidden * Inputs, random), 4 * Hidden, Inputs, StepPrecision.Float32, 16, cellGates: 4);
        PackedStepMatrix u = PackedStepMatrix.Pack(Values(4 * Hidden * Hidden, random), 4 * Hidden, Hidden, StepPrecision.Float32, 16, cellGates: 4);
        PackedStepMatrix uInOrder = PackedStepMatrix.Pack(Values(4 * Hidden * Hidden, random), 4 * Hidden, Hidden, StepPrecision.Float32, 16);
        PackedStepMatrix wide = PackedStepMatrix.Pack(Values(4 * Hidden * 2 * Hidden, random), 4 * Hidden, 2 * Hidden, StepPrecision.Float32, 16, cellGates: 4);
        PackedStepMatrix tall = PackedStepMatrix.Pack(Values(8 * Hidden * Inputs, random), 8 * Hidden, Inputs, StepPrecision.Float32, 16, cellGates: 4);
        float[] x = new float[Inputs], b = new float[4 * Hidden], h = new float[Hidden], c = new float[Hidden], scratch = new float[4 * Hidden];

        // The weights' shapes are checked once, when they are made.
        Assert.Equal("inputWeight", Assert.Throws<ArgumentNullException>(() => LstmStepWeights.Create(null!, b, u, b)).ParamName);
        Assert.Equal("recurrentWeight", Assert.Throws<ArgumentNullException>(() => LstmStepWeights.Create(w, b, null!, b)).ParamName);
        Assert.Equal("inputBias", Assert.Throws<ArgumentException>(() => LstmStepWeights.Create(w, new float[4 * Hidden - 1], u, b)).ParamName);
        Assert.Equal("recurrentBias", Assert.Throws<ArgumentException>(() => LstmStepWeights.Create(w, b, u, new float[1])).ParamName);
        Assert.Equal("recurrentWeight", Assert.Throws<ArgumentException>(() => LstmStepWeights.Create(w, b, uInOrder, b)).ParamName);
        Assert.Equal("recurrentWeight", Assert.Throws<ArgumentException>(() => LstmStepWeights.Create(w, b, wide, b)).ParamName);
        Assert.Equal("inputWeight", Assert.Throws<ArgumentException>(() => LstmStepWeights.Create(tall, b, u, b)).ParamName);

        // A step checks the spans' lengths and changes no state when one does not fit: from this state, a step that
        // ran would change c, as the last step shows.
        LstmStepWeights weights = LstmStepWeights.Create(w, b, u, b);
        h.AsSpan().Fill(0.5f);
        c.AsSpan().Fill(0.25f);
        Assert.Equal("weights", Assert.Throws<ArgumentNullException>(() => StepKernels.LstmStep(null!, x, h, c, scratch)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => StepKernels.LstmStep(weights, new float[Inputs + 1], h, c, scratch)).ParamName);
        Assert.Equal("h", Assert.Throws<ArgumentException>(() => StepKernels.LstmStep(weights, x, new float[Hidden - 1], c, scratch)).ParamName);
        Assert.Equal("c", Assert.Throws<ArgumentException>(() => StepKernels.LstmStep(weights, x, h, new float[Hidden + 1], scratch)).ParamName);
        Assert.Equal("scratch", Assert.Throws<ArgumentException>(() => StepKernels.LstmStep(weights, x, h, c, new float[Hidden])).ParamName);
        Assert.All(h, value => Assert.Equal(0.5f, value));
        Assert.All(c, value => Assert.Equal(0.25f, value));
        StepKernels.LstmStep(weights, x, h, c, scratch);
        Assert.Contains(c, value => value != 0.25f);

        // A map through a matrix packed for the cell would mix the gates' rows.
        ArgumentException mixed = Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b, scratch));
        Assert.Equal("weight", mixed.ParamName);
        Assert.Contains("LstmStep", mixed.Message, StringComparison.Ordinal);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b, w, x, b, scratch)).ParamName);
    }

    // Steps the same LSTM through its matrices packed in order (map, then the cell) and packed for the cell (fused when
    // its units fill whole panels), from the same state; the inputs are slices of arrays that go on with NaN, so that
    // reading past one shows.
    private static void Compare(int lanes, StepPrecision precision, int hidden, int inputs, Random random)
    {
        int gates = 4 * hidden;
        float[] wIh = Values(gates * inputs, random), wHh = Values(gates * hidden, random);
        float[] bIh = Padded(Values(gates, random)), bHh = Padded(Values(gates, random));
        PackedStepMatrix w = PackedStepMatrix.Pack(wIh, gates, inputs, precision, lanes);
        PackedStepMatrix u = PackedStepMatrix.Pack(wHh, gates, hidden, precision, lanes);
        PackedStepMatrix wCell = PackedStepMatrix.Pack(wIh, gates, inputs, precision, lanes, cellGates: 4);
        PackedStepMatrix uCell = PackedStepMatrix.Pack(wHh, gates, hidden, precision, lanes, cellGates: 4);
        Assert.Equal(hidden % (2 * lanes) == 0 ? 4 : 1, wCell.CellGates);
        LstmStepWeights fused = LstmStepWeights.Create(wCell, bIh.AsSpan(0, gates), uCell, bHh.AsSpan(0, gates));
        LstmStepWeights inOrder = LstmStepWeights.Create(w, bIh.AsSpan(0, gates), u, bHh.AsSpan(0, gates));

        float[] h = Padded(Values(hidden, random)), c = Padded(Values(hidden, random));
        float[] hFused = (float[])h.Clone(), cFused = (float[])c.Clone();
        float[] hInOrder = (float[])h.Clone(), cInOrder = (float[])c.Clone();
        float[] mapped = new float[gates], scratch = NaNs(gates + 16), scratchInOrder = NaNs(gates + 16);
        string context = $"{precision}, {lanes} lanes, hidden {hidden}, inputs {inputs}";
        for (int step = 0; step < Steps; step++)
        {
            float[] x = Padded(Values(inputs, random));
            ReadOnlySpan<float> xs = x.AsSpan(0, inputs), bi = bIh.AsSpan(0, gates), bh = bHh.AsSpan(0, gates);

            StepKernels.Affine(w, xs, bi, u, h.AsSpan(0, hidden), bh, mapped);
            CellKernels.LstmForward(mapped, c.AsSpan(0, hidden), h.AsSpan(0, hidden));
            StepKernels.LstmStep(fused, xs, hFused.AsSpan(0, hidden), cFused.AsSpan(0, hidden), scratch.AsSpan(0, gates));
            StepKernels.LstmStep(inOrder, xs, hInOrder.AsSpan(0, hidden), cInOrder.AsSpan(0, hidden), scratchInOrder.AsSpan(0, gates));
            Assert.True(float.IsNaN(scratch[gates]) && float.IsNaN(scratchInOrder[gates]), $"{context}, step {step}: the value past the scratch was written");

            AssertSame(h, hFused, hidden, $"{context}, step {step}, h");
            AssertSame(c, cFused, hidden, $"{context}, step {step}, c");
            AssertSame(h, hInOrder, hidden, $"{context}, step {step}, h (rows in order)");
            AssertSame(c, cInOrder, hidden, $"{context}, step {step}, c (rows in order)");
        }

        // The same bits whatever the width, where the width runs in hardware; where it is emulated (a 16-lane packing
        // with AVX-512 off) the multiply-adds of the emulation round twice, and only closeness is promised.
        void AssertSame(float[] expected, float[] actual, int count, string where)
        {
            for (int i = 0; i < count; i++)
            {
                if (InHardware(lanes))
                {
                    Assert.True(
                        BitConverter.SingleToUInt32Bits(expected[i]) == BitConverter.SingleToUInt32Bits(actual[i]),
                        $"{where}[{i}]: {actual[i]:R}, expected the bits of {expected[i]:R}");
                }
                else
                {
                    AssertClose(actual[i], expected[i], 1 + Math.Abs(expected[i]), $"{where}[{i}]");
                }
            }

            Assert.True(float.IsNaN(actual[count]), $"{where}: the value past the state was written");
        }
    }

    private static bool InHardware(int lanes) => lanes switch
    {
        16 => Vector512.IsHardwareAccelerated,
        8 => Vector256.IsHardwareAccelerated,
        _ => Vector128.IsHardwareAccelerated,
    };

    // The values, then NaN: a slice of the first count values is what a kernel may read.
    private static float[] Padded(float[] values)
    {
        float[] padded = NaNs(values.Length + 16);
        values.CopyTo(padded, 0);
        return padded;
    }
}
