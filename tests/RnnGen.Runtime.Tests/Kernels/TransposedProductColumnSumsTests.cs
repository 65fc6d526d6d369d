using System;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The weight-gradient products that also add the column sums of the gradient they read (a layer's bias gradient,
/// taken while the product packs that gradient): the weights get the same bits as without, and the sums the same bits
/// as <see cref="MatrixKernels.AccumulateColumnSums(ReadOnlySpan{float}, int, Span{float}, int, int)"/> gives, on every
/// path (packed panels of six, the shorter last panels, several depth blocks, products too narrow to pack) and on two
/// kernel threads.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public class TransposedProductColumnSumsTests
{
    // rows, outputs, inner: the GRU(28→128) dW_hh over a batch-64 sequence of 28 steps (seven depth blocks), an LSTM's
    // gates over 300 rows, partial tiles, one panel, last panels of one and of two rows (which borrow two rows of the
    // panel before), outputs and inner widths too narrow for the packed kernel, no rows, and an empty weight (whose
    // bias still gets its sums).
    [Theory]
    [InlineData(1792, 384, 128)]
    [InlineData(300, 512, 28)]
    [InlineData(33, 130, 16)]
    [InlineData(7, 6, 8)]
    [InlineData(13, 13, 40)]
    [InlineData(14, 14, 40)]
    [InlineData(9, 4, 40)]
    [InlineData(5, 20, 3)]
    [InlineData(0, 20, 40)]
    [InlineData(10, 20, 0)]
    public void AccumulateTransposedProduct_adds_the_column_sums_of_AccumulateColumnSums(int rows, int outputs, int inner)
    {
        string context = $"rows {rows}, outputs {outputs}, inner {inner}";
        var random = new Random((rows * 7) + outputs);
        var g = new StridedMatrix(rows, outputs, outputs + 3, random);
        var a = new StridedMatrix(rows, inner, inner + 1, random);
        var dw = new StridedMatrix(outputs, inner, inner, random);
        var sums = new StridedMatrix(1, outputs, outputs, random);
        float[] expectedWeights = dw.Span.ToArray();
        float[] expectedSums = sums.Span.ToArray();

        MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, a.Span, a.Stride, dw.Span, rows, outputs, inner, sums.Span);
        MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, a.Span, a.Stride, expectedWeights, rows, outputs, inner);
        MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, expectedSums, rows, outputs);

        Assert.Equal(Bits(expectedWeights), Bits(dw.Span));
        Assert.Equal(Bits(expectedSums), Bits(sums.Span));
        g.AssertGapsUntouched(context);
        dw.AssertGapsUntouched(context);
        sums.AssertGapsUntouched(context);
    }

    // rows, outputs, inner1, inner2: the LSTM(28→128) pair (one shared packing), partial tiles, B blocks too wide to
    // pack together (two products, sums apart), inner widths too narrow for the packed kernel, no rows.
    [Theory]
    [InlineData(1792, 512, 128, 28)]
    [InlineData(33, 130, 16, 12)]
    [InlineData(13, 13, 40, 9)]
    [InlineData(260, 64, 20, 300)]
    [InlineData(9, 20, 40, 7)]
    [InlineData(0, 20, 40, 40)]
    public void AccumulateTransposedProducts_add_the_same_sums_to_both_vectors(int rows, int outputs, int inner1, int inner2)
    {
        string context = $"rows {rows}, outputs {outputs}, inner {inner1} and {inner2}";
        var random = new Random((rows * 31) + inner2);
        var g = new StridedMatrix(rows, outputs, outputs + 1, random);
        var a1 = new StridedMatrix(rows, inner1, inner1 + 2, random);
        var a2 = new StridedMatrix(rows, inner2, inner2, random);
        var dw1 = new StridedMatrix(outputs, inner1, inner1, random);
        var dw2 = new StridedMatrix(outputs, inner2, inner2, random);
        var sums = new StridedMatrix(1, outputs, outputs, random);
        var otherSums = new StridedMatrix(1, outputs, outputs, random);
        float[] expected1 = dw1.Span.ToArray(), expected2 = dw2.Span.ToArray();
        float[] expectedSums = sums.Span.ToArray(), expectedOther = otherSums.Span.ToArray();
        var onlySums = new StridedMatrix(1, outputs, outputs, random);
        float[] expectedOnly = onlySums.Span.ToArray();

        MatrixKernels.AccumulateTransposedProducts(g.Span, g.Stride, a1.Span, a1.Stride, dw1.Span, inner1, a2.Span, a2.Stride, dw2.Span, inner2, rows, outputs, sums.Span, otherSums.Span);
        MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, a1.Span, a1.Stride, expected1, rows, outputs, inner1);
        MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, a2.Span, a2.Stride, expected2, rows, outputs, inner2);
        MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, expectedSums, expectedOther, rows, outputs);

        Assert.Equal(Bits(expected1), Bits(dw1.Span));
        Assert.Equal(Bits(expected2), Bits(dw2.Span));
        Assert.Equal(Bits(expectedSums), Bits(sums.Span));
        Assert.Equal(Bits(expectedOther), Bits(otherSums.Span));

        // one vector only: the same sums, and the weights added to once more
        MatrixKernels.AccumulateTransposedProducts(g.Span, g.Stride, a1.Span, a1.Stride, dw1.Span, inner1, a2.Span, a2.Stride, dw2.Span, inner2, rows, outputs, onlySums.Span);
        MatrixKernels.AccumulateColumnSums(g.Span, g.Stride, expectedOnly, rows, outputs);
        Assert.Equal(Bits(expectedOnly), Bits(onlySums.Span));
        sums.AssertGapsUntouched(context);
        otherSums.AssertGapsUntouched(context);
        onlySums.AssertGapsUntouched(context);
        dw1.AssertGapsUntouched(context);
        dw2.AssertGapsUntouched(context);
    }

    [Fact]
    public void Column_sums_are_the_same_bits_on_two_kernel_threads()
    {
        var random = new Random(5);
        var g = new StridedMatrix(1792, 384, 384, random);
        var a1 = new StridedMatrix(1792, 128, 128, random);
        var a2 = new StridedMatrix(1792, 28, 28, random);
        var one = (Sums: new float[384], Other: new float[384], Single: new float[384]);
        var two = (Sums: new float[384], Other: new float[384], Single: new float[384]);
        Run(one);
        int previous = Parallelism.Threads;
        Parallelism.Threads = Math.Min(2, Environment.ProcessorCount);
        try
        {
            Run(two);
        }
        finally
        {
            Parallelism.Threads = previous;
        }

        Assert.Equal(Bits(one.Sums), Bits(two.Sums));
        Assert.Equal(Bits(one.Other), Bits(two.Other));
        Assert.Equal(Bits(one.Single), Bits(two.Single));
        Assert.Equal(Bits(one.Sums), Bits(one.Single));

        void Run((float[] Sums, float[] Other, float[] Single) targets)
        {
            var dw1 = new float[384 * 128];
            var dw2 = new float[384 * 28];
            MatrixKernels.AccumulateTransposedProducts(g.Span, g.Stride, a1.Span, a1.Stride, dw1, 128, a2.Span, a2.Stride, dw2, 28, 1792, 384, targets.Sums, targets.Other);
            MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, a1.Span, a1.Stride, dw1, 1792, 384, 128, targets.Single);
        }
    }

    [Fact]
    public void Sums_that_overlap_a_weight_gradient_or_come_without_the_first_vector_are_rejected()
    {
        var g = new float[10 * 20];
        var a = new float[10 * 40];
        var dw = new float[20 * 40];
        var dw2 = new float[20 * 40];
        var sums = new float[20];

        var overlap = Assert.Throws<ArgumentException>(() => MatrixKernels.AccumulateTransposedProduct(g, 20, a, 40, dw, 10, 20, 40, dw.AsSpan(100, 20)));
        Assert.Contains("overlap", overlap.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => MatrixKernels.AccumulateTransposedProducts(g, 20, a, 40, dw, 40, a, 40, dw2, 40, 10, 20, sums, dw2.AsSpan(0, 20)));
        Assert.Throws<ArgumentException>(() => MatrixKernels.AccumulateTransposedProducts(g, 20, a, 40, dw, 40, a, 40, dw2, 40, 10, 20, sums, sums));
        var alone = Assert.Throws<ArgumentException>(() => MatrixKernels.AccumulateTransposedProducts(g, 20, a, 40, dw, 40, a, 40, dw2, 40, 10, 20, default, sums));
        Assert.Equal("otherColumnSums", alone.ParamName);
        var tooShort = Assert.Throws<ArgumentException>(() => MatrixKernels.AccumulateTransposedProduct(g, 20, a, 40, dw, 10, 20, 40, sums.AsSpan(0, 19)));
        Assert.Equal("columnSums", tooShort.ParamName);
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
}
