// Matrix kernels called by generated forward and backward code.
//
// Layout conventions
// ------------------
// * Every matrix is row-major float32. A matrix argument is a span plus a row
//   stride in elements: element (r, j) lives at span[r·stride + j]. The stride
//   may exceed the width, so a kernel can read or write a column slice of a
//   wider buffer (for example the forward half of a [T·B, 2H] bidirectional
//   output, stride 2H, width H). Elements in the gaps between rows are never
//   read or written.
// * A span only has to reach the last element used: (rows − 1)·stride + width
//   elements when rows > 0 and width > 0; longer spans are fine.
// * Weights are in PyTorch layout W[outputs, inner], contiguous (row stride =
//   inner), so y = x·Wᵀ reads both x and W along rows.
// * Kernels accumulate (+=) into their output; clear it first for a plain
//   product. Outputs must not overlap inputs.
// * Every public method validates its arguments once, then runs loops without
//   bounds checks. The loops are written once, generic over a SIMD width
//   (ISimd, SimdWidths.cs), and dispatched from the widest accelerated width that fits
//   the vectorized dimension down to a scalar path (combinations of rows narrower than
//   eight floats vectorize across the target rows instead). The last partial vector of
//   a row is handled by re-reading the row's final full vector and masking the
//   lanes already done, so no load or store leaves the row.
// * Large products, column sums and row fills are split between the kernel
//   threads (Parallelism.Threads) by rows or columns, each value computed as on
//   one thread: results do not depend on the thread count, bit for bit.
// * Summation order differs from the naive loop (vector lanes, several
//   accumulators, fused multiply-add where the hardware has it); results agree
//   with an exact sum to within float rounding.
using System;
using System.ComponentModel;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Kernels;

