using System;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>Argument checks at the entry of every matrix kernel: they name the parameter, the expected and the actual value.</summary>
public class MatrixKernelsValidationTests
{
    // A 3×4 input with stride 5 needs (3 − 1)·5 + 4 = 14 elements.
    private const int Rows = 3;
    private const int Inner = 4;
    private const int Outputs = 2;
    private const int Stride = 5;
    private const int Needed = 14;

    [Fact]
    public void MultiplyTransposedAdd_rejects_short_spans()
    {
        var a = new float[Needed];
        var w = new float[Outputs * Inner];
        var c = new float[Rows * Outputs];

        AssertTooShort("a", Needed, () => MatrixKernels.MultiplyTransposedAdd(a.AsSpan(1), Stride, w, c, Outputs, Rows, Inner, Outputs));
        AssertTooShort("w", Outputs * Inner, () => MatrixKernels.MultiplyTransposedAdd(a, Stride, w.AsSpan(1), c, Outputs, Rows, Inner, Outputs));
        AssertTooShort("c", Rows * Outputs, () => MatrixKernels.MultiplyTransposedAdd(a, Stride, w, c.AsSpan(1), Outputs, Rows, Inner, Outputs));
        AssertOutOfRange("aStride", () => MatrixKernels.MultiplyTransposedAdd(a, Inner - 1, w, c, Outputs, Rows, Inner, Outputs));
        AssertOutOfRange("cStride", () => MatrixKernels.MultiplyTransposedAdd(a, Stride, w, c, Outputs - 1, Rows, Inner, Outputs));
        AssertOutOfRange("rows", () => MatrixKernels.MultiplyTransposedAdd(a, Stride, w, c, Outputs, -1, Inner, Outputs));
        AssertOutOfRange("inner", () => MatrixKernels.MultiplyTransposedAdd(a, Stride, w, c, Outputs, Rows, -1, Outputs));
        AssertOutOfRange("outputs", () => MatrixKernels.MultiplyTransposedAdd(a, Stride, w, c, Outputs, Rows, Inner, -1));
    }

    [Fact]
    public void MultiplyAdd_rejects_short_spans()
    {
        var g = new float[Rows * Outputs];
        var w = new float[Outputs * Inner];
        var d = new float[Needed];

        AssertTooShort("g", Rows * Outputs, () => MatrixKernels.MultiplyAdd(g.AsSpan(1), Outputs, w, d, Stride, Rows, Outputs, Inner));
        AssertTooShort("w", Outputs * Inner, () => MatrixKernels.MultiplyAdd(g, Outputs, w.AsSpan(1), d, Stride, Rows, Outputs, Inner));
        AssertTooShort("d", Needed, () => MatrixKernels.MultiplyAdd(g, Outputs, w, d.AsSpan(1), Stride, Rows, Outputs, Inner));
        AssertOutOfRange("gStride", () => MatrixKernels.MultiplyAdd(g, Outputs - 1, w, d, Stride, Rows, Outputs, Inner));
        AssertOutOfRange("dStride", () => MatrixKernels.MultiplyAdd(g, Outputs, w, d, Inner - 1, Rows, Outputs, Inner));
        AssertOutOfRange("rows", () => MatrixKernels.MultiplyAdd(g, Outputs, w, d, Stride, -1, Outputs, Inner));
    }

    [Fact]
    public void AccumulateTransposedProduct_rejects_short_spans()
    {
        var g = new float[Rows * Outputs];
        var a = new float[Needed];
        var dw = new float[Outputs * Inner];

        AssertTooShort("g", Rows * Outputs, () => MatrixKernels.AccumulateTransposedProduct(g.AsSpan(1), Outputs, a, Stride, dw, Rows, Outputs, Inner));
        AssertTooShort("a", Needed, () => MatrixKernels.AccumulateTransposedProduct(g, Outputs, a.AsSpan(1), Stride, dw, Rows, Outputs, Inner));
        AssertTooShort("dw", Outputs * Inner, () => MatrixKernels.AccumulateTransposedProduct(g, Outputs, a, Stride, dw.AsSpan(1), Rows, Outputs, Inner));
        AssertOutOfRange("aStride", () => MatrixKernels.AccumulateTransposedProduct(g, Outputs, a, Inner - 1, dw, Rows, Outputs, Inner));
        AssertOutOfRange("outputs", () => MatrixKernels.AccumulateTransposedProduct(g, Outputs, a, Stride, dw, Rows, -1, Inner));
    }

