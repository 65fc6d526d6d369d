using System;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The products that put a bias into their rows in the same call (<see cref="MatrixKernels.AffineRows"/>,
/// <see cref="MatrixKernels.AffineRowsPrepacked"/>, and the optional row bias of
/// <see cref="MatrixKernels.MultiplyTransposedAdd"/> and <see cref="MatrixKernels.MultiplyAddPrepacked"/>)
/// against the two passes they replace in the generated code, bit for bit: a fill of the rows then the product, or the
/// product then <see cref="MatrixKernels.AddRowVector"/>. Shapes cover the few-row loops, one and several panels,
/// partial tiles (under the AVX-512 lane mask and through the scratch tile), two depth blocks, and products large
/// enough to be split between two threads.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public class RowBiasProductTests
{
    // rows, columns, depth: few rows (dot loops), narrow outputs (below one Vector256), one panel with a partial tile,
    // pairs with a partial second tile (28, 61), a single partial tile (17 → scratch tile), two depth blocks, and the
    // input projection and recurrent product of a 128-unit LSTM at batch 64 (split between threads)
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 1, 28, 12 },
        { 5, 40, 9 },
        { 9, 7, 20 },
        { 6, 17, 9 },
        { 7, 28, 28 },
        { 12, 61, 40 },
        { 13, 130, 300 },
        { 30, 67, 300 },
        { 1792, 512, 28 },
        { 64, 512, 128 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AffineRows_gives_the_bits_of_filling_the_rows_then_adding_the_product(int rows, int columns, int depth)
    {
        foreach (int threads in ThreadCounts())
        {
            var random = new Random((rows * 31) + (columns * 7) + depth);
            var a = new StridedMatrix(rows, depth, depth + 3, random);
            var w = new StridedMatrix(columns, depth, depth, random);
            float[] bias = Values(columns, random);
            var expected = new StridedMatrix(rows, columns, columns + 16, random);
            var actual = new StridedMatrix(rows, columns, columns + 16, random); // other values: AffineRows must not read them
            string context = $"AffineRows {rows}×{depth}·({columns}×{depth})ᵀ, {threads} thread(s)";

            WithThreads(threads, () =>
            {
                MatrixKernels.FillRows(expected.Span, expected.Stride, bias, rows, columns);
                MatrixKernels.MultiplyTransposedAdd(a.Span, a.Stride, w.Span, expected.Span, expected.Stride, rows, depth, columns);
                MatrixKernels.AffineRows(a.Span, a.Stride, w.Span, bias, actual.Span, actual.Stride, rows, depth, columns);
            });

            AssertSameBits(expected, actual, context);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AffineRowsPrepacked_gives_the_bits_of_filling_the_rows_then_adding_the_product(int rows, int columns, int depth)
    {
        foreach (int threads in ThreadCounts())
        {
            var random = new Random((rows * 29) + (columns * 11) + depth);
            var a = new StridedMatrix(rows, depth, depth + 2, random);
            var w = new StridedMatrix(columns, depth, depth, random);
            float[] bias = Values(columns, random);
            float[] tiles = new float[MatrixKernels.PackedWeightsLength(columns, depth)];
            MatrixKernels.PackWeights(w.Span, columns, depth, transposed: true, tiles);
            var expected = new StridedMatrix(rows, columns, columns + 4, random);
            var actual = new StridedMatrix(rows, columns, columns + 4, random); // other values: the call must not read them
            string context = $"AffineRowsPrepacked {rows}×{depth}·{depth}×{columns}, {threads} thread(s)";

            WithThreads(threads, () =>
            {
                MatrixKernels.FillRows(expected.Span, expected.Stride, bias, rows, columns);
                MatrixKernels.MultiplyAddPrepacked(a.Span, a.Stride, tiles, expected.Span, expected.Stride, rows, depth, columns);
                MatrixKernels.AffineRowsPrepacked(a.Span, a.Stride, tiles, bias, actual.Span, actual.Stride, rows, depth, columns);
            });

            AssertSameBits(expected, actual, context);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyTransposedAdd_with_a_row_bias_gives_the_bits_of_adding_it_after(int rows, int columns, int depth)
    {
        foreach (int threads in ThreadCounts())
        {
            var random = new Random((rows * 17) + (columns * 5) + depth);
            var a = new StridedMatrix(rows, depth, depth + 1, random);
            var w = new StridedMatrix(columns, depth, depth, random);
            float[] bias = Values(columns, random);
            var expected = new StridedMatrix(rows, columns, columns + 3, random);
            var actual = Copy(expected, random);
            string context = $"MultiplyTransposedAdd with a row bias, {rows}×{depth}·({columns}×{depth})ᵀ, {threads} thread(s)";

            WithThreads(threads, () =>
            {
                MatrixKernels.MultiplyTransposedAdd(a.Span, a.Stride, w.Span, expected.Span, expected.Stride, rows, depth, columns);
                MatrixKernels.AddRowVector(expected.Span, expected.Stride, bias, rows, columns);
                MatrixKernels.MultiplyTransposedAdd(a.Span, a.Stride, w.Span, actual.Span, actual.Stride, rows, depth, columns, bias);
            });

            AssertSameBits(expected, actual, context);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAddPrepacked_with_a_row_bias_gives_the_bits_of_adding_it_after(int rows, int columns, int depth)
    {
        foreach (int threads in ThreadCounts())
        {
            var random = new Random((rows * 13) + (columns * 3) + depth);
            var a = new StridedMatrix(rows, depth, depth, random);
            var w = new StridedMatrix(columns, depth, depth, random);
            float[] bias = Values(columns, random);
            float[] tiles = new float[MatrixKernels.PackedWeightsLength(columns, depth)];
            MatrixKernels.PackWeights(w.Span, columns, depth, transposed: true, tiles);
            var expected = new StridedMatrix(rows, columns, columns + 8, random);
            var actual = Copy(expected, random);
            string context = $"MultiplyAddPrepacked with a row bias, {rows}×{depth}·{depth}×{columns}, {threads} thread(s)";

            WithThreads(threads, () =>
            {
                MatrixKernels.MultiplyAddPrepacked(a.Span, a.Stride, tiles, expected.Span, expected.Stride, rows, depth, columns);
                MatrixKernels.AddRowVector(expected.Span, expected.Stride, bias, rows, columns);
                MatrixKernels.MultiplyAddPrepacked(a.Span, a.Stride, tiles, actual.Span, actual.Stride, rows, depth, columns, bias);
            });

            AssertSameBits(expected, actual, context);
        }
    }

    [Fact]
    public void With_no_depth_the_bias_is_still_put_into_every_row()
    {
        var random = new Random(5);
        float[] bias = Values(20, random);
        var filled = new StridedMatrix(7, 20, 21, random);
        MatrixKernels.AffineRows([], 0, [], bias, filled.Span, filled.Stride, 7, 0, 20);
        for (int r = 0; r < 7; r++)
        {
            for (int j = 0; j < 20; j++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(bias[j]), BitConverter.SingleToInt32Bits(filled[r, j]));
            }
        }

        filled.AssertGapsUntouched("AffineRows with no depth");
        var prepackedFill = new StridedMatrix(7, 20, 21, random);
        MatrixKernels.AffineRowsPrepacked([], 0, [], bias, prepackedFill.Span, prepackedFill.Stride, 7, 0, 20);
        AssertSameBits(filled, prepackedFill, "AffineRowsPrepacked with no depth");

        var expected = new StridedMatrix(7, 20, 20, random);
        var product = Copy(expected, random);
        var prepacked = Copy(expected, random);
        MatrixKernels.AddRowVector(expected.Span, expected.Stride, bias, 7, 20);
        MatrixKernels.MultiplyTransposedAdd([], 0, [], product.Span, product.Stride, 7, 0, 20, bias);
        MatrixKernels.MultiplyAddPrepacked([], 0, [], prepacked.Span, prepacked.Stride, 7, 0, 20, bias);
        AssertSameBits(expected, product, "MultiplyTransposedAdd with a row bias and no depth");
        AssertSameBits(expected, prepacked, "MultiplyAddPrepacked with a row bias and no depth");
    }

    [Fact]
    public void A_row_bias_shorter_than_the_columns_is_refused_before_anything_is_written()
    {
        var random = new Random(6);
        var a = new StridedMatrix(8, 4, 4, random);
        var w = new StridedMatrix(16, 4, 4, random);
        var c = new StridedMatrix(8, 16, 16, random);
        float[] before = c.Span.ToArray();
        float[] tiles = new float[MatrixKernels.PackedWeightsLength(16, 4)];

        var affine = Assert.Throws<ArgumentException>(() => MatrixKernels.AffineRows(a.Span, a.Stride, w.Span, new float[15], c.Span, c.Stride, 8, 4, 16));
        Assert.Equal("bias", affine.ParamName);
        var product = Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyTransposedAdd(a.Span, a.Stride, w.Span, c.Span, c.Stride, 8, 4, 16, new float[15]));
        Assert.Equal("rowBias", product.ParamName);
        var prepacked = Assert.Throws<ArgumentException>(() => MatrixKernels.MultiplyAddPrepacked(a.Span, a.Stride, tiles, c.Span, c.Stride, 8, 4, 16, new float[15]));
        Assert.Equal("rowBias", prepacked.ParamName);
        var affinePrepacked = Assert.Throws<ArgumentException>(() => MatrixKernels.AffineRowsPrepacked(a.Span, a.Stride, tiles, new float[15], c.Span, c.Stride, 8, 4, 16));
        Assert.Equal("bias", affinePrepacked.ParamName);
        Assert.Equal(before, c.Span.ToArray());
    }

    private static int[] ThreadCounts() => Environment.ProcessorCount >= 2 ? [1, 2] : [1];

    private static void WithThreads(int threads, Action action)
    {
        int previous = Parallelism.Threads;
        Parallelism.Threads = threads;
        try
        {
            action();
        }
        finally
        {
            Parallelism.Threads = previous;
        }
    }

    private static float[] Values(int count, Random random)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    // the same rows, stride and values as `source`, in a buffer of its own
    private static StridedMatrix Copy(StridedMatrix source, Random random)
    {
        var copy = new StridedMatrix(source.Rows, source.Width, source.Stride, random);
        source.Span.CopyTo(copy.Span);
        return copy;
    }

    private static void AssertSameBits(StridedMatrix expected, StridedMatrix actual, string context)
    {
        for (int r = 0; r < expected.Rows; r++)
        {
            for (int j = 0; j < expected.Width; j++)
            {
                if (BitConverter.SingleToInt32Bits(expected[r, j]) != BitConverter.SingleToInt32Bits(actual[r, j]))
                {
                    Assert.Fail($"{context}: element ({r}, {j}) is {actual[r, j]:R}, the two passes give {expected[r, j]:R}.");
                }
            }
        }

        actual.AssertGapsUntouched(context);
    }
}