/// <summary>
/// Strided, row-major float32 matrix kernels used by generated model code: the forward product
/// x·Wᵀ, the input gradient g·W, the weight gradient gᵀ·x, bias and copy helpers.
/// </summary>
/// <remarks>
/// Matrices are spans with an explicit row stride in elements; weights are PyTorch-layout
/// [outputs, inner] and contiguous. Every kernel adds into its output and never allocates.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MatrixKernels
{
    // PackWeightsForThisThread's buffer, from a 64-byte line
    [ThreadStatic]
    private static float[]? t_packedWeights;

    [ThreadStatic]
    private static int t_packedWeightsStart;

    /// <summary>
    /// Forward product with a transposed weight: c[r·cStride + o] += Σ_k a[r·aStride + k] · w[o·inner + k].
    /// </summary>
    /// <param name="a">Input matrix [rows, inner] with row stride <paramref name="aStride"/>.</param>
    /// <param name="aStride">Row stride of <paramref name="a"/> in elements; at least <paramref name="inner"/>.</param>
    /// <param name="w">Weight matrix [outputs, inner], contiguous (PyTorch layout).</param>
    /// <param name="c">Output matrix [rows, outputs] with row stride <paramref name="cStride"/>; added to.</param>
    /// <param name="cStride">Row stride of <paramref name="c"/> in elements; at least <paramref name="outputs"/>.</param>
    /// <param name="rows">Number of rows of <paramref name="a"/> and <paramref name="c"/>.</param>
    /// <param name="inner">Length of each dot product.</param>
    /// <param name="outputs">Number of weight rows, the width of <paramref name="c"/>.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void MultiplyTransposedAdd(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> w, Span<float> c, int cStride, int rows, int inner, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        CheckMatrix(a.Length, rows, inner, aStride, nameof(a), nameof(aStride));
        CheckMatrix(w.Length, outputs, inner, inner, nameof(w), nameof(inner));
        CheckMatrix(c.Length, rows, outputs, cStride, nameof(c), nameof(cStride));
        if (rows == 0 || outputs == 0 || inner == 0)
        {
            return;
        }

        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float wRef = ref MemoryMarshal.GetReference(w);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        if (UsePackedGemm(rows, outputs))
        {
            // Many rows (a batch, or every time step): the weight read as [inner, outputs] by packed tiles.
            PackedGemm.MultiplyAdd(ref cRef, (nuint)cStride, ref aRef, (nuint)aStride, 1, ref wRef, 1, (nuint)inner, rows, outputs, inner);
        }
        else if (Vector512.IsHardwareAccelerated && inner >= Vector512<float>.Count)
        {
            MatrixLoops.MultiplyTransposedAdd<Simd512, Vector512<float>>(ref aRef, (nuint)aStride, ref wRef, ref cRef, (nuint)cStride, rows, (nuint)inner, outputs);
        }
        else if (Vector256.IsHardwareAccelerated && inner >= Vector256<float>.Count)
        {
            MatrixLoops.MultiplyTransposedAdd<Simd256, Vector256<float>>(ref aRef, (nuint)aStride, ref wRef, ref cRef, (nuint)cStride, rows, (nuint)inner, outputs);
        }
        else if (Vector128.IsHardwareAccelerated && inner >= Vector128<float>.Count)
        {
            MatrixLoops.MultiplyTransposedAdd<Simd128, Vector128<float>>(ref aRef, (nuint)aStride, ref wRef, ref cRef, (nuint)cStride, rows, (nuint)inner, outputs);
        }
        else
        {
            ScalarLoops.MultiplyTransposedAdd(ref aRef, (nuint)aStride, ref wRef, ref cRef, (nuint)cStride, rows, (nuint)inner, outputs);
        }
    }

    /// <summary>
    /// Input gradient through a weight: d[r·dStride + k] += Σ_o g[r·gStride + o] · w[o·inner + k].
    /// </summary>
    /// <param name="g">Output gradient [rows, outputs] with row stride <paramref name="gStride"/>.</param>
    /// <param name="gStride">Row stride of <paramref name="g"/> in elements; at least <paramref name="outputs"/>.</param>
    /// <param name="w">Weight matrix [outputs, inner], contiguous (PyTorch layout).</param>
    /// <param name="d">Input gradient [rows, inner] with row stride <paramref name="dStride"/>; added to.</param>
    /// <param name="dStride">Row stride of <paramref name="d"/> in elements; at least <paramref name="inner"/>.</param>
    /// <param name="rows">Number of rows of <paramref name="g"/> and <paramref name="d"/>.</param>
    /// <param name="outputs">Number of weight rows, the width of <paramref name="g"/>.</param>
    /// <param name="inner">Width of the weight and of <paramref name="d"/>.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void MultiplyAdd(
        ReadOnlySpan<float> g, int gStride, ReadOnlySpan<float> w, Span<float> d, int dStride, int rows, int outputs, int inner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        CheckMatrix(g.Length, rows, outputs, gStride, nameof(g), nameof(gStride));
        CheckMatrix(w.Length, outputs, inner, inner, nameof(w), nameof(inner));
        CheckMatrix(d.Length, rows, inner, dStride, nameof(d), nameof(dStride));
        if (rows == 0 || outputs == 0 || inner == 0)
        {
            return;
        }

        // Row r of d is a combination of the rows of w with coefficients g[r, ·].
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float wRef = ref MemoryMarshal.GetReference(w);
        ref float dRef = ref MemoryMarshal.GetReference(d);
        var shape = new CombinationShape(
            Count: rows, TargetStride: (nuint)dStride, CoefficientCountStride: (nuint)gStride, CoefficientTermStride: 1,
            Terms: outputs, TermStride: (nuint)inner, Width: (nuint)inner);
        if (UsePackedGemm(rows, inner))
        {
            PackedGemm.MultiplyAdd(ref dRef, (nuint)dStride, ref gRef, (nuint)gStride, 1, ref wRef, (nuint)inner, 1, rows, inner, outputs);
        }
        else
        {
            Combinations.Accumulate(ref dRef, ref gRef, ref wRef, shape);
        }
    }

    /// <summary>Floats a buffer needs to hold a weight [<paramref name="outputs"/>, <paramref name="inner"/>] packed by <see cref="PackWeights"/>, either way.</summary>
    public static int PackedWeightsLength(int outputs, int inner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        return checked((int)Math.Max(PackedGemm.PackedLength(inner, outputs), PackedGemm.PackedLength(outputs, inner)));
    }

    /// <summary>
    /// Packs a weight w [outputs, inner] (PyTorch layout) into the tiles <see cref="MultiplyAddPrepacked"/> streams:
    /// as wᵀ [inner, outputs] for products x·wᵀ (<paramref name="transposed"/>), else as w for products g·w. A time
    /// loop packs its recurrent weight once and multiplies by it at every step.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative or a span is too short.</exception>
    public static void PackWeights(ReadOnlySpan<float> w, int outputs, int inner, bool transposed, Span<float> packed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        CheckMatrix(w.Length, outputs, inner, inner, nameof(w), nameof(inner));
        (int depth, int columns) = transposed ? (inner, outputs) : (outputs, inner);
        CheckPacked(packed, depth, columns);

        ref float wRef = ref MemoryMarshal.GetReference(w);
        if (transposed)
        {
            PackedGemm.PackB(ref wRef, 1, (nuint)inner, depth, columns, packed);
        }
        else
        {
            PackedGemm.PackB(ref wRef, (nuint)inner, 1, depth, columns, packed);
        }
    }

    /// <summary>
    /// <see cref="PackWeights"/> into a buffer of the calling thread's own, reused by its next call (made or grown on
    /// the way; no allocation once the thread has seen its largest weight). A time loop split between threads
    /// (<see cref="BatchRows"/>) packs its recurrent weight this way in each part: a copy that one core writes and the
    /// other reads at every step passes between their caches, which cost a batch-8 LSTM(28→128) forward on two threads
    /// 45-50 µs for a 6 µs packing.
    /// </summary>
    /// <returns>The packed weight, valid until this thread's next call.</returns>
    /// <exception cref="ArgumentException">A size is negative or <paramref name="w"/> is too short.</exception>
    public static ReadOnlySpan<float> PackWeightsForThisThread(ReadOnlySpan<float> w, int outputs, int inner, bool transposed)
    {
        Span<float> packed = AlignedFloats.Reuse(ref t_packedWeights, ref t_packedWeightsStart, PackedWeightsLength(outputs, inner));
        PackWeights(w, outputs, inner, transposed, packed);
        return packed;
    }

    /// <summary>
    /// c[r·cStride + j] += Σ_k a[r·aStride + k] · B[k, j] with B [depth, columns] packed by <see cref="PackWeights"/>, on
    /// the register-blocked kernel whatever the number of rows, so each row of <paramref name="c"/> is computed the
    /// same way however many rows the call has. The per-step products of a batch use it (where
    /// <see cref="PrefersPackedWeights"/>): sequences that end early and the split of a batch between threads
    /// (<see cref="BatchRows"/>) then change no result, bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void MultiplyAddPrepacked(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> packed, Span<float> c, int cStride, int rows, int depth, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        CheckMatrix(a.Length, rows, depth, aStride, nameof(a), nameof(aStride));
        CheckMatrix(c.Length, rows, columns, cStride, nameof(c), nameof(cStride));
        CheckPacked(packed, depth, columns);

        if (rows == 0 || depth == 0 || columns == 0)
        {
            return;
        }

        PackedGemm.MultiplyAddPrepacked(
            ref MemoryMarshal.GetReference(c), (nuint)cStride, ref MemoryMarshal.GetReference(a), (nuint)aStride, 1,
            ref MemoryMarshal.GetReference(packed), rows, columns, depth);
    }

    /// <summary>
    /// Weight gradient: dw[o·inner + k] += Σ_r g[r·gStride + o] · a[r·aStride + k].
    /// </summary>
    /// <param name="g">Output gradient [rows, outputs] with row stride <paramref name="gStride"/>.</param>
    /// <param name="gStride">Row stride of <paramref name="g"/> in elements; at least <paramref name="outputs"/>.</param>
    /// <param name="a">Layer input [rows, inner] with row stride <paramref name="aStride"/>.</param>
    /// <param name="aStride">Row stride of <paramref name="a"/> in elements; at least <paramref name="inner"/>.</param>
    /// <param name="dw">Weight gradient [outputs, inner], contiguous (PyTorch layout); added to.</param>
    /// <param name="rows">Number of rows of <paramref name="g"/> and <paramref name="a"/> (summed over).</param>
    /// <param name="outputs">Number of weight rows.</param>
    /// <param name="inner">Width of <paramref name="a"/> and of the weight.</param>
    /// <param name="columnSums">
    /// Empty, or a vector of at least <paramref name="outputs"/> elements that also receives the column sums of
    /// <paramref name="g"/> (the bias gradient), exactly as <see cref="AccumulateColumnSums(ReadOnlySpan{float}, int, Span{float}, int, int)"/>
    /// adds them; the product reads every element of g anyway, and sums them on the way. It must not overlap
    /// <paramref name="dw"/>.
    /// </param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, a span is too short, or the targets overlap.</exception>
    public static void AccumulateTransposedProduct(
        ReadOnlySpan<float> g, int gStride, ReadOnlySpan<float> a, int aStride, Span<float> dw, int rows, int outputs, int inner,
        Span<float> columnSums = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        CheckMatrix(g.Length, rows, outputs, gStride, nameof(g), nameof(gStride));
        CheckMatrix(a.Length, rows, inner, aStride, nameof(a), nameof(aStride));
        CheckMatrix(dw.Length, outputs, inner, inner, nameof(dw), nameof(inner));
        CheckColumnSums(columnSums, default, outputs, dw, default);
        if (rows == 0 || outputs == 0 || inner == 0)
        {
            AccumulateColumnSumsIfAny(g, gStride, columnSums, default, rows, outputs);
            return;
        }

        // Row o of dw is a combination of the rows of a with coefficients g[·, o].
        ref float gRef = ref MemoryMarshal.GetReference(g);
        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float dwRef = ref MemoryMarshal.GetReference(dw);
        var shape = new CombinationShape(
            Count: outputs, TargetStride: (nuint)inner, CoefficientCountStride: 1, CoefficientTermStride: (nuint)gStride,
            Terms: rows, TermStride: (nuint)aStride, Width: (nuint)inner);
        if (UsePackedGemm(outputs, inner))
        {
            // dw = gᵀ·a: g read transposed through its strides (and packed, its column sums taken on the way), summing
            // over the rows.
            var columns = new PackedGemm.Columns(ref dwRef, (nuint)inner, ref aRef, (nuint)aStride, 1, inner);
            ref float sumsRef = ref MemoryMarshal.GetReference(columnSums);
            PackedGemm.MultiplyAddTransposedA(columns, default, new PackedGemm.RowSums(ref sumsRef, ref sumsRef, columnSums.IsEmpty ? 0 : 1), ref gRef, 1, (nuint)gStride, outputs, rows);
            return;
        }

        Combinations.Accumulate(ref dwRef, ref gRef, ref aRef, shape);
        AccumulateColumnSumsIfAny(g, gStride, columnSums, default, rows, outputs);
    }

    /// <summary>
    /// Two weight gradients over the same output gradient, dw1 += gᵀ·a1 and dw2 += gᵀ·a2 (each as
    /// <see cref="AccumulateTransposedProduct"/>, with the same results bit for bit), with <paramref name="g"/> read
    /// once for both: a recurrent layer's dW_hh and dW_ih both multiply its gate gradients, read transposed.
    /// </summary>
    /// <param name="g">Output gradient [rows, outputs] with row stride <paramref name="gStride"/>.</param>
    /// <param name="gStride">Row stride of <paramref name="g"/> in elements; at least <paramref name="outputs"/>.</param>
    /// <param name="a1">First input [rows, inner1] with row stride <paramref name="a1Stride"/>.</param>
    /// <param name="a1Stride">Row stride of <paramref name="a1"/> in elements; at least <paramref name="inner1"/>.</param>
    /// <param name="dw1">First weight gradient [outputs, inner1], contiguous; added to.</param>
    /// <param name="inner1">Width of <paramref name="a1"/> and of the first weight.</param>
    /// <param name="a2">Second input [rows, inner2] with row stride <paramref name="a2Stride"/>.</param>
    /// <param name="a2Stride">Row stride of <paramref name="a2"/> in elements; at least <paramref name="inner2"/>.</param>
    /// <param name="dw2">Second weight gradient [outputs, inner2], contiguous; added to. It must not overlap <paramref name="dw1"/>.</param>
    /// <param name="inner2">Width of <paramref name="a2"/> and of the second weight.</param>
    /// <param name="rows">Number of rows of <paramref name="g"/>, <paramref name="a1"/> and <paramref name="a2"/> (summed over).</param>
    /// <param name="outputs">Number of rows of both weights.</param>
    /// <param name="columnSums">
    /// Empty, or a vector of at least <paramref name="outputs"/> elements that also receives the column sums of
    /// <paramref name="g"/> (the bias gradient), taken while g is packed, exactly as
    /// <see cref="AccumulateColumnSums(ReadOnlySpan{float}, int, Span{float}, Span{float}, int, int)"/> adds them.
    /// </param>
    /// <param name="otherColumnSums">
    /// Empty, or a second such vector that receives the same sums (an LSTM's b_ih and b_hh have the same gradient);
    /// only with <paramref name="columnSums"/>. Neither may overlap a weight gradient.
    /// </param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, a span is too short, or the targets overlap.</exception>
    public static void AccumulateTransposedProducts(
        ReadOnlySpan<float> g, int gStride,
        ReadOnlySpan<float> a1, int a1Stride, Span<float> dw1, int inner1,
        ReadOnlySpan<float> a2, int a2Stride, Span<float> dw2, int inner2,
        int rows, int outputs,
        Span<float> columnSums = default, Span<float> otherColumnSums = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(inner1);
        ArgumentOutOfRangeException.ThrowIfNegative(inner2);
        CheckMatrix(g.Length, rows, outputs, gStride, nameof(g), nameof(gStride));
        CheckMatrix(a1.Length, rows, inner1, a1Stride, nameof(a1), nameof(a1Stride));
        CheckMatrix(dw1.Length, outputs, inner1, inner1, nameof(dw1), nameof(inner1));
        CheckMatrix(a2.Length, rows, inner2, a2Stride, nameof(a2), nameof(a2Stride));
        CheckMatrix(dw2.Length, outputs, inner2, inner2, nameof(dw2), nameof(inner2));
        if (dw1.Overlaps(dw2))
        {
            // the two products add to their targets block by block, interleaved: overlapping targets would not get the
            // sums two calls give them
            throw new ArgumentException("The two weight gradients overlap; they must be separate spans.", nameof(dw2));
        }

        CheckColumnSums(columnSums, otherColumnSums, outputs, dw1, dw2);
        if (rows == 0 || outputs == 0)
        {
            AccumulateColumnSumsIfAny(g, gStride, columnSums, otherColumnSums, rows, outputs);
            return;
        }

        if (!UsePackedGemm(outputs, inner1) || !UsePackedGemm(outputs, inner2) || !PackedGemm.FitOnePackedBlock(rows, inner1, inner2))
        {
            // too narrow for the packed kernel (that product takes its own loops), or too wide to pack both B blocks
            // where each alone would be: two products, nothing shared, and the sums apart
            AccumulateTransposedProduct(g, gStride, a1, a1Stride, dw1, rows, outputs, inner1);
            AccumulateTransposedProduct(g, gStride, a2, a2Stride, dw2, rows, outputs, inner2);
            AccumulateColumnSumsIfAny(g, gStride, columnSums, otherColumnSums, rows, outputs);
            return;
        }

        // dw = gᵀ·a for both, g read transposed through its strides: its panels are packed once for the two, and its
        // column sums taken while it is
        var first = new PackedGemm.Columns(ref MemoryMarshal.GetReference(dw1), (nuint)inner1, ref MemoryMarshal.GetReference(a1), (nuint)a1Stride, 1, inner1);
        var second = new PackedGemm.Columns(ref MemoryMarshal.GetReference(dw2), (nuint)inner2, ref MemoryMarshal.GetReference(a2), (nuint)a2Stride, 1, inner2);
        int targets = columnSums.IsEmpty ? 0 : otherColumnSums.IsEmpty ? 1 : 2;
        var sums = new PackedGemm.RowSums(ref MemoryMarshal.GetReference(columnSums), ref targets == 2 ? ref MemoryMarshal.GetReference(otherColumnSums) : ref MemoryMarshal.GetReference(columnSums), targets);
        PackedGemm.MultiplyAddTransposedA(first, second, sums, ref MemoryMarshal.GetReference(g), 1, (nuint)gStride, outputs, rows);
    }

    // The optional bias targets of the weight-gradient products: long enough, the second only with the first, and
    // apart from the weight gradients (which the product adds to block by block, before the sums).
    private static void CheckColumnSums(Span<float> columnSums, Span<float> otherColumnSums, int outputs, Span<float> dw1, Span<float> dw2)
    {
        if (columnSums.IsEmpty)
        {
            if (!otherColumnSums.IsEmpty)
            {
                throw new ArgumentException("A second vector of column sums needs the first.", nameof(otherColumnSums));
            }

            return;
        }

        CheckMatrix(columnSums.Length, 1, outputs, outputs, nameof(columnSums), "outputs");
        if (!otherColumnSums.IsEmpty)
        {
            CheckMatrix(otherColumnSums.Length, 1, outputs, outputs, nameof(otherColumnSums), "outputs");
        }

        if (columnSums.Overlaps(dw1) || columnSums.Overlaps(dw2) || otherColumnSums.Overlaps(dw1) || otherColumnSums.Overlaps(dw2) || columnSums.Overlaps(otherColumnSums))
        {
            throw new ArgumentException("The column sums overlap a weight gradient or each other; they must be separate spans.", nameof(columnSums));
        }
    }

    // The column sums for a product that does not take them while packing g (or has nothing to pack): none when no
    // target was given.
    private static void AccumulateColumnSumsIfAny(ReadOnlySpan<float> g, int gStride, Span<float> columnSums, Span<float> otherColumnSums, int rows, int outputs)
    {
        if (!columnSums.IsEmpty)
        {
            AccumulateColumnSums(g, gStride, columnSums, otherColumnSums, rows, outputs);
        }
    }

    private static void CheckPacked(ReadOnlySpan<float> packed, int depth, int columns)
    {
        long needed = PackedGemm.PackedLength(depth, columns);
        if (packed.Length < needed)
        {
            ThrowPackedTooShort(needed, packed.Length, nameof(packed));
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPackedTooShort(long needed, int length, string spanName) =>
        throw new ArgumentException($"The packed weights need {needed} floats; the span has {length}.", spanName);

    /// <summary>
    /// True when a time loop over a batch of <paramref name="rows"/> sequences should pack its recurrent weight once
    /// (<see cref="PackWeights"/>) and multiply with <see cref="MultiplyAddPrepacked"/> at every step: with Vector256
    /// and at least one register block of rows.
    /// </summary>
    public static bool PrefersPackedWeights(int rows) => Vector256.IsHardwareAccelerated && rows >= PackedGemm.PanelRows;

    /// <summary>
    /// Products with at least a register block of rows and a vector of columns go through the packed 6×16 kernel
    /// (Vector256, or 6×32 Vector512 over pairs of tiles); single rows (streaming, batch 1) and narrow shapes stay with the dot-product and combination loops.
    /// </summary>
    private static bool UsePackedGemm(int rows, int columns) =>
        Vector256.IsHardwareAccelerated && rows >= PackedGemm.PanelRows && columns >= Vector256<float>.Count;

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

        private int Bound(int part, int parts) => part == parts ? _width : _width * part / parts / ColumnBlock * ColumnBlock;
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
            FillRows(ref *_c, _cStride, ref *_row, _rows * part / parts, _rows * (part + 1) / parts, _width);
    }

    private static void CheckMatrix(int length, int rows, int width, int stride, string spanName, string strideName)
    {
        if (stride < width)
        {
            ThrowStrideBelowWidth(stride, width, strideName);
        }

        long required = rows == 0 || width == 0 ? 0 : ((long)(rows - 1) * stride) + width;
        if (length < required)
        {
            ThrowTooShort(length, required, rows, width, stride, spanName);
        }
    }

    // The throws live apart so the checks stay small enough to inline into every kernel call.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowStrideBelowWidth(int stride, int width, string strideName) =>
        throw new ArgumentOutOfRangeException(
            strideName, stride, string.Create(CultureInfo.InvariantCulture, $"{strideName} must be at least the row width {width}, but is {stride}."));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooShort(int length, long required, int rows, int width, int stride, string spanName) =>
        throw new ArgumentException(
            string.Create(CultureInfo.InvariantCulture, $"{spanName} must hold at least {required} elements ({rows} rows of width {width}, stride {stride}), but has {length}."),
            spanName);

    private static void CheckSameLength(int expected, int actual, string spanName)
    {
        if (actual != expected)
        {
            ThrowLength(expected, actual, spanName);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int expected, int actual, string spanName) =>
        throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{spanName} must have length {expected}, but has {actual}."), spanName);
}

/// <summary>
/// Shape of target[i·TargetStride + k] += Σ_j coefficients[i·CoefficientCountStride + j·CoefficientTermStride] · terms[j·TermStride + k]
/// for i &lt; Count, j &lt; Terms, k &lt; Width: each target row is a linear combination of term rows.
/// Both the input gradient g·W and the weight gradient gᵀ·a have this form.
/// </summary>
file readonly record struct CombinationShape(
    int Count, nuint TargetStride, nuint CoefficientCountStride, nuint CoefficientTermStride, int Terms, nuint TermStride, nuint Width);

/// <summary>The loops that compute a shape of combinations, by how its rows and coefficients lie.</summary>
file static class Combinations
{
    // Target rows += combinations of term rows, the products the packed kernel does not take. Rows narrower than a
    // 256-bit vector whose coefficients lie side by side (the weight gradient of a layer with a few inputs; an input
    // gradient through a single output) go across the targets, a vector holding one element of consecutive target
    // rows: along the rows, fewer than four elements went to scalar code, which took 43 % of an LSTM(3→64) training
    // step. Across and along, each element is the same chain of multiply-adds; the scalar loops (no SIMD, or fewer
    // targets than a 128-bit vector) do not fuse.
    public static void Accumulate(ref float target, ref float coefficients, ref float terms, in CombinationShape shape)
    {
        nuint width = shape.Width;
        bool across = shape.CoefficientCountStride == 1 && width < (nuint)Vector256<float>.Count;
        if (across && Vector512.IsHardwareAccelerated && shape.Count >= Vector512<float>.Count)
        {
            MatrixLoops.AccumulateCombinationsAcross<Simd512, Vector512<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (across && Vector256.IsHardwareAccelerated && shape.Count >= Vector256<float>.Count)
        {
            MatrixLoops.AccumulateCombinationsAcross<Simd256, Vector256<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (across && Vector128.IsHardwareAccelerated && shape.Count >= Vector128<float>.Count)
        {
            MatrixLoops.AccumulateCombinationsAcross<Simd128, Vector128<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (Vector512.IsHardwareAccelerated && width >= (nuint)Vector512<float>.Count)
        {
            MatrixLoops.AccumulateCombinations<Simd512, Vector512<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (Vector256.IsHardwareAccelerated && width >= (nuint)Vector256<float>.Count)
        {
            MatrixLoops.AccumulateCombinations<Simd256, Vector256<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else if (Vector128.IsHardwareAccelerated && width >= (nuint)Vector128<float>.Count)
        {
            MatrixLoops.AccumulateCombinations<Simd128, Vector128<float>>(ref target, ref coefficients, ref terms, shape);
        }
        else
        {
            ScalarLoops.AccumulateCombinations(ref target, ref coefficients, ref terms, shape);
        }
    }
}

/// <summary>
/// Shape of sums[j] += Σ_r g[r·GStride + j] for r &lt; Rows, j &lt; Width, added to a second vector too when Both.
/// </summary>
file readonly record struct ColumnSumShape(int Rows, nuint GStride, nuint Width, bool Both);

/// <summary>
/// Vector loops, generic over the width. Callers have validated every length and guarantee that the
/// vectorized dimension is at least <c>TSimd.Count</c>, so the final vector of a row can start at
/// n − Count; lanes already handled are masked off (products) or kept (stores).
/// </summary>
file static class MatrixLoops
{
    public static void MultiplyTransposedAdd<TSimd, TVec>(
        ref float a, nuint aStride, ref float w, ref float c, nuint cStride, int rows, nuint inner, int outputs)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        // Blocks of 2 rows × 4 outputs: 8 accumulators share each load of a and of w
        // and fit the 16 vector registers of AVX2 and NEON with room for the operands.
        int r = 0;
        for (; r + 2 <= rows; r += 2)
        {
            ref float a0 = ref Unsafe.Add(ref a, (nuint)r * aStride);
            ref float a1 = ref Unsafe.Add(ref a0, aStride);
            ref float c0 = ref Unsafe.Add(ref c, (nuint)r * cStride);
            ref float c1 = ref Unsafe.Add(ref c0, cStride);
            int o = 0;
            for (; o + 4 <= outputs; o += 4)
            {
                DotBlock2x4<TSimd, TVec>(ref a0, ref a1, ref Unsafe.Add(ref w, (nuint)o * inner), inner, ref Unsafe.Add(ref c0, o), ref Unsafe.Add(ref c1, o));
            }

            for (; o < outputs; o++)
            {
                ref float wo = ref Unsafe.Add(ref w, (nuint)o * inner);
                Unsafe.Add(ref c0, o) += Dot<TSimd, TVec>(ref a0, ref wo, inner);
                Unsafe.Add(ref c1, o) += Dot<TSimd, TVec>(ref a1, ref wo, inner);
            }
        }

        if (r < rows)
        {
            // The last odd row, and batch 1: streams w once, eight rows of it at a time (eight independent
            // multiply-add chains keep both FMA units busy; four left half of them waiting on latency).
            ref float a0 = ref Unsafe.Add(ref a, (nuint)r * aStride);
            ref float c0 = ref Unsafe.Add(ref c, (nuint)r * cStride);
            int o = 0;
            for (; o + 8 <= outputs; o += 8)
            {
                DotBlock1x8<TSimd, TVec>(ref a0, ref Unsafe.Add(ref w, (nuint)o * inner), inner, ref Unsafe.Add(ref c0, o));
            }

            for (; o + 4 <= outputs; o += 4)
            {
                DotBlock1x4<TSimd, TVec>(ref a0, ref Unsafe.Add(ref w, (nuint)o * inner), inner, ref Unsafe.Add(ref c0, o));
            }

            for (; o < outputs; o++)
            {
                Unsafe.Add(ref c0, o) += Dot<TSimd, TVec>(ref a0, ref Unsafe.Add(ref w, (nuint)o * inner), inner);
            }
        }
    }

    // c0[0..4) += a0 · w[0..4)ᵀ and c1[0..4) += a1 · w[0..4)ᵀ, where w holds four contiguous rows of length n.
    private static void DotBlock2x4<TSimd, TVec>(ref float a0, ref float a1, ref float w0, nuint n, ref float c0, ref float c1)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float w1 = ref Unsafe.Add(ref w0, n);
        ref float w2 = ref Unsafe.Add(ref w1, n);
        ref float w3 = ref Unsafe.Add(ref w2, n);
        TVec s00 = TSimd.Zero, s01 = TSimd.Zero, s02 = TSimd.Zero, s03 = TSimd.Zero;
        TVec s10 = TSimd.Zero, s11 = TSimd.Zero, s12 = TSimd.Zero, s13 = TSimd.Zero;
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        for (; n - k > width; k += width)
        {
            TVec x0 = TSimd.Load(ref a0, k);
            TVec x1 = TSimd.Load(ref a1, k);
            TVec v = TSimd.Load(ref w0, k);
            s00 = TSimd.MultiplyAdd(x0, v, s00);
            s10 = TSimd.MultiplyAdd(x1, v, s10);
            v = TSimd.Load(ref w1, k);
            s01 = TSimd.MultiplyAdd(x0, v, s01);
            s11 = TSimd.MultiplyAdd(x1, v, s11);
            v = TSimd.Load(ref w2, k);
            s02 = TSimd.MultiplyAdd(x0, v, s02);
            s12 = TSimd.MultiplyAdd(x1, v, s12);
            v = TSimd.Load(ref w3, k);
            s03 = TSimd.MultiplyAdd(x0, v, s03);
            s13 = TSimd.MultiplyAdd(x1, v, s13);
        }

        // The final vector ends at n; both factors are masked so a non-finite value
        // in an overlapping lane cannot turn 0 · ∞ into NaN.
        nuint last = n - width;
        TVec mask = TSimd.LanesFrom((int)(k - last));
        TVec t0 = TSimd.And(TSimd.Load(ref a0, last), mask);
        TVec t1 = TSimd.And(TSimd.Load(ref a1, last), mask);
        TVec u = TSimd.And(TSimd.Load(ref w0, last), mask);
        s00 = TSimd.MultiplyAdd(t0, u, s00);
        s10 = TSimd.MultiplyAdd(t1, u, s10);
        u = TSimd.And(TSimd.Load(ref w1, last), mask);
        s01 = TSimd.MultiplyAdd(t0, u, s01);
        s11 = TSimd.MultiplyAdd(t1, u, s11);
        u = TSimd.And(TSimd.Load(ref w2, last), mask);
        s02 = TSimd.MultiplyAdd(t0, u, s02);
        s12 = TSimd.MultiplyAdd(t1, u, s12);
        u = TSimd.And(TSimd.Load(ref w3, last), mask);
        s03 = TSimd.MultiplyAdd(t0, u, s03);
        s13 = TSimd.MultiplyAdd(t1, u, s13);

        (Vector128.LoadUnsafe(ref c0) + TSimd.SumEach(s00, s01, s02, s03)).StoreUnsafe(ref c0);
        (Vector128.LoadUnsafe(ref c1) + TSimd.SumEach(s10, s11, s12, s13)).StoreUnsafe(ref c1);
    }

    // c0[0..4) += a0 · w[0..4)ᵀ, where w holds four contiguous rows of length n.
    private static void DotBlock1x4<TSimd, TVec>(ref float a0, ref float w0, nuint n, ref float c0)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        DotChains.Four<TSimd, TVec>(ref a0, ref w0, n, ref s0, ref s1, ref s2, ref s3);
        (Vector128.LoadUnsafe(ref c0) + TSimd.SumEach(s0, s1, s2, s3)).StoreUnsafe(ref c0);
    }

    // c0[0..8) += a0 · w[0..8)ᵀ: DotBlock1x4 twice over, each output computed exactly as there.
    private static void DotBlock1x8<TSimd, TVec>(ref float a0, ref float w0, nuint n, ref float c0)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
        TVec s4 = TSimd.Zero, s5 = TSimd.Zero, s6 = TSimd.Zero, s7 = TSimd.Zero;
        DotChains.Eight<TSimd, TVec>(ref a0, ref w0, n, ref s0, ref s1, ref s2, ref s3, ref s4, ref s5, ref s6, ref s7);
        (Vector128.LoadUnsafe(ref c0) + TSimd.SumEach(s0, s1, s2, s3)).StoreUnsafe(ref c0);
        (Vector128.LoadUnsafe(ref c0, 4) + TSimd.SumEach(s4, s5, s6, s7)).StoreUnsafe(ref c0, 4);
    }

    public static float Dot<TSimd, TVec>(ref float x, ref float y, nuint n)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        TVec s0 = TSimd.Zero;
        if (n >= 4 * width)
        {
            // Four independent chains hide the latency of the multiply-add.
            TVec s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            for (; n - k >= 4 * width; k += 4 * width)
            {
                s0 = TSimd.MultiplyAdd(TSimd.Load(ref x, k), TSimd.Load(ref y, k), s0);
                s1 = TSimd.MultiplyAdd(TSimd.Load(ref x, k + width), TSimd.Load(ref y, k + width), s1);
                s2 = TSimd.MultiplyAdd(TSimd.Load(ref x, k + (2 * width)), TSimd.Load(ref y, k + (2 * width)), s2);
                s3 = TSimd.MultiplyAdd(TSimd.Load(ref x, k + (3 * width)), TSimd.Load(ref y, k + (3 * width)), s3);
            }

            s0 = TSimd.Add(TSimd.Add(s0, s1), TSimd.Add(s2, s3));
        }

        for (; n - k > width; k += width)
        {
            s0 = TSimd.MultiplyAdd(TSimd.Load(ref x, k), TSimd.Load(ref y, k), s0);
        }

        nuint last = n - width;
        TVec mask = TSimd.LanesFrom((int)(k - last));
        s0 = TSimd.MultiplyAdd(TSimd.And(TSimd.Load(ref x, last), mask), TSimd.And(TSimd.Load(ref y, last), mask), s0);
        return TSimd.Sum(s0);
    }

    public static void AddScaled<TSimd, TVec>(float alpha, ref float x, ref float y, nuint n)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec scale = TSimd.Broadcast(alpha);
        nuint width = (nuint)TSimd.Count;
        nuint k = 0;
        for (; n - k >= width; k += width)
        {
            TSimd.Store(TSimd.MultiplyAdd(scale, TSimd.Load(ref x, k), TSimd.Load(ref y, k)), ref y, k);
        }

        if (k < n)
        {
            // Lanes below k were stored already: keep their bits as they are.
            nuint last = n - width;
            TVec old = TSimd.Load(ref y, last);
            TVec sum = TSimd.MultiplyAdd(scale, TSimd.Load(ref x, last), old);
            TSimd.Store(TSimd.Select(TSimd.LanesFrom((int)(k - last)), sum, old), ref y, last);
        }
    }

    public static void AccumulateColumnSums<TSimd, TVec>(ref float g, ref float sums, ref float otherSums, in ColumnSumShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        // Four vectors of columns at a time, summed down all the rows in registers (each row's floats are read once,
        // and no partial sum goes back to memory), then added to the targets.
        nuint width = (nuint)TSimd.Count;
        nuint n = shape.Width;
        nuint j = 0;
        for (; n - j >= 4 * width; j += 4 * width)
        {
            TVec s0 = TSimd.Zero, s1 = TSimd.Zero, s2 = TSimd.Zero, s3 = TSimd.Zero;
            ref float row = ref Unsafe.Add(ref g, j);
            for (int r = 0; r < shape.Rows; r++)
            {
                s0 = TSimd.Add(s0, TSimd.Load(ref row, 0));
                s1 = TSimd.Add(s1, TSimd.Load(ref row, width));
                s2 = TSimd.Add(s2, TSimd.Load(ref row, 2 * width));
                s3 = TSimd.Add(s3, TSimd.Load(ref row, 3 * width));
                row = ref Unsafe.Add(ref row, shape.GStride);
            }

            AddColumnSums<TSimd, TVec>(s0, ref sums, ref otherSums, j, shape.Both);
            AddColumnSums<TSimd, TVec>(s1, ref sums, ref otherSums, j + width, shape.Both);
            AddColumnSums<TSimd, TVec>(s2, ref sums, ref otherSums, j + (2 * width), shape.Both);
            AddColumnSums<TSimd, TVec>(s3, ref sums, ref otherSums, j + (3 * width), shape.Both);
        }

        for (; n - j >= width; j += width)
        {
            AddColumnSums<TSimd, TVec>(SumColumns<TSimd, TVec>(ref Unsafe.Add(ref g, j), shape), ref sums, ref otherSums, j, shape.Both);
        }

        if (j < n)
        {
            // The final vector ends at n; lanes below j were added already and keep their bits.
            nuint last = n - width;
            TVec tail = SumColumns<TSimd, TVec>(ref Unsafe.Add(ref g, last), shape);
            TVec mask = TSimd.LanesFrom((int)(j - last));
            TVec old = TSimd.Load(ref sums, last);
            TSimd.Store(TSimd.Select(mask, TSimd.Add(old, tail), old), ref sums, last);
            if (shape.Both)
            {
                old = TSimd.Load(ref otherSums, last);
                TSimd.Store(TSimd.Select(mask, TSimd.Add(old, tail), old), ref otherSums, last);
            }
        }
    }

    private static TVec SumColumns<TSimd, TVec>(ref float g, in ColumnSumShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TVec sum = TSimd.Zero;
        ref float row = ref g;
        for (int r = 0; r < shape.Rows; r++)
        {
            sum = TSimd.Add(sum, TSimd.Load(ref row, 0));
            row = ref Unsafe.Add(ref row, shape.GStride);
        }

        return sum;
    }

    private static void AddColumnSums<TSimd, TVec>(TVec sum, ref float sums, ref float otherSums, nuint offset, bool both)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        TSimd.Store(TSimd.Add(TSimd.Load(ref sums, offset), sum), ref sums, offset);
        if (both)
        {
            TSimd.Store(TSimd.Add(TSimd.Load(ref otherSums, offset), sum), ref otherSums, offset);
        }
    }

    public static void AccumulateCombinations<TSimd, TVec>(ref float target, ref float coefficients, ref float terms, in CombinationShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        // Four target rows at a time share every load of a term row.
        int i = 0;
        for (; i + 4 <= shape.Count; i += 4)
        {
            Combine4<TSimd, TVec>(
                ref Unsafe.Add(ref target, (nuint)i * shape.TargetStride),
                ref Unsafe.Add(ref coefficients, (nuint)i * shape.CoefficientCountStride),
                ref terms,
                shape);
        }

        for (; i < shape.Count; i++)
        {
            Combine1<TSimd, TVec>(
                ref Unsafe.Add(ref target, (nuint)i * shape.TargetStride),
                ref Unsafe.Add(ref coefficients, (nuint)i * shape.CoefficientCountStride),
                ref terms,
                shape);
        }
    }

    // Target rows 0..4 (from y0) += Σ_j coefficient(row, j) · terms row j.
    private static void Combine4<TSimd, TVec>(ref float y0, ref float k0, ref float terms, in CombinationShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        ref float y1 = ref Unsafe.Add(ref y0, shape.TargetStride);
        ref float y2 = ref Unsafe.Add(ref y1, shape.TargetStride);
        ref float y3 = ref Unsafe.Add(ref y2, shape.TargetStride);
        ref float k1 = ref Unsafe.Add(ref k0, shape.CoefficientCountStride);
        ref float k2 = ref Unsafe.Add(ref k1, shape.CoefficientCountStride);
        ref float k3 = ref Unsafe.Add(ref k2, shape.CoefficientCountStride);
        nuint n = shape.Width;
        nuint width = (nuint)TSimd.Count;
        nuint p = 0;

        // Two vectors per target row: 8 accumulators, 2 loads and 4 broadcasts per term.
        for (; n - p >= 2 * width; p += 2 * width)
        {
            nuint q = p + width;
            TVec y0a = TSimd.Load(ref y0, p), y0b = TSimd.Load(ref y0, q);
            TVec y1a = TSimd.Load(ref y1, p), y1b = TSimd.Load(ref y1, q);
            TVec y2a = TSimd.Load(ref y2, p), y2b = TSimd.Load(ref y2, q);
            TVec y3a = TSimd.Load(ref y3, p), y3b = TSimd.Load(ref y3, q);
            nuint termOffset = 0;
            nuint coefficientOffset = 0;
            for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
            {
                TVec xa = TSimd.Load(ref terms, termOffset + p);
                TVec xb = TSimd.Load(ref terms, termOffset + q);
                TVec s = TSimd.Broadcast(Unsafe.Add(ref k0, coefficientOffset));
                y0a = TSimd.MultiplyAdd(s, xa, y0a);
                y0b = TSimd.MultiplyAdd(s, xb, y0b);
                s = TSimd.Broadcast(Unsafe.Add(ref k1, coefficientOffset));
                y1a = TSimd.MultiplyAdd(s, xa, y1a);
                y1b = TSimd.MultiplyAdd(s, xb, y1b);
                s = TSimd.Broadcast(Unsafe.Add(ref k2, coefficientOffset));
                y2a = TSimd.MultiplyAdd(s, xa, y2a);
                y2b = TSimd.MultiplyAdd(s, xb, y2b);
                s = TSimd.Broadcast(Unsafe.Add(ref k3, coefficientOffset));
                y3a = TSimd.MultiplyAdd(s, xa, y3a);
                y3b = TSimd.MultiplyAdd(s, xb, y3b);
            }

            TSimd.Store(y0a, ref y0, p);
            TSimd.Store(y0b, ref y0, q);
            TSimd.Store(y1a, ref y1, p);
            TSimd.Store(y1b, ref y1, q);
            TSimd.Store(y2a, ref y2, p);
            TSimd.Store(y2b, ref y2, q);
            TSimd.Store(y3a, ref y3, p);
            TSimd.Store(y3b, ref y3, q);
        }

        // Fewer than two vectors left: at most one full vector, then the final one ending at n,
        // whose lanes below p were stored already and keep their bits.
        while (p < n)
        {
            nuint at = p <= n - width ? p : n - width;
            TVec mask = TSimd.LanesFrom((int)(p - at));
            TVec old0 = TSimd.Load(ref y0, at), old1 = TSimd.Load(ref y1, at), old2 = TSimd.Load(ref y2, at), old3 = TSimd.Load(ref y3, at);
            TVec s0 = old0, s1 = old1, s2 = old2, s3 = old3;
            nuint termOffset = 0;
            nuint coefficientOffset = 0;
            for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
            {
                TVec x = TSimd.Load(ref terms, termOffset + at);
                s0 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k0, coefficientOffset)), x, s0);
                s1 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k1, coefficientOffset)), x, s1);
                s2 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k2, coefficientOffset)), x, s2);
                s3 = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k3, coefficientOffset)), x, s3);
            }

            TSimd.Store(TSimd.Select(mask, s0, old0), ref y0, at);
            TSimd.Store(TSimd.Select(mask, s1, old1), ref y1, at);
            TSimd.Store(TSimd.Select(mask, s2, old2), ref y2, at);
            TSimd.Store(TSimd.Select(mask, s3, old3), ref y3, at);
            p = at + width;
        }
    }

    /// <summary>
    /// AccumulateCombinations for rows of fewer than eight floats with coefficients side by side (CoefficientCountStride 1,
    /// Count ≥ TSimd.Count): a vector holds element c of TSimd.Count consecutive target rows, and each term adds its
    /// coefficients (one load) times its element c (a broadcast). A last block that does not fill a vector ends at
    /// Count and goes first, from the targets as they were; it keeps only the rows no whole block covers.
    /// </summary>
    public static void AccumulateCombinationsAcross<TSimd, TVec>(ref float target, ref float coefficients, ref float terms, in CombinationShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        int lanes = TSimd.Count;
        int whole = shape.Count - (shape.Count % lanes);
        if (whole < shape.Count)
        {
            CombineAcross<TSimd, TVec>(ref target, ref coefficients, ref terms, shape, shape.Count - lanes, whole - (shape.Count - lanes));
        }

        for (int first = 0; first < whole; first += lanes)
        {
            CombineAcross<TSimd, TVec>(ref target, ref coefficients, ref terms, shape, first, 0);
        }
    }

    // Target rows [first, first + lanes), all their elements (fewer than eight) in one pass over the terms, one chain
    // each; rows below first + keepFrom are computed but not stored. Chains past the row's last element repeat it and
    // are not stored either (four chains at least, so that four multiply-adds are in flight).
    private static void CombineAcross<TSimd, TVec>(ref float target, ref float coefficients, ref float terms, in CombinationShape shape, int first, int keepFrom)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        const int Chains = 8, MostLanes = 16;
        int lanes = TSimd.Count;
        Span<float> buffer = stackalloc float[Chains * MostLanes];
        ref float lane = ref MemoryMarshal.GetReference(buffer);
        ref float y = ref Unsafe.Add(ref target, (nuint)first * shape.TargetStride);
        ref float k = ref Unsafe.Add(ref coefficients, (nuint)first);
        nuint n = shape.Width, last = n - 1;
        nuint c1 = Math.Min(1, last), c2 = Math.Min(2, last), c3 = Math.Min(3, last);
        nuint c4 = Math.Min(4, last), c5 = Math.Min(5, last), c6 = Math.Min(6, last), c7 = Math.Min(7, last);
        bool eight = n > 4;
        for (int i = 0; i < lanes; i++)
        {
            ref float row = ref Unsafe.Add(ref y, (nuint)i * shape.TargetStride);
            for (nuint c = 0; c < Chains; c++)
            {
                Unsafe.Add(ref lane, (c * MostLanes) + (nuint)i) = Unsafe.Add(ref row, Math.Min(c, last));
            }
        }

        TVec s0 = TSimd.Load(ref lane, 0), s1 = TSimd.Load(ref lane, MostLanes), s2 = TSimd.Load(ref lane, 2 * MostLanes), s3 = TSimd.Load(ref lane, 3 * MostLanes);
        TVec s4 = TSimd.Load(ref lane, 4 * MostLanes), s5 = TSimd.Load(ref lane, 5 * MostLanes), s6 = TSimd.Load(ref lane, 6 * MostLanes), s7 = TSimd.Load(ref lane, 7 * MostLanes);
        nuint termOffset = 0;
        nuint coefficientOffset = 0;
        for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
        {
            TVec coefficient = TSimd.Load(ref k, coefficientOffset);
            ref float term = ref Unsafe.Add(ref terms, termOffset);
            s0 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(term), s0);
            s1 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c1)), s1);
            s2 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c2)), s2);
            s3 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c3)), s3);
            if (eight)
            {
                s4 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c4)), s4);
                s5 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c5)), s5);
                s6 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c6)), s6);
                s7 = TSimd.MultiplyAdd(coefficient, TSimd.Broadcast(Unsafe.Add(ref term, c7)), s7);
            }
        }

        TSimd.Store(s0, ref lane, 0);
        TSimd.Store(s1, ref lane, MostLanes);
        TSimd.Store(s2, ref lane, 2 * MostLanes);
        TSimd.Store(s3, ref lane, 3 * MostLanes);
        TSimd.Store(s4, ref lane, 4 * MostLanes);
        TSimd.Store(s5, ref lane, 5 * MostLanes);
        TSimd.Store(s6, ref lane, 6 * MostLanes);
        TSimd.Store(s7, ref lane, 7 * MostLanes);
        for (int i = keepFrom; i < lanes; i++)
        {
            ref float row = ref Unsafe.Add(ref y, (nuint)i * shape.TargetStride);
            for (nuint c = 0; c < n; c++)
            {
                Unsafe.Add(ref row, c) = Unsafe.Add(ref lane, (c * MostLanes) + (nuint)i);
            }
        }
    }

    // Target row y0 += Σ_j coefficient(j) · terms row j.
    private static void Combine1<TSimd, TVec>(ref float y0, ref float k0, ref float terms, in CombinationShape shape)
        where TSimd : struct, ISimd<TVec>
        where TVec : struct
    {
        nuint n = shape.Width;
        nuint width = (nuint)TSimd.Count;
        nuint p = 0;

        // Four vectors at once keep four multiply-add chains in flight.
        for (; n - p >= 4 * width; p += 4 * width)
        {
            nuint p1 = p + width, p2 = p + (2 * width), p3 = p + (3 * width);
            TVec s0 = TSimd.Load(ref y0, p), s1 = TSimd.Load(ref y0, p1), s2 = TSimd.Load(ref y0, p2), s3 = TSimd.Load(ref y0, p3);
            nuint termOffset = 0;
            nuint coefficientOffset = 0;
            for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
            {
                TVec s = TSimd.Broadcast(Unsafe.Add(ref k0, coefficientOffset));
                s0 = TSimd.MultiplyAdd(s, TSimd.Load(ref terms, termOffset + p), s0);
                s1 = TSimd.MultiplyAdd(s, TSimd.Load(ref terms, termOffset + p1), s1);
                s2 = TSimd.MultiplyAdd(s, TSimd.Load(ref terms, termOffset + p2), s2);
                s3 = TSimd.MultiplyAdd(s, TSimd.Load(ref terms, termOffset + p3), s3);
            }

            TSimd.Store(s0, ref y0, p);
            TSimd.Store(s1, ref y0, p1);
            TSimd.Store(s2, ref y0, p2);
            TSimd.Store(s3, ref y0, p3);
        }

        while (p < n)
        {
            nuint at = p <= n - width ? p : n - width;
            TVec old = TSimd.Load(ref y0, at);
            TVec sum = old;
            nuint termOffset = 0;
            nuint coefficientOffset = 0;
            for (int j = 0; j < shape.Terms; j++, termOffset += shape.TermStride, coefficientOffset += shape.CoefficientTermStride)
            {
                sum = TSimd.MultiplyAdd(TSimd.Broadcast(Unsafe.Add(ref k0, coefficientOffset)), TSimd.Load(ref terms, termOffset + at), sum);
            }

            TSimd.Store(TSimd.Select(TSimd.LanesFrom((int)(p - at)), sum, old), ref y0, at);
            p = at + width;
        }
    }
}