    [Fact]
    public void AccumulateTransposedProducts_reject_short_spans()
    {
        var g = new float[Rows * Outputs];
        var a = new float[Needed];
        var dw = new float[Outputs * Inner];
        var dw2 = new float[Outputs * Inner];

        AssertTooShort("g", Rows * Outputs, () => MatrixKernels.AccumulateTransposedProducts(g.AsSpan(1), Outputs, a, Stride, dw, Inner, a, Stride, dw2, Inner, Rows, Outputs));
        AssertTooShort("a1", Needed, () => MatrixKernels.AccumulateTransposedProducts(g, Outputs, a.AsSpan(1), Stride, dw, Inner, a, Stride, dw2, Inner, Rows, Outputs));
        AssertTooShort("dw1", Outputs * Inner, () => MatrixKernels.AccumulateTransposedProducts(g, Outputs, a, Stride, dw.AsSpan(1), Inner, a, Stride, dw2, Inner, Rows, Outputs));
        AssertTooShort("a2", Needed, () => MatrixKernels.AccumulateTransposedProducts(g, Outputs, a, Stride, dw, Inner, a.AsSpan(1), Stride, dw2, Inner, Rows, Outputs));
        AssertTooShort("dw2", Outputs * Inner, () => MatrixKernels.AccumulateTransposedProducts(g, Outputs, a, Stride, dw, Inner, a, Stride, dw.AsSpan(1), Inner, Rows, Outputs));
        AssertOutOfRange("a2Stride", () => MatrixKernels.AccumulateTransposedProducts(g, Outputs, a, Stride, dw, Inner, a, Inner - 1, dw2, Inner, Rows, Outputs));
        AssertOutOfRange("inner2", () => MatrixKernels.AccumulateTransposedProducts(g, Outputs, a, Stride, dw, Inner, a, Stride, dw2, -1, Rows, Outputs));
        AssertOutOfRange("rows", () => MatrixKernels.AccumulateTransposedProducts(g, Outputs, a, Stride, dw, Inner, a, Stride, dw2, Inner, -1, Outputs));

        // overlapping targets would get other sums than two calls give them
        var both = new float[(2 * Outputs * Inner) - 1];
        ArgumentException overlap = Assert.Throws<ArgumentException>(() => MatrixKernels.AccumulateTransposedProducts(
            g, Outputs, a, Stride, both.AsSpan(0, Outputs * Inner), Inner, a, Stride, both.AsSpan((Outputs * Inner) - 1), Inner, Rows, Outputs));
        Assert.Equal("dw2", overlap.ParamName);
        Assert.Contains("overlap", overlap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Row_and_column_helpers_reject_short_spans()
    {
        var matrix = new float[Needed];
        var vector = new float[Inner];

        AssertTooShort("c", Needed, () => MatrixKernels.AddRowVector(matrix.AsSpan(1), Stride, vector, Rows, Inner));
        AssertTooShort("bias", Inner, () => MatrixKernels.AddRowVector(matrix, Stride, vector.AsSpan(1), Rows, Inner));
        AssertOutOfRange("cStride", () => MatrixKernels.AddRowVector(matrix, Inner - 1, vector, Rows, Inner));
        AssertTooShort("g", Needed, () => MatrixKernels.AccumulateColumnSums(matrix.AsSpan(1), Stride, vector, Rows, Inner));
        AssertTooShort("sums", Inner, () => MatrixKernels.AccumulateColumnSums(matrix, Stride, vector.AsSpan(1), Rows, Inner));
        AssertOutOfRange("width", () => MatrixKernels.AccumulateColumnSums(matrix, Stride, vector, Rows, -1));
        AssertTooShort("otherSums", Inner, () => MatrixKernels.AccumulateColumnSums(matrix, Stride, vector, new float[Inner].AsSpan(1), Rows, Inner));
        AssertTooShort("c", Needed, () => MatrixKernels.FillRows(matrix.AsSpan(1), Stride, vector, Rows, Inner));
        AssertTooShort("row", Inner, () => MatrixKernels.FillRows(matrix, Stride, vector.AsSpan(1), Rows, Inner));
        AssertOutOfRange("cStride", () => MatrixKernels.FillRows(matrix, Inner - 1, vector, Rows, Inner));
        AssertTooShort("source", Needed, () => MatrixKernels.CopyRows(matrix.AsSpan(1), Stride, new float[Needed], Stride, Rows, Inner));
        AssertTooShort("destination", Needed, () => MatrixKernels.CopyRows(matrix, Stride, new float[Needed - 1], Stride, Rows, Inner));
        AssertOutOfRange("destinationStride", () => MatrixKernels.CopyRows(matrix, Stride, new float[Needed], Inner - 1, Rows, Inner));
    }

    [Fact]
    public void Vector_helpers_reject_different_lengths()
    {
        var x = new float[5];
        var y = new float[4];

        AssertTooShort("y", 5, () => MatrixKernels.Dot(x, y));
        AssertTooShort("y", 5, () => MatrixKernels.Axpy(1f, x, y));
    }

    private static void AssertTooShort(string parameter, int expected, Action call)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(call);
        Assert.Equal(parameter, exception.ParamName);
        Assert.Contains(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), exception.Message, StringComparison.Ordinal);
        Assert.Contains((expected - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), exception.Message, StringComparison.Ordinal);
    }

    private static void AssertOutOfRange(string parameter, Action call)
    {
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Equal(parameter, exception.ParamName);
    }
}
