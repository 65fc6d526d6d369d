using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

// The row and vector helpers of the generated code: a bias added to or written into every row, column sums (bias
// gradients), copies of row blocks, dot and axpy. Conventions as in MatrixKernels.cs.
public static partial class MatrixKernels
{
    /// <summary>Adds a row vector to every row: c[r·cStride + j] += bias[j].</summary>
    /// <param name="c">Matrix [rows, width] with row stride <paramref name="cStride"/>; added to.</param>
    /// <param name="cStride">Row stride of <paramref name="c"/> in elements; at least <paramref name="width"/>.</param>
    /// <param name="bias">Row vector of at least <paramref name="width"/> elements.</param>
    /// <param name="rows">Number of rows of <paramref name="c"/>.</param>
    /// <param name="width">Number of columns.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void AddRowVector(Span<float> c, int cStride, ReadOnlySpan<float> bias, int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        CheckMatrix(c.Length, rows, width, cStride, nameof(c), nameof(cStride));
        CheckMatrix(bias.Length, 1, width, width, nameof(bias), nameof(width));
        ref float cRef = ref MemoryMarshal.GetReference(c);
        ref float biasRef = ref MemoryMarshal.GetReference(bias);
        for (int r = 0; r < rows; r++)
        {
            AddScaled(1f, ref biasRef, ref Unsafe.Add(ref cRef, (nuint)r * (nuint)cStride), (nuint)width);
        }
    }

    /// <summary>Adds the column sums of a matrix to a vector: sums[j] += Σ_r g[r·gStride + j] (bias gradient).</summary>
    /// <param name="g">Matrix [rows, width] with row stride <paramref name="gStride"/>.</param>
    /// <param name="gStride">Row stride of <paramref name="g"/> in elements; at least <paramref name="width"/>.</param>
    /// <param name="sums">Vector of at least <paramref name="width"/> elements; added to.</param>
    /// <param name="rows">Number of rows of <paramref name="g"/>.</param>
    /// <param name="width">Number of columns.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void AccumulateColumnSums(ReadOnlySpan<float> g, int gStride, Span<float> sums, int rows, int width) =>
        AccumulateColumnSums(g, gStride, sums, default, rows, width);

    /// <summary>
    /// Adds the column sums of a matrix to two vectors at once (an LSTM's or a plain RNN's b_ih and b_hh have the same
    /// gradient): each sum is computed once, then added to <paramref name="sums"/> and to <paramref name="otherSums"/>
    /// exactly as two calls of the one-vector overload would add it.
    /// </summary>
    /// <param name="g">Matrix [rows, width] with row stride <paramref name="gStride"/>.</param>
    /// <param name="gStride">Row stride of <paramref name="g"/> in elements; at least <paramref name="width"/>.</param>
    /// <param name="sums">Vector of at least <paramref name="width"/> elements; added to.</param>
    /// <param name="otherSums">A second such vector, or empty for none; added to.</param>
    /// <param name="rows">Number of rows of <paramref name="g"/>.</param>
    /// <param name="width">Number of columns.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void AccumulateColumnSums(ReadOnlySpan<float> g, int gStride, Span<float> sums, Span<float> otherSums, int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        CheckMatrix(g.Length, rows, width, gStride, nameof(g), nameof(gStride));
        CheckMatrix(sums.Length, 1, width, width, nameof(sums), nameof(width));
        bool both = !otherSums.IsEmpty;
        if (both)
        {
            CheckMatrix(otherSums.Length, 1, width, width, nameof(otherSums), nameof(width));
        }

        if (rows == 0 || width == 0)
        {
            return; // nothing to add (and −0 stays −0)
        }

        int parts = (long)rows * width >= ParallelElements ? Math.Min(KernelWorkers.AvailableThreads, width / ColumnBlock) : 1;
        if (parts > 1)
        {
            ColumnSumsJob.Run(g, gStride, sums, otherSums, rows, width, both, parts);
            return;
        }

        // Without a second vector the first stands in for it, and is not added to twice.
        ref float sumsRef = ref MemoryMarshal.GetReference(sums);
        SumColumns(ref MemoryMarshal.GetReference(g), ref sumsRef, ref both ? ref MemoryMarshal.GetReference(otherSums) : ref sumsRef, rows, (nuint)gStride, (nuint)width, both);
    }

    /// <summary>The column sums of <paramref name="width"/> columns from <paramref name="gRef"/>, added to the targets.</summary>
    private static void SumColumns(ref float gRef, ref float sumsRef, ref float otherRef, int rows, nuint gStride, nuint width, bool both)
    {
        var shape = new ColumnSumShape(rows, gStride, width, both);
        if (Vector512.IsHardwareAccelerated && width >= (nuint)Vector512<float>.Count)
        {
            MatrixLoops.AccumulateColumnSums<Simd512, Vector512<float>>(ref gRef, ref sumsRef, ref otherRef, shape);
        }
        else if (Vector256.IsHardwareAccelerated && width >= (nuint)Vector256<float>.Count)
        {
            MatrixLoops.AccumulateColumnSums<Simd256, Vector256<float>>(ref gRef, ref sumsRef, ref otherRef, shape);
        }
        else if (Vector128.IsHardwareAccelerated && width >= (nuint)Vector128<float>.Count)
        {
            MatrixLoops.AccumulateColumnSums<Simd128, Vector128<float>>(ref gRef, ref sumsRef, ref otherRef, shape);
        }
        else
        {
            ScalarLoops.AccumulateColumnSums(ref gRef, ref sumsRef, ref otherRef, shape);
        }
    }

    /// <summary>
    /// Sets every row of a matrix to a row vector: c[r·cStride + j] = row[j]. A bias written this way before a product
    /// adds into it gives the bits of clearing, adding the product, then adding the bias (x + b = b + x), one pass
    /// over the matrix instead of two.
    /// </summary>
    /// <param name="c">Matrix [rows, width] with row stride <paramref name="cStride"/>; overwritten.</param>
    /// <param name="cStride">Row stride of <paramref name="c"/> in elements; at least <paramref name="width"/>.</param>
    /// <param name="row">Row vector of at least <paramref name="width"/> elements.</param>
    /// <param name="rows">Number of rows of <paramref name="c"/>.</param>
    /// <param name="width">Number of columns.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void FillRows(Span<float> c, int cStride, ReadOnlySpan<float> row, int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        CheckMatrix(c.Length, rows, width, cStride, nameof(c), nameof(cStride));
        CheckMatrix(row.Length, 1, width, width, nameof(row), nameof(width));
        int parts = (long)rows * width >= ParallelElements ? Math.Min(KernelWorkers.AvailableThreads, rows) : 1;
        if (parts > 1)
        {
            FillRowsJob.Run(c, cStride, row, rows, width, parts);
            return;
        }

        FillRows(ref MemoryMarshal.GetReference(c), (nuint)cStride, ref MemoryMarshal.GetReference(row), 0, rows, width);
    }

    private static void FillRows(ref float c, nuint cStride, ref float row, int first, int end, int width)
    {
        ReadOnlySpan<float> values = MemoryMarshal.CreateReadOnlySpan(ref row, width);
        for (int r = first; r < end; r++)
        {
            values.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref c, (nuint)r * cStride), width));
        }
    }

    /// <summary>Copies a [rows, width] block between strided matrices; the gaps of the destination are left alone.</summary>
    /// <param name="source">Source matrix with row stride <paramref name="sourceStride"/>.</param>
    /// <param name="sourceStride">Row stride of <paramref name="source"/> in elements; at least <paramref name="width"/>.</param>
    /// <param name="destination">Destination matrix with row stride <paramref name="destinationStride"/>.</param>
    /// <param name="destinationStride">Row stride of <paramref name="destination"/> in elements; at least <paramref name="width"/>.</param>
    /// <param name="rows">Number of rows.</param>
    /// <param name="width">Number of columns.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void CopyRows(
        ReadOnlySpan<float> source, int sourceStride, Span<float> destination, int destinationStride, int rows, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        CheckMatrix(source.Length, rows, width, sourceStride, nameof(source), nameof(sourceStride));
        CheckMatrix(destination.Length, rows, width, destinationStride, nameof(destination), nameof(destinationStride));
        if (width == 0)
        {
            return;
        }

        for (int r = 0; r < rows; r++)
        {
            source.Slice(r * sourceStride, width).CopyTo(destination.Slice(r * destinationStride, width));
        }
    }

    /// <summary>Dot product Σ_i x[i] · y[i] of two vectors of equal length.</summary>
    /// <param name="x">First vector.</param>
    /// <param name="y">Second vector, as long as <paramref name="x"/>.</param>
    /// <returns>The dot product; 0 for empty vectors.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        CheckSameLength(x.Length, y.Length, nameof(y));
        ref float xRef = ref MemoryMarshal.GetReference(x);
        ref float yRef = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length;
        if (Vector512.IsHardwareAccelerated && x.Length >= Vector512<float>.Count)
        {
            return MatrixLoops.Dot<Simd512, Vector512<float>>(ref xRef, ref yRef, n);
        }

        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<float>.Count)
        {
            return MatrixLoops.Dot<Simd256, Vector256<float>>(ref xRef, ref yRef, n);
        }

        if (Vector128.IsHardwareAccelerated && x.Length >= Vector128<float>.Count)
        {
            return MatrixLoops.Dot<Simd128, Vector128<float>>(ref xRef, ref yRef, n);
        }

        return ScalarLoops.Dot(ref xRef, ref yRef, n);
    }

    /// <summary>Scaled vector addition y[i] += alpha · x[i] for vectors of equal length.</summary>
    /// <param name="alpha">Scale applied to <paramref name="x"/>.</param>
    /// <param name="x">Vector added.</param>
    /// <param name="y">Vector added to, as long as <paramref name="x"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static void Axpy(float alpha, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSameLength(x.Length, y.Length, nameof(y));
        AddScaled(alpha, ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y), (nuint)x.Length);
    }

    // y[0..n) += alpha · x[0..n); with alpha = 1 this is an exact-rounded add.
    private static void AddScaled(float alpha, ref float x, ref float y, nuint n)
    {
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            MatrixLoops.AddScaled<Simd512, Vector512<float>>(alpha, ref x, ref y, n);
        }
        else if (Vector256.IsHardwareAccelerated && n >= (nuint)Vector256<float>.Count)
        {
            MatrixLoops.AddScaled<Simd256, Vector256<float>>(alpha, ref x, ref y, n);
        }
        else if (Vector128.IsHardwareAccelerated && n >= (nuint)Vector128<float>.Count)
        {
            MatrixLoops.AddScaled<Simd128, Vector128<float>>(alpha, ref x, ref y, n);
        }
        else
        {
            ScalarLoops.AddScaled(alpha, ref x, ref y, n);
        }
    }

    /// <summary>Elements from which the column sums and row fills are split between the kernel threads.</summary>
    private const long ParallelElements = 1 << 16;

    /// <summary>Columns of the sums kept together on one thread: the register block of the Vector256 loop.</summary>
    private const int ColumnBlock = 32;

    /// <summary>
    /// Column sums split between the kernel threads by blocks of columns. A column's sum is the same chain of additions
    /// down the rows whichever thread and loop computes it, so the split changes no bit.
    /// </summary>
    private sealed unsafe class ColumnSumsJob : KernelWorkers.IPartitionedJob
    {
        [ThreadStatic]
        private static ColumnSumsJob? t_job;

        private float* _g;
        private float* _sums;
        private float* _otherSums;
        private nuint _gStride;
        private int _rows;
        private int _width;
        private bool _both;

        public static void Run(ReadOnlySpan<float> g, int gStride, Span<float> sums, Span<float> otherSums, int rows, int width, bool both, int parts)
        {
            fixed (float* gPointer = g, sumsPointer = sums, otherPointer = otherSums)
            {
                var job = t_job ??= new ColumnSumsJob();
                job._g = gPointer;
                job._sums = sumsPointer;
                job._otherSums = both ? otherPointer : sumsPointer;
                (job._gStride, job._rows, job._width, job._both) = ((nuint)gStride, rows, width, both);
                KernelWorkers.Run(job, parts);
            }
        }

        public void RunPart(int part, int parts)
        {
            int first = Bound(part, parts);
            SumColumns(ref _g[first], ref _sums[first], ref _otherSums[first], _rows, _gStride, (nuint)(Bound(part + 1, parts) - first), _both);
        }

        // In long: width × part passes int.MaxValue for widths above 2^31 / threads.
        private int Bound(int part, int parts) => part == parts ? _width : (int)((long)_width * part / parts) / ColumnBlock * ColumnBlock;
    }

    /// <summary>Row fills split between the kernel threads by blocks of rows.</summary>
    private sealed unsafe class FillRowsJob : KernelWorkers.IPartitionedJob
    {
        [ThreadStatic]
        private static FillRowsJob? t_job;

        private float* _c;
        private float* _row;
        private nuint _cStride;
        private int _rows;
        private int _width;

        public static void Run(Span<float> c, int cStride, ReadOnlySpan<float> row, int rows, int width, int parts)
        {
            fixed (float* cPointer = c, rowPointer = row)
            {
                var job = t_job ??= new FillRowsJob();
                job._c = cPointer;
                job._row = rowPointer;
                (job._cStride, job._rows, job._width) = ((nuint)cStride, rows, width);
                KernelWorkers.Run(job, parts);
            }
        }

        public void RunPart(int part, int parts) =>
            FillRows(ref *_c, _cStride, ref *_row, (int)((long)_rows * part / parts), (int)((long)_rows * (part + 1) / parts), _width);
    }
}
