using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The packed products (the many-row products of training and the batched time loops) compute each element of C as
/// one chain of fused multiply-adds per depth block of 256, from zero in depth order, added to C after its block. That
/// is what makes their bits independent of the vector width (6×16 Vector256 tiles, or pairs of tiles as 6×32 Vector512
/// with AVX-512), of the panel a row falls in and of the way B reaches the kernel; here each path is compared with that
/// chain computed one element at a time, bit for bit.
/// </summary>
public class PackedProductChainTests
{
    private const int DepthBlock = 256;

    // Rows: one panel, and enough panels to pack B once per depth block. Columns: one tile, a pair, a pair whose second
    // tile is partial (the input width 28; 17 and 61), a pair and a single, pairs and a partial tile, the recurrent
    // widths of a 128-unit GRU and LSTM. Depths: one block, and two.
    public static readonly TheoryData<int, int, int> Shapes = new()
    {
        { 6, 16, 28 },
        { 7, 32, 28 },
        { 18, 28, 300 },
        { 6, 17, 9 },
        { 12, 61, 40 },
        { 30, 48, 28 },
        { 30, 67, 300 },
        { 64, 384, 128 },
        { 25, 512, 28 },
        { 13, 130, 300 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAdd_with_B_in_place_is_each_elements_fused_chain(int rows, int columns, int depth)
    {
        if (!PackedPathsRun())
        {
            return;
        }

        var random = new Random(rows + columns + depth);
        var a = new StridedMatrix(rows, depth, depth + 3, random);
        var b = new StridedMatrix(depth, columns, columns, random); // w [depth, columns]: d = a·w
        var c = new StridedMatrix(rows, columns, columns + 1, random);
        float[] expected = Chains(c, rows, columns, depth, (i, k) => a[i, k], (k, j) => b[k, j]);

        MatrixKernels.MultiplyAdd(a.Span, a.Stride, b.Span, c.Span, c.Stride, rows, depth, columns);

        AssertBits(expected, c, $"MultiplyAdd {rows}×{depth}·{depth}×{columns}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyTransposedAdd_with_B_transposed_is_each_elements_fused_chain(int rows, int columns, int depth)
    {
        if (!PackedPathsRun())
        {
            return;
        }

        var random = new Random(100 + rows + columns + depth);
        var a = new StridedMatrix(rows, depth, depth + 2, random);
        var w = new StridedMatrix(columns, depth, depth, random); // c += a·wᵀ: B's columns are w's rows
        var c = new StridedMatrix(rows, columns, columns + 5, random);
        float[] expected = Chains(c, rows, columns, depth, (i, k) => a[i, k], (k, j) => w[j, k]);

        MatrixKernels.MultiplyTransposedAdd(a.Span, a.Stride, w.Span, c.Span, c.Stride, rows, depth, columns);

        AssertBits(expected, c, $"MultiplyTransposedAdd {rows}×{depth}·({columns}×{depth})ᵀ");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MultiplyAddPrepacked_is_each_elements_fused_chain(int rows, int columns, int depth)
    {
        if (!PackedPathsRun())
        {
            return;
        }

        var random = new Random(200 + rows + columns + depth);
        var a = new StridedMatrix(rows, depth, depth, random);
        var w = new StridedMatrix(columns, depth, depth, random);
        var c = new StridedMatrix(rows, columns, columns, random);
        float[] expected = Chains(c, rows, columns, depth, (i, k) => a[i, k], (k, j) => w[j, k]);
        float[] tiles = new float[MatrixKernels.PackedWeightsLength(columns, depth)];
        MatrixKernels.PackWeights(w.Span, columns, depth, transposed: true, tiles);

        MatrixKernels.MultiplyAddPrepacked(a.Span, a.Stride, tiles, c.Span, c.Stride, rows, depth, columns);

        AssertBits(expected, c, $"MultiplyAddPrepacked {rows}×{depth}·{depth}×{columns}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void AccumulateTransposedProduct_with_A_packed_is_each_elements_fused_chain(int rows, int columns, int depth)
    {
        if (!PackedPathsRun())
        {
            return;
        }

        // dW [rows × columns] += gᵀ·x over `depth` time rows: A = gᵀ is read transposed and packed.
        var random = new Random(300 + rows + columns + depth);
        var g = new StridedMatrix(depth, rows, rows + 1, random);
        var x = new StridedMatrix(depth, columns, columns + 3, random);
        var dw = new StridedMatrix(rows, columns, columns, random);
        float[] expected = Chains(dw, rows, columns, depth, (i, k) => g[k, i], (k, j) => x[k, j]);

        MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, x.Span, x.Stride, dw.Span, depth, rows, columns);

        AssertBits(expected, dw, $"AccumulateTransposedProduct ({depth}×{rows})ᵀ·{depth}×{columns}");
    }

    /// <summary>The packed kernel runs where Vector256 does (MatrixKernels.UsePackedGemm), and fuses only with FMA.</summary>
    private static bool PackedPathsRun() => Vector256.IsHardwareAccelerated && Fma.IsSupported;

    /// <summary>c[i, j] + Σ over depth blocks of (0 + a[i, k]·b[k, j] fused, in depth order).</summary>
    private static float[] Chains(StridedMatrix c, int rows, int columns, int depth, Func<int, int, float> a, Func<int, int, float> b)
    {
        var expected = new float[rows * columns];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                float value = c[i, j];
                for (int k0 = 0; k0 < depth; k0 += DepthBlock)
                {
                    float chain = 0f;
                    for (int k = k0; k < Math.Min(depth, k0 + DepthBlock); k++)
                    {
                        chain = MathF.FusedMultiplyAdd(a(i, k), b(k, j), chain);
                    }

                    value += chain;
                }

                expected[(i * columns) + j] = value;
            }
        }

        return expected;
    }

    private static void AssertBits(float[] expected, StridedMatrix c, string context)
    {
        for (int i = 0; i < c.Rows; i++)
        {
            for (int j = 0; j < c.Width; j++)
            {
                float actual = c[i, j];
                float wanted = expected[(i * c.Width) + j];
                if (BitConverter.SingleToInt32Bits(actual) != BitConverter.SingleToInt32Bits(wanted))
                {
                    Assert.Fail($"{context}: element ({i}, {j}) is {actual:R}, the fused chain gives {wanted:R}.");
                }
            }
        }

        c.AssertGapsUntouched(context);
    }
}
