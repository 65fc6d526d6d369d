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
//
// Files: the products here; bias rows, column sums, copies, dot and axpy in
// MatrixKernels.Rows.cs; the dot-product and column-sum loops in MatrixLoops.cs;
// the combination loops (g·W and gᵀ·a below the packed kernel's sizes) in
// Combinations.cs; the packed kernel in PackedGemm.cs.
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
public static partial class MatrixKernels
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
    /// <param name="rowBias">
    /// Empty, or a vector of at least <paramref name="outputs"/> elements added to every row after the product, with the
    /// bits of <see cref="AddRowVector"/> called after it (a recurrent layer's b_hh after its per-step product); the
    /// packed kernel adds it while the sums are still in registers.
    /// </param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void MultiplyTransposedAdd(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> w, Span<float> c, int cStride, int rows, int inner, int outputs,
        ReadOnlySpan<float> rowBias = default)
    {
        CheckTransposedProduct(a, aStride, w, c, cStride, rows, inner, outputs);
        CheckRowBias(rowBias, outputs);
        MultiplyTransposed(a, aStride, w, rowBias, PackedGemm.BiasPlacement.After, c, cStride, rows, inner, outputs);
    }

    /// <summary>
    /// Affine map of every row: c[r·cStride + o] = bias[o] + Σ_k a[r·aStride + k] · w[o·inner + k], overwriting c. It
    /// gives the bits of <see cref="FillRows(Span{float}, int, ReadOnlySpan{float}, int, int)"/> with the bias followed
    /// by <see cref="MultiplyTransposedAdd"/>, and with many rows it writes c once instead of twice (a recurrent layer's
    /// input projection for every step, a dense layer).
    /// </summary>
    /// <param name="a">Input matrix [rows, inner] with row stride <paramref name="aStride"/>.</param>
    /// <param name="aStride">Row stride of <paramref name="a"/> in elements; at least <paramref name="inner"/>.</param>
    /// <param name="w">Weight matrix [outputs, inner], contiguous (PyTorch layout).</param>
    /// <param name="bias">Bias vector of at least <paramref name="outputs"/> elements.</param>
    /// <param name="c">Output matrix [rows, outputs] with row stride <paramref name="cStride"/>; overwritten (its gaps are left alone).</param>
    /// <param name="cStride">Row stride of <paramref name="c"/> in elements; at least <paramref name="outputs"/>.</param>
    /// <param name="rows">Number of rows of <paramref name="a"/> and <paramref name="c"/>.</param>
    /// <param name="inner">Length of each dot product.</param>
    /// <param name="outputs">Number of weight rows, the width of <paramref name="c"/>.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void AffineRows(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> c, int cStride, int rows, int inner, int outputs)
    {
        CheckTransposedProduct(a, aStride, w, c, cStride, rows, inner, outputs);
        CheckMatrix(bias.Length, 1, outputs, outputs, nameof(bias), nameof(outputs));
        MultiplyTransposed(a, aStride, w, bias, PackedGemm.BiasPlacement.Before, c, cStride, rows, inner, outputs);
    }

    private static void CheckTransposedProduct(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> w, Span<float> c, int cStride, int rows, int inner, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        CheckMatrix(a.Length, rows, inner, aStride, nameof(a), nameof(aStride));
        CheckMatrix(w.Length, outputs, inner, inner, nameof(w), nameof(inner));
        CheckMatrix(c.Length, rows, outputs, cStride, nameof(c), nameof(cStride));
    }

    // c += a·wᵀ with the bias (if any) where the placement says: on the packed kernel for many rows, which puts the bias
    // in as it stores its sums; otherwise the dot products between a fill of the rows (Before) or an add (After).
    private static void MultiplyTransposed(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, PackedGemm.BiasPlacement placement,
        Span<float> c, int cStride, int rows, int inner, int outputs)
    {
        if (rows == 0 || outputs == 0)
        {
            return;
        }

        if (UsePackedGemm(rows, outputs) && inner > 0)
        {
            // Many rows (a batch, or every time step): the weight read as [inner, outputs] by packed tiles.
            PackedGemm.MultiplyAdd(
                ref MemoryMarshal.GetReference(c), (nuint)cStride, ref MemoryMarshal.GetReference(a), (nuint)aStride, 1,
                ref MemoryMarshal.GetReference(w), 1, (nuint)inner, rows, outputs, inner, RowBias(bias, placement));
            return;
        }

        if (!bias.IsEmpty && placement == PackedGemm.BiasPlacement.Before)
        {
            FillRows(c, cStride, bias, rows, outputs);
        }

        MultiplyTransposedAddByRows(a, aStride, w, c, cStride, rows, inner, outputs);
        if (!bias.IsEmpty && placement == PackedGemm.BiasPlacement.After)
        {
            AddRowVector(c, cStride, bias, rows, outputs);
        }
    }

    // MultiplyTransposedAdd's loops for few rows, narrow outputs or no Vector256: a dot product per element of c.
    private static void MultiplyTransposedAddByRows(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> w, Span<float> c, int cStride, int rows, int inner, int outputs)
    {
        if (inner == 0)
        {
            return;
        }

        ref float aRef = ref MemoryMarshal.GetReference(a);
        ref float wRef = ref MemoryMarshal.GetReference(w);
        ref float cRef = ref MemoryMarshal.GetReference(c);
        if (Vector512.IsHardwareAccelerated && inner >= Vector512<float>.Count)
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
        CheckWeight(w, outputs, inner);
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

    // A weight [outputs, inner], contiguous: the sizes and w's length.
    private static void CheckWeight(ReadOnlySpan<float> w, int outputs, int inner)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outputs);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        CheckMatrix(w.Length, outputs, inner, inner, nameof(w), nameof(inner));
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
        CheckWeight(w, outputs, inner); // first: sizes too large for a packed buffer are also larger than any w
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
    /// <param name="a">Input matrix [rows, depth] with row stride <paramref name="aStride"/>.</param>
    /// <param name="aStride">Row stride of <paramref name="a"/> in elements; at least <paramref name="depth"/>.</param>
    /// <param name="packed">B [depth, columns] as <see cref="PackWeights"/> wrote it.</param>
    /// <param name="c">Output matrix [rows, columns] with row stride <paramref name="cStride"/>; added to.</param>
    /// <param name="cStride">Row stride of <paramref name="c"/> in elements; at least <paramref name="columns"/>.</param>
    /// <param name="rows">Number of rows of <paramref name="a"/> and <paramref name="c"/>.</param>
    /// <param name="depth">Length of each dot product.</param>
    /// <param name="columns">Number of columns of B and of <paramref name="c"/>.</param>
    /// <param name="rowBias">
    /// Empty, or a vector of at least <paramref name="columns"/> elements added to every row after the product, with the
    /// bits of <see cref="AddRowVector"/> called after it, while the sums are still in registers.
    /// </param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void MultiplyAddPrepacked(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> packed, Span<float> c, int cStride, int rows, int depth, int columns,
        ReadOnlySpan<float> rowBias = default)
    {
        CheckPrepackedProduct(a, aStride, packed, c, cStride, rows, depth, columns);
        CheckRowBias(rowBias, columns);
        MultiplyPrepacked(a, aStride, packed, rowBias, PackedGemm.BiasPlacement.After, c, cStride, rows, depth, columns);
    }

    /// <summary>
    /// Affine map of every row with B packed by <see cref="PackWeights"/>: c[r·cStride + j] = bias[j] + Σ_k a[r·aStride + k]
    /// · B[k, j], overwriting c, with the bits of <see cref="FillRows(Span{float}, int, ReadOnlySpan{float}, int, int)"/>
    /// with the bias followed by <see cref="MultiplyAddPrepacked"/> (a GRU's per-step recurrent product, h·W_hhᵀ + b_hh,
    /// kept apart from the gates).
    /// </summary>
    /// <param name="a">Input matrix [rows, depth] with row stride <paramref name="aStride"/>.</param>
    /// <param name="aStride">Row stride of <paramref name="a"/> in elements; at least <paramref name="depth"/>.</param>
    /// <param name="packed">B [depth, columns] as <see cref="PackWeights"/> wrote it.</param>
    /// <param name="bias">Bias vector of at least <paramref name="columns"/> elements.</param>
    /// <param name="c">Output matrix [rows, columns] with row stride <paramref name="cStride"/>; overwritten (its gaps are left alone).</param>
    /// <param name="cStride">Row stride of <paramref name="c"/> in elements; at least <paramref name="columns"/>.</param>
    /// <param name="rows">Number of rows of <paramref name="a"/> and <paramref name="c"/>.</param>
    /// <param name="depth">Length of each dot product.</param>
    /// <param name="columns">Number of columns of B and of <paramref name="c"/>.</param>
    /// <exception cref="ArgumentException">A size is negative, a stride is below its width, or a span is too short.</exception>
    public static void AffineRowsPrepacked(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, Span<float> c, int cStride, int rows, int depth, int columns)
    {
        CheckPrepackedProduct(a, aStride, packed, c, cStride, rows, depth, columns);
        CheckMatrix(bias.Length, 1, columns, columns, nameof(bias), nameof(columns));
        MultiplyPrepacked(a, aStride, packed, bias, PackedGemm.BiasPlacement.Before, c, cStride, rows, depth, columns);
    }

    private static void CheckPrepackedProduct(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> packed, Span<float> c, int cStride, int rows, int depth, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(depth);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        CheckMatrix(a.Length, rows, depth, aStride, nameof(a), nameof(aStride));
        CheckMatrix(c.Length, rows, columns, cStride, nameof(c), nameof(cStride));
        CheckPacked(packed, depth, columns);
    }

    // c += a·B (B packed) with the bias (if any) where the placement says; with no depth, only the bias's fill or add.
    private static void MultiplyPrepacked(
        ReadOnlySpan<float> a, int aStride, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias, PackedGemm.BiasPlacement placement,
        Span<float> c, int cStride, int rows, int depth, int columns)
    {
        if (rows == 0 || columns == 0)
        {
            return;
        }

        if (depth > 0)
        {
            PackedGemm.MultiplyAddPrepacked(
                ref MemoryMarshal.GetReference(c), (nuint)cStride, ref MemoryMarshal.GetReference(a), (nuint)aStride, 1,
                ref MemoryMarshal.GetReference(packed), rows, columns, depth, RowBias(bias, placement));
        }
        else if (!bias.IsEmpty)
        {
            if (placement == PackedGemm.BiasPlacement.Before)
            {
                FillRows(c, cStride, bias, rows, columns);
            }
            else
            {
                AddRowVector(c, cStride, bias, rows, columns);
            }
        }
    }

    // A row bias for the packed kernel: none when the span is empty.
    private static PackedGemm.RowBias RowBias(ReadOnlySpan<float> bias, PackedGemm.BiasPlacement placement) =>
        bias.IsEmpty ? default : new PackedGemm.RowBias(ref MemoryMarshal.GetReference(bias), placement);

    private static void CheckRowBias(ReadOnlySpan<float> rowBias, int width)
    {
        if (!rowBias.IsEmpty)
        {
            CheckMatrix(rowBias.Length, 1, width, width, nameof(rowBias), "width");
        }
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