/// <summary>Scalar loops: the path without SIMD, and for rows narrower than the narrowest vector that nothing vectorizes across.</summary>
file static class ScalarLoops
{
    public static void MultiplyTransposedAdd(ref float a, nuint aStride, ref float w, ref float c, nuint cStride, int rows, nuint inner, int outputs)
    {
        for (int r = 0; r < rows; r++)
        {
            ref float ar = ref Unsafe.Add(ref a, (nuint)r * aStride);
            ref float cr = ref Unsafe.Add(ref c, (nuint)r * cStride);
            for (int o = 0; o < outputs; o++)
            {
                Unsafe.Add(ref cr, o) += Dot(ref ar, ref Unsafe.Add(ref w, (nuint)o * inner), inner);
            }
        }
    }

    public static float Dot(ref float x, ref float y, nuint n)
    {
        float sum = 0f;
        for (nuint k = 0; k < n; k++)
        {
            sum += Unsafe.Add(ref x, k) * Unsafe.Add(ref y, k);
        }

        return sum;
    }

    public static void AddScaled(float alpha, ref float x, ref float y, nuint n)
    {
        for (nuint k = 0; k < n; k++)
        {
            Unsafe.Add(ref y, k) += alpha * Unsafe.Add(ref x, k);
        }
    }

    public static void AccumulateColumnSums(ref float g, ref float sums, ref float otherSums, in ColumnSumShape shape)
    {
        for (nuint j = 0; j < shape.Width; j++)
        {
            float sum = 0f;
            for (int r = 0; r < shape.Rows; r++)
            {
                sum += Unsafe.Add(ref g, ((nuint)r * shape.GStride) + j);
            }

            Unsafe.Add(ref sums, j) += sum;
            if (shape.Both)
            {
                Unsafe.Add(ref otherSums, j) += sum;
            }
        }
    }

    public static void AccumulateCombinations(ref float target, ref float coefficients, ref float terms, in CombinationShape shape)
    {
        for (int i = 0; i < shape.Count; i++)
        {
            ref float y = ref Unsafe.Add(ref target, (nuint)i * shape.TargetStride);
            ref float coefficientRow = ref Unsafe.Add(ref coefficients, (nuint)i * shape.CoefficientCountStride);
            for (int j = 0; j < shape.Terms; j++)
            {
                float coefficient = Unsafe.Add(ref coefficientRow, (nuint)j * shape.CoefficientTermStride);
                AddScaled(coefficient, ref Unsafe.Add(ref terms, (nuint)j * shape.TermStride), ref y, shape.Width);
            }
        }
    }
}
