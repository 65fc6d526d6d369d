using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The weight gradient of a layer with fewer than eight inputs (dW += gᵀ·x, too narrow for the packed kernel) runs
/// across the output rows, a vector holding one element of consecutive rows. Each element must still be one chain of
/// fused multiply-adds from its value, over the rows in order, bit for bit: for every narrow width, for output counts
/// from four (fewer stay with the scalar loops) that fill whole vectors and that leave a last block overlapping the one
/// before (computed first, from the values as they were, and stored only where no whole block is).
/// </summary>
public class NarrowWeightGradientTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    public void Each_element_is_its_fused_chain_over_the_rows(int rows)
    {
        if (!Vector128.IsHardwareAccelerated || !Fma.IsSupported)
        {
            return; // the across loops fuse only with FMA; elsewhere the reference tests hold them to a tolerance
        }

        var random = new Random(rows);
        for (int inner = 1; inner < 8; inner++)
        {
            foreach (int outputs in (int[])[4, 5, 8, 9, 16, 17, 33, 130])
            {
                var g = new StridedMatrix(rows, outputs, outputs + 1, random);
                var x = new StridedMatrix(rows, inner, inner + 3, random);
                var dw = new StridedMatrix(outputs, inner, inner, random);
                var expected = new float[outputs * inner];
                for (int o = 0; o < outputs; o++)
                {
                    for (int k = 0; k < inner; k++)
                    {
                        float chain = dw[o, k];
                        for (int r = 0; r < rows; r++)
                        {
                            chain = MathF.FusedMultiplyAdd(g[r, o], x[r, k], chain);
                        }

                        expected[(o * inner) + k] = chain;
                    }
                }

                MatrixKernels.AccumulateTransposedProduct(g.Span, g.Stride, x.Span, x.Stride, dw.Span, rows, outputs, inner);

                string context = $"dW [{outputs}×{inner}] over {rows} rows";
                for (int o = 0; o < outputs; o++)
                {
                    for (int k = 0; k < inner; k++)
                    {
                        float actual = dw[o, k], wanted = expected[(o * inner) + k];
                        Assert.True(
                            BitConverter.SingleToInt32Bits(actual) == BitConverter.SingleToInt32Bits(wanted),
                            $"{context}: element ({o}, {k}) is {actual:R}, the fused chain gives {wanted:R}.");
                    }
                }

                dw.AssertGapsUntouched(context);
            }
        }
    }
}
