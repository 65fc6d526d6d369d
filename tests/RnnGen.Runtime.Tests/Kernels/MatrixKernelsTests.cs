using System;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// Every matrix kernel against a naive double-precision reference, over sizes that are and are not
/// multiples of each vector width, with strided rows whose gaps hold NaN garbage that must stay unread
/// and unwritten, and with non-zero initial outputs to check that kernels accumulate.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public class MatrixKernelsTests
{
    private const double RelativeTolerance = 1e-5;

    private const int MaxInner = 67;

    public static readonly TheoryData<int> RowCounts = new() { 0, 1, 2, 3, 4, 5, 7, 8, 9, 17 };

    // Widths of the non-vectorized dimension: below, at and around the 4-wide blocks.
    private static readonly int[] Widths = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33, 67];

    // Extra elements between rows; 0 is a dense matrix (padding still surrounds the span).
    private static readonly int[] Gaps = [0, 3];

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void MultiplyTransposedAdd_matches_reference(int rows)
    {
        var random = new Random(1000 + rows);
        for (int inner = 1; inner <= MaxInner; inner++)
        {
            foreach (int outputs in Widths)
            {
                foreach (int gap in Gaps)
                {
                    CheckMultiplyTransposedAdd(rows, inner, outputs, gap, random);
                }
            }
        }
    }

    [Fact]
    public void MultiplyTransposedAdd_matches_reference_for_large_sizes()
    {
        var random = new Random(7);
        CheckMultiplyTransposedAdd(rows: 33, inner: 300, outputs: 130, gap: 5, random);
        CheckMultiplyTransposedAdd(rows: 200, inner: 28, outputs: 70, gap: 3, random); // many panel groups share a packed B block
        CheckMultiplyTransposedAdd(rows: 1, inner: 1027, outputs: 515, gap: 1, random);
    }

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void MultiplyAdd_matches_reference(int rows)
    {
        var random = new Random(2000 + rows);
        for (int inner = 1; inner <= MaxInner; inner++)
        {
            foreach (int outputs in Widths)
            {
                foreach (int gap in Gaps)
                {
                    CheckMultiplyAdd(rows, outputs, inner, gap, random);
                }
            }
        }
    }

    [Fact]
    public void MultiplyAdd_matches_reference_for_large_sizes()
    {
        var random = new Random(8);
        CheckMultiplyAdd(rows: 33, outputs: 130, inner: 300, gap: 5, random);
        CheckMultiplyAdd(rows: 1, outputs: 515, inner: 1027, gap: 1, random);
    }

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void MultiplyAddPrepacked_matches_reference_with_weights_packed_either_way(int rows)
    {
        var random = new Random(2500 + rows);
        for (int inner = 1; inner <= MaxInner; inner++)
        {
            foreach (int outputs in Widths)
            {
                CheckMultiplyAdd(rows, outputs, inner, gap: 3, random, packed: true);
                CheckMultiplyTransposedAdd(rows, inner, outputs, gap: 3, random, packed: true);
            }
        }

        // More than one depth block (256) and a partial last tile of columns.
        CheckMultiplyAdd(rows, outputs: 300, inner: 130, gap: 5, random, packed: true);
        CheckMultiplyTransposedAdd(rows, inner: 300, outputs: 130, gap: 5, random, packed: true);
    }

    [Fact]
    public void MultiplyAddPrepacked_computes_each_row_as_alone_and_as_the_unpacked_product()
    {
        // What lets a batch's time loop be split between threads, and sequences finish early, without changing a bit.
        var random = new Random(2600);
        const int Rows = 17, Outputs = 300, Inner = 130;
        var g = new StridedMatrix(Rows, Outputs, Outputs, random);
        var w = new StridedMatrix(Outputs, Inner, Inner, random);
        float[] tiles = new float[MatrixKernels.PackedWeightsLength(Outputs, Inner)];
        MatrixKernels.PackWeights(w.Span, Outputs, Inner, transposed: false, tiles);
        float[] together = new float[Rows * Inner];
        float[] alone = new float[Rows * Inner];
        float[] unpacked = new float[Rows * Inner];
        MatrixKernels.MultiplyAddPrepacked(g.Span, Outputs, tiles, together, Inner, Rows, Outputs, Inner);
        // 17 rows are panels of 6, 6 and 5; slices of 5, 5, 5 and 2 rows, then 8 (two panels of 4) and 9 (6 + 3), then
        // 7 (4 + 3), 4 and 6 give each row other panel heights and other neighbours.
        foreach (int[] split in (int[][])[[5, 5, 5, 2], [8, 9], [7, 4, 6]])
        {
            Array.Clear(alone);
            int first = 0;
            foreach (int count in split)
            {
                MatrixKernels.MultiplyAddPrepacked(g.Span.Slice(first * Outputs), Outputs, tiles, alone.AsSpan(first * Inner), Inner, count, Outputs, Inner);
                first += count;
            }

            Assert.Equal(together, alone);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            // With Vector256, 17 rows take the packed kernel in MultiplyAdd too, reading w in place (without it,
            // MultiplyAdd sums in another order and only agrees to rounding, which the reference tests check).
            MatrixKernels.MultiplyAdd(g.Span, Outputs, w.Span, unpacked, Inner, Rows, Outputs, Inner);
            Assert.Equal(together, unpacked);
        }
    }

    [Fact]
    public void Packed_weights_that_do_not_fit_are_refused()
    {
        float[] w = new float[20 * 7];
        Assert.Throws<ArgumentException>(() => MatrixKernels.PackWeights(w, 20, 7, transposed: true, new float[(32 * 7) - 1]));
        Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAddPrepacked(new float[7], 7, new float[(32 * 7) - 1], new float[20], 20, 1, 7, 20));
        Assert.Equal(16 * 20, MatrixKernels.PackedWeightsLength(20, 7)); // the larger of wᵀ: 7 deep × 32 columns, w: 20 × 16
    }

    [Fact]
    public void Weights_packed_for_this_thread_equal_the_packed_copy_and_stay_apart_from_other_threads()
    {
        var random = new Random(2700);
        var w = new StridedMatrix(300, 130, 130, random);
        var small = new StridedMatrix(64, 32, 32, random); // fits the first one's buffer: a shared buffer would be overwritten
        foreach (bool transposed in (bool[])[true, false])
        {
            float[] expected = new float[MatrixKernels.PackedWeightsLength(300, 130)];
            MatrixKernels.PackWeights(w.Span, 300, 130, transposed, expected);
            Assert.Equal(expected, MatrixKernels.PackWeightsForThisThread(w.Span, 300, 130, transposed).ToArray());
        }

        // Another thread packs another weight into its own buffer: this thread's copy does not change.
        ReadOnlySpan<float> mine = MatrixKernels.PackWeightsForThisThread(w.Span, 300, 130, transposed: true);
        float[] before = mine.ToArray();
        float[] theirs = [];
        var other = new System.Threading.Thread(() => theirs = MatrixKernels.PackWeightsForThisThread(small.Span, 64, 32, transposed: false).ToArray());
        other.Start();
        other.Join();
        float[] expectedTheirs = new float[MatrixKernels.PackedWeightsLength(64, 32)];
        MatrixKernels.PackWeights(small.Span, 64, 32, transposed: false, expectedTheirs);
        Assert.Equal(expectedTheirs, theirs);
        Assert.Equal(before, mine.ToArray());
        Assert.Throws<ArgumentException>(() => MatrixKernels.PackWeightsForThisThread(w.Span.Slice(1), 300, 130, transposed: true));
    }

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void AccumulateTransposedProduct_matches_reference(int rows)
    {
        var random = new Random(3000 + rows);
        for (int inner = 1; inner <= MaxInner; inner++)
        {
            foreach (int outputs in Widths)
            {
                foreach (int gap in Gaps)
                {
                    CheckAccumulateTransposedProduct(rows, outputs, inner, gap, random);
                }
            }
        }
    }

    [Fact]
    public void AccumulateTransposedProduct_matches_reference_for_large_sizes()
    {
        var random = new Random(9);
        CheckAccumulateTransposedProduct(rows: 33, outputs: 130, inner: 300, gap: 5, random);
        CheckAccumulateTransposedProduct(rows: 1, outputs: 515, inner: 1027, gap: 1, random);
        CheckAccumulateTransposedProduct(rows: 300, outputs: 130, inner: 28, gap: 2, random); // the dW_ih shape: 22 panels, B padded
    }

    // rows, outputs, inner1, inner2: the LSTM(28→128) dW_hh and dW_ih pair over 300 rows (several depth blocks, both
    // B packed in one block), partial tiles on both sides, a single panel, too few panels to pack B (tiles read in
    // place), two B too wide to pack together (two products), and inner widths too narrow for the packed kernel (each
    // product then takes its own loops).
    [Theory]
    [InlineData(300, 512, 128, 28)]
    [InlineData(33, 130, 16, 12)]
    [InlineData(7, 6, 8, 9)]
    [InlineData(300, 18, 40, 24)]
    [InlineData(260, 64, 20, 300)]
    [InlineData(5, 20, 3, 40)]
    [InlineData(9, 20, 40, 7)]
    [InlineData(0, 20, 40, 40)]
    public void AccumulateTransposedProducts_equal_two_single_products_bit_for_bit(int rows, int outputs, int inner1, int inner2)
    {
        string context = $"rows {rows}, outputs {outputs}, inner {inner1} and {inner2}";
        var random = new Random((rows * 31) + inner2);
        var g = new StridedMatrix(rows, outputs, outputs + 3, random);
        var a1 = new StridedMatrix(rows, inner1, inner1 + 2, random);
        var a2 = new StridedMatrix(rows, inner2, inner2 + 1, random);
        var dw1 = new StridedMatrix(outputs, inner1, inner1, random);
        var dw2 = new StridedMatrix(outputs, inner2, inner2, random);
        float[] single1 = dw1.Span.ToArray();
        float[] single2 = dw2.Span.ToArray();

        MatrixKernels.AccumulateTransposedProducts(g.Span, g.Stride, a1.Span, a1.Stride, dw1.Span, inner1, a2.Span, a2.Stride, dw2.Span, inner2, rows, outputs);
        MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, a1.Span, a1.Stride, single1, rows, outputs, inner1);
        MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, a2.Span, a2.Stride, single2, rows, outputs, inner2);

        Assert.Equal(Bits(single1), Bits(dw1.Span));
        Assert.Equal(Bits(single2), Bits(dw2.Span));
        g.AssertGapsUntouched(context);
        a1.AssertGapsUntouched(context);
        a2.AssertGapsUntouched(context);
        dw1.AssertGapsUntouched(context);
        dw2.AssertGapsUntouched(context);
    }

    [Fact]
    public void AccumulateTransposedProducts_give_the_same_bits_on_two_kernel_threads()
    {
        var random = new Random(23);
        foreach ((int rows, int outputs, int inner1, int inner2) in new[] { (1792, 512, 128, 28), (300, 130, 100, 24) })
        {
            var g = new StridedMatrix(rows, outputs, outputs, random);
            var a1 = new StridedMatrix(rows, inner1, inner1, random);
            var a2 = new StridedMatrix(rows, inner2, inner2 + 2, random);
            var dw1 = new StridedMatrix(outputs, inner1, inner1, random);
            var dw2 = new StridedMatrix(outputs, inner2, inner2, random);
            float[] one1 = dw1.Span.ToArray(), one2 = dw2.Span.ToArray();

            MatrixKernels.AccumulateTransposedProducts(g.Span, g.Stride, a1.Span, a1.Stride, one1, inner1, a2.Span, a2.Stride, one2, inner2, rows, outputs);
            int previous = Parallelism.Threads;
            Parallelism.Threads = Math.Min(2, Environment.ProcessorCount);
            try
            {
                MatrixKernels.AccumulateTransposedProducts(g.Span, g.Stride, a1.Span, a1.Stride, dw1.Span, inner1, a2.Span, a2.Stride, dw2.Span, inner2, rows, outputs);
            }
            finally
            {
                Parallelism.Threads = previous;
            }

            Assert.Equal(Bits(one1), Bits(dw1.Span));
            Assert.Equal(Bits(one2), Bits(dw2.Span));
            a2.AssertGapsUntouched($"rows {rows}, outputs {outputs}, inner {inner1} and {inner2}");
        }
    }

    [Fact]
    public void AccumulateTransposedProducts_match_reference()
    {
        var random = new Random(11);
        foreach ((int rows, int outputs, int inner1, int inner2) in new[] { (300, 130, 128, 28), (13, 67, 17, 33) })
        {
            string context = $"rows {rows}, outputs {outputs}, inner {inner1} and {inner2}";
            var g = new StridedMatrix(rows, outputs, outputs + 1, random);
            var a1 = new StridedMatrix(rows, inner1, inner1 + 3, random);
            var a2 = new StridedMatrix(rows, inner2, inner2, random);
            var dw1 = new StridedMatrix(outputs, inner1, inner1, random);
            var dw2 = new StridedMatrix(outputs, inner2, inner2, random);
            float[,] initial1 = dw1.Copy();
            float[,] initial2 = dw2.Copy();

            MatrixKernels.AccumulateTransposedProducts(g.Span, g.Stride, a1.Span, a1.Stride, dw1.Span, inner1, a2.Span, a2.Stride, dw2.Span, inner2, rows, outputs);

            AssertTransposedProduct(g, a1, initial1, dw1, context + ", first");
            AssertTransposedProduct(g, a2, initial2, dw2, context + ", second");
        }
    }

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void AddRowVector_matches_reference(int rows)
    {
        var random = new Random(4000 + rows);
        for (int width = 1; width <= MaxInner; width++)
        {
            foreach (int gap in Gaps)
            {
                string context = $"rows {rows}, width {width}, gap {gap}";
                var c = new StridedMatrix(rows, width, width + gap, random);
                var bias = new StridedMatrix(1, width, width, random);
                float[,] initial = c.Copy();

                MatrixKernels.AddRowVector(c.Span, c.Stride, bias.Span, rows, width);

                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < width; j++)
                    {
                        // A single rounded addition: exact equality with float addition.
                        Assert.Equal(initial[r, j] + bias[0, j], c[r, j]);
                    }
                }

                c.AssertGapsUntouched(context);
                bias.AssertGapsUntouched(context);
            }
        }
    }

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void AccumulateColumnSums_matches_reference(int rows)
    {
        var random = new Random(5000 + rows);
        for (int width = 1; width <= MaxInner; width++)
        {
            foreach (int gap in Gaps)
            {
                string context = $"rows {rows}, width {width}, gap {gap}";
                var g = new StridedMatrix(rows, width, width + gap, random);
                var sums = new StridedMatrix(1, width, width, random);
                float[,] initial = sums.Copy();

                MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, sums.Span, rows, width);

                for (int j = 0; j < width; j++)
                {
                    double expected = initial[0, j];
                    double scale = Math.Abs(expected);
                    for (int r = 0; r < rows; r++)
                    {
                        expected += g[r, j];
                        scale += Math.Abs(g[r, j]);
                    }

                    AssertClose(sums[0, j], expected, scale, context);
                }

                g.AssertGapsUntouched(context);
                sums.AssertGapsUntouched(context);

                // Two targets at once: each gets exactly what a call of its own would add.
                var first = new StridedMatrix(1, width, width, random);
                var second = new StridedMatrix(1, width, width, random);
                float[] firstAlone = first.Span.ToArray();
                float[] secondAlone = second.Span.ToArray();
                MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, firstAlone, rows, width);
                MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, secondAlone, rows, width);
                MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, first.Span, second.Span, rows, width);
                Assert.Equal(firstAlone, first.Span.ToArray());
                Assert.Equal(secondAlone, second.Span.ToArray());
            }
        }
    }

    [Fact]
    public void Column_sums_and_row_fills_give_the_same_bits_on_two_kernel_threads()
    {
        // Large enough to be split between the threads (by blocks of columns, by rows); every value must be the one a
        // single thread computes, and the gaps between rows stay untouched.
        var random = new Random(17);
        foreach ((int rows, int width, int gap) in new[] { (1792, 512, 0), (1000, 100, 3), (300, 257, 5), (4096, 33, 0) })
        {
            string context = $"rows {rows}, width {width}, gap {gap}";
            var g = new StridedMatrix(rows, width, width + gap, random);
            var sums = new StridedMatrix(1, width, width, random);
            var otherSums = new StridedMatrix(1, width, width, random);
            var fill = new StridedMatrix(rows, width, width + gap, random);
            float[] row = Array.ConvertAll(new float[width], _ => (float)random.NextDouble());
            float[] oneSums = sums.Span.ToArray(), oneOther = otherSums.Span.ToArray(), oneAlone = sums.Span.ToArray();
            float[] oneFill = fill.Span.ToArray();

            MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, oneSums, oneOther, rows, width);
            MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, oneAlone, rows, width);
            MatrixKernels.FillRows(oneFill, fill.Stride, row, rows, width);
            int previous = Parallelism.Threads;
            Parallelism.Threads = Math.Min(2, Environment.ProcessorCount);
            try
            {
                float[] alone = sums.Span.ToArray();
                MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, sums.Span, otherSums.Span, rows, width);
                MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, alone, rows, width);
                MatrixKernels.FillRows(fill.Span, fill.Stride, row, rows, width);
                Assert.Equal(Bits(oneSums), Bits(sums.Span));
                Assert.Equal(Bits(oneOther), Bits(otherSums.Span));
                Assert.Equal(Bits(oneAlone), Bits(alone));
                Assert.Equal(Bits(oneFill), Bits(fill.Span));
            }
            finally
            {
                Parallelism.Threads = previous;
            }

            g.AssertGapsUntouched(context);
            fill.AssertGapsUntouched(context);
        }
    }

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void CopyRows_copies_the_block_only(int rows)
    {
        var random = new Random(6000 + rows);
        for (int width = 1; width <= MaxInner; width++)
        {
            foreach (int gap in Gaps)
            {
                string context = $"rows {rows}, width {width}, gap {gap}";
                var source = new StridedMatrix(rows, width, width + gap, random);
                var destination = new StridedMatrix(rows, width, width + (2 * gap) + 1, random);

                MatrixKernels.CopyRows(source.Span, source.Stride, destination.Span, destination.Stride, rows, width);

                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < width; j++)
                    {
                        Assert.Equal(BitConverter.SingleToInt32Bits(source[r, j]), BitConverter.SingleToInt32Bits(destination[r, j]));
                    }
                }

                source.AssertGapsUntouched(context);
                destination.AssertGapsUntouched(context);
            }
        }
    }

    [Theory]
    [MemberData(nameof(RowCounts))]
    public void FillRows_sets_every_row_of_the_block_only(int rows)
    {
        var random = new Random(6500 + rows);
        for (int width = 1; width <= MaxInner; width++)
        {
            foreach (int gap in Gaps)
            {
                string context = $"rows {rows}, width {width}, gap {gap}";
                var row = new StridedMatrix(1, width, width, random);
                var c = new StridedMatrix(rows, width, width + gap, random);

                MatrixKernels.FillRows(c.Span, c.Stride, row.Span, rows, width);

                for (int r = 0; r < rows; r++)
                {
                    for (int j = 0; j < width; j++)
                    {
                        Assert.Equal(BitConverter.SingleToInt32Bits(row[0, j]), BitConverter.SingleToInt32Bits(c[r, j]));
                    }
                }

                c.AssertGapsUntouched(context);
            }
        }
    }

    [Fact]
    public void Dot_matches_reference()
    {
        var random = new Random(11);
        foreach (int length in LengthsUpTo(MaxInner, 128, 1000, 4099))
        {
            var x = new StridedMatrix(1, length, length, random);
            var y = new StridedMatrix(1, length, length, random);
            double expected = 0;
            double scale = 0;
            for (int i = 0; i < length; i++)
            {
                double term = (double)x[0, i] * y[0, i];
                expected += term;
                scale += Math.Abs(term);
            }

            float actual = MatrixKernels.Dot(x.Span, y.Span);

            AssertClose(actual, expected, scale, $"length {length}");
        }
    }

    [Fact]
    public void Axpy_matches_reference()
    {
        const float Alpha = -0.75f;
        var random = new Random(12);
        foreach (int length in LengthsUpTo(MaxInner, 128, 1000, 4099))
        {
            string context = $"length {length}";
            var x = new StridedMatrix(1, length, length, random);
            var y = new StridedMatrix(1, length, length, random);
            float[,] initial = y.Copy();

            MatrixKernels.Axpy(Alpha, x.Span, y.Span);

            for (int i = 0; i < length; i++)
            {
                double expected = initial[0, i] + ((double)Alpha * x[0, i]);
                AssertClose(y[0, i], expected, Math.Abs(initial[0, i]) + Math.Abs(Alpha * x[0, i]), context);
            }

            x.AssertGapsUntouched(context);
            y.AssertGapsUntouched(context);
        }
    }

    [Fact]
    public void Infinity_in_a_row_gives_infinity_not_NaN()
    {
        // The last vector of a row overlaps lanes already summed; masking them must not compute 0 · ∞.
        var random = new Random(13);
        for (int inner = 1; inner <= MaxInner; inner++)
        {
            for (int position = 0; position < inner; position++)
            {
                foreach (int rows in (int[])[1, 2, 3])
                {
                    const int Outputs = 5;
                    var a = new StridedMatrix(rows, inner, inner, random);
                    var w = new StridedMatrix(Outputs, inner, inner, random);
                    var c = new StridedMatrix(rows, Outputs, Outputs, random);
                    a.Span.Fill(0.5f);
                    w.Span.Fill(0.25f);
                    for (int o = 0; o < Outputs; o++)
                    {
                        w[o, position] = float.PositiveInfinity;
                    }

                    MatrixKernels.MultiplyTransposedAdd(a.Span, inner, w.Span, c.Span, Outputs, rows, inner, Outputs);

                    foreach (float value in c.Span)
                    {
                        Assert.Equal(float.PositiveInfinity, value);
                    }
                }

                var x = new StridedMatrix(1, inner, inner, random);
                x.Span.Fill(1f);
                x[0, position] = float.PositiveInfinity;
                Assert.Equal(float.PositiveInfinity, MatrixKernels.Dot(x.Span, x.Span));
            }
        }
    }

    [Fact]
    public void Empty_sizes_leave_outputs_untouched()
    {
        float[] values = [-0f, 1f, 2f, 3f];
        int[] bits = Array.ConvertAll(values, BitConverter.SingleToInt32Bits);

        MatrixKernels.MultiplyTransposedAdd([1f, 2f], 2, [], values, 2, rows: 2, inner: 0, outputs: 2);
        MatrixKernels.MultiplyAdd([1f, 2f, 3f, 4f], 2, [], values, 2, rows: 2, outputs: 2, inner: 0);
        MatrixKernels.AccumulateTransposedProduct([], 2, [1f, 2f], 2, values, rows: 0, outputs: 2, inner: 2);
        MatrixKernels.AddRowVector(values, 2, [1f, 1f], rows: 0, width: 2);
        MatrixKernels.AccumulateColumnSums([], 4, values, rows: 0, width: 4);
        MatrixKernels.CopyRows([], 4, values, 4, rows: 0, width: 4);
        MatrixKernels.FillRows(values, 4, [9f, 9f, 9f, 9f], rows: 0, width: 4);
        MatrixKernels.Axpy(2f, [], []);

        Assert.Equal(bits, Array.ConvertAll(values, BitConverter.SingleToInt32Bits));
        Assert.Equal(0f, MatrixKernels.Dot([], []));
    }

    private static void CheckMultiplyTransposedAdd(int rows, int inner, int outputs, int gap, Random random, bool packed = false)
    {
        string context = $"rows {rows}, inner {inner}, outputs {outputs}, gap {gap}{(packed ? ", packed" : string.Empty)}";
        var a = new StridedMatrix(rows, inner, inner + gap, random);
        var w = new StridedMatrix(outputs, inner, inner, random);
        var c = new StridedMatrix(rows, outputs, outputs + gap, random);
        float[,] initial = c.Copy();

        if (packed)
        {
            float[] tiles = new float[MatrixKernels.PackedWeightsLength(outputs, inner)];
            MatrixKernels.PackWeights(w.Span, outputs, inner, transposed: true, tiles);
            MatrixKernels.MultiplyAddPrepacked(a.Span, a.Stride, tiles, c.Span, c.Stride, rows, inner, outputs);
        }
        else
        {
            MatrixKernels.MultiplyTransposedAdd(a.Span, a.Stride, w.Span, c.Span, c.Stride, rows, inner, outputs);
        }

        for (int r = 0; r < rows; r++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double expected = initial[r, o];
                double scale = Math.Abs(expected);
                for (int k = 0; k < inner; k++)
                {
                    double term = (double)a[r, k] * w[o, k];
                    expected += term;
                    scale += Math.Abs(term);
                }

                AssertClose(c[r, o], expected, scale, context);
            }
        }

        a.AssertGapsUntouched(context);
        w.AssertGapsUntouched(context);
        c.AssertGapsUntouched(context);
    }

    private static void CheckMultiplyAdd(int rows, int outputs, int inner, int gap, Random random, bool packed = false)
    {
        string context = $"rows {rows}, outputs {outputs}, inner {inner}, gap {gap}{(packed ? ", packed" : string.Empty)}";
        var g = new StridedMatrix(rows, outputs, outputs + gap, random);
        var w = new StridedMatrix(outputs, inner, inner, random);
        var d = new StridedMatrix(rows, inner, inner + gap, random);
        float[,] initial = d.Copy();

        if (packed)
        {
            float[] tiles = new float[MatrixKernels.PackedWeightsLength(outputs, inner)];
            MatrixKernels.PackWeights(w.Span, outputs, inner, transposed: false, tiles);
            MatrixKernels.MultiplyAddPrepacked(g.Span, g.Stride, tiles, d.Span, d.Stride, rows, outputs, inner);
        }
        else
        {
            MatrixKernels.MultiplyAdd(g.Span, g.Stride, w.Span, d.Span, d.Stride, rows, outputs, inner);
        }

        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < inner; k++)
            {
                double expected = initial[r, k];
                double scale = Math.Abs(expected);
                for (int o = 0; o < outputs; o++)
                {
                    double term = (double)g[r, o] * w[o, k];
                    expected += term;
                    scale += Math.Abs(term);
                }

                AssertClose(d[r, k], expected, scale, context);
            }
        }

        g.AssertGapsUntouched(context);
        w.AssertGapsUntouched(context);
        d.AssertGapsUntouched(context);
    }

    private static void CheckAccumulateTransposedProduct(int rows, int outputs, int inner, int gap, Random random)
    {
        string context = $"rows {rows}, outputs {outputs}, inner {inner}, gap {gap}";
        var g = new StridedMatrix(rows, outputs, outputs + gap, random);
        var a = new StridedMatrix(rows, inner, inner + gap, random);
        var dw = new StridedMatrix(outputs, inner, inner, random);
        float[,] initial = dw.Copy();

        MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, a.Span, a.Stride, dw.Span, rows, outputs, inner);

        AssertTransposedProduct(g, a, initial, dw, context);
        g.AssertGapsUntouched(context);
        a.AssertGapsUntouched(context);
        dw.AssertGapsUntouched(context);
    }

    // dw = initial + gᵀ·a, against a double-precision sum.
    private static void AssertTransposedProduct(StridedMatrix g, StridedMatrix a, float[,] initial, StridedMatrix dw, string context)
    {
        for (int o = 0; o < dw.Rows; o++)
        {
            for (int k = 0; k < dw.Width; k++)
            {
                double expected = initial[o, k];
                double scale = Math.Abs(expected);
                for (int r = 0; r < g.Rows; r++)
                {
                    double term = (double)g[r, o] * a[r, k];
                    expected += term;
                    scale += Math.Abs(term);
                }

                AssertClose(dw[o, k], expected, scale, context);
            }
        }
    }

    private static int[] LengthsUpTo(int max, params int[] extra)
    {
        var lengths = new int[max + 1 + extra.Length];
        for (int i = 0; i <= max; i++)
        {
            lengths[i] = i;
        }

        extra.CopyTo(lengths, max + 1);
        return lengths;
    }

    private static int[] Bits(ReadOnlySpan<float> values)
    {
        var bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }

    private static void AssertClose(float actual, double expected, double scale, string context)
    {
        double tolerance = RelativeTolerance * scale;
        if (!(Math.Abs(actual - expected) <= tolerance))
        {
            Assert.Fail($"{context}: expected {expected:R} ± {tolerance:E2}, got {actual:R}.");
        }
    }
}
