using System;
using RnnGen.Kernels;
using static RnnGen.Runtime.Tests.Kernels.StepReference;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The batch-1 affine maps of Step against a double-precision reference, over input lengths below, at and around each
/// vector width (an input shorter than a vector is summed beside a longer one: on 128 bits from four values, in scalar
/// below) and around 32, from where the two-input map takes 512-bit vectors, and output counts that leave every
/// remainder of the 8- and 4-output blocks.
/// Outputs start as NaN: the kernel must overwrite them.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public class StepKernelsTests
{
    private static readonly int[] InputLengths = [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 28, 31, 32, 33, 67, 127, 128, 129, 145];

    private static readonly int[] OutputCounts = [1, 2, 3, 4, 5, 7, 8, 9, 12, 13, 16, 17, 33, 130];

    [Fact]
    public void One_input_matches_reference()
    {
        var random = new Random(21);
        foreach (int inner in InputLengths)
        {
            foreach (int outputs in OutputCounts)
            {
                float[] w = Values(outputs * inner, random), x = Values(inner, random), b = Values(outputs, random);
                float[] y = NaNs(outputs);

                StepKernels.Affine(w, x, b, y);

                for (int o = 0; o < outputs; o++)
                {
                    var (expected, scale) = Dot(w, x, o, inner);
                    AssertClose(y[o], expected + b[o], scale + Math.Abs(b[o]), $"inner {inner}, outputs {outputs}, output {o}");
                }
            }
        }
    }

    [Fact]
    public void Two_inputs_match_reference()
    {
        var random = new Random(22);
        foreach (int inner in InputLengths)
        {
            foreach (int otherInner in InputLengths)
            {
                foreach (int outputs in OutputCounts)
                {
                    float[] w = Values(outputs * inner, random), x = Values(inner, random), b = Values(outputs, random);
                    float[] u = Values(outputs * otherInner, random), h = Values(otherInner, random), c = Values(outputs, random);
                    float[] y = NaNs(outputs);

                    StepKernels.Affine(w, x, b, u, h, c, y);

                    for (int o = 0; o < outputs; o++)
                    {
                        var (first, firstScale) = Dot(w, x, o, inner);
                        var (second, secondScale) = Dot(u, h, o, otherInner);
                        AssertClose(
                            y[o], first + b[o] + second + c[o], firstScale + secondScale + Math.Abs(b[o]) + Math.Abs(c[o]),
                            $"inner {inner} + {otherInner}, outputs {outputs}, output {o}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Each_output_is_the_same_whatever_the_number_of_outputs()
    {
        // From four outputs on, the last few are a block of four that may overlap the block before: it must write the
        // bits that block wrote, so an output computed in a block of 8 or of 4 is the same number.
        var random = new Random(23);
        foreach (int inner in (int[])[3, 5, 7, 9, 28, 33, 129])
        {
            const int Most = 40;
            float[] w = Values(Most * inner, random), x = Values(inner, random), b = Values(Most, random);
            float[] u = Values(Most * 32, random), h = Values(32, random), c = Values(Most, random);
            float[] all = new float[Most];
            StepKernels.Affine(w, x, b, u, h, c, all);
            for (int outputs = 4; outputs <= Most; outputs++)
            {
                float[] y = NaNs(outputs);
                StepKernels.Affine(w.AsSpan(0, outputs * inner), x, b.AsSpan(0, outputs), u.AsSpan(0, outputs * 32), h, c.AsSpan(0, outputs), y);
                Assert.Equal(
                    Array.ConvertAll(all[..outputs], BitConverter.SingleToInt32Bits), Array.ConvertAll(y, BitConverter.SingleToInt32Bits));
            }
        }
    }

    [Fact]
    public void Infinity_in_a_weight_row_gives_infinity_not_NaN()
    {
        // The last vector of a row overlaps lanes already summed; masking them must not compute 0 · ∞.
        foreach (int inner in (int[])[1, 3, 4, 7, 8, 9, 17, 28, 33, 129, 145])
        {
            for (int position = 0; position < inner; position++)
            {
                foreach (bool inOther in (bool[])[false, true])
                {
                    const int Outputs = 13;
                    float[] w = Filled(Outputs * inner, 0.25f), x = Filled(inner, 0.5f), b = Filled(Outputs, 0f);
                    float[] u = Filled(Outputs * 20, 0.25f), h = Filled(20, 0.5f);
                    float[] target = inOther ? u : w;
                    int rowLength = inOther ? 20 : inner;
                    for (int o = 0; o < Outputs; o++)
                    {
                        target[(o * rowLength) + Math.Min(position, rowLength - 1)] = float.PositiveInfinity;
                    }

                    float[] y = NaNs(Outputs);
                    StepKernels.Affine(w, x, b, u, h, b, y);

                    Assert.All(y, value => Assert.Equal(float.PositiveInfinity, value));
                }
            }
        }
    }

    [Fact]
    public void Lengths_that_do_not_fit_name_the_span()
    {
        float[] w = new float[12], x = new float[3], b = new float[4], y = new float[4];

        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w.AsSpan(0, 11), x, b, y)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b.AsSpan(0, 3), y)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b, new float[5])).ParamName);
        Assert.Equal("otherWeight", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b, w, new float[4], b, y)).ParamName);
        Assert.Equal("otherBias", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b, w, x, new float[5], y)).ParamName);
        ArgumentException error = Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, new float[4], b, y));
        Assert.StartsWith("weight must have 16 elements (4 outputs × 4 inputs), but has 12.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Affine_does_not_allocate()
    {
        int longest = InputLengths[^1];
        float[] w = new float[130 * longest], x = new float[longest], u = new float[130 * 33], h = new float[33], b = new float[130], y = new float[130];
        void CallAll()
        {
            foreach (int inner in InputLengths)
            {
                foreach (int outputs in OutputCounts)
                {
                    StepKernels.Affine(w.AsSpan(0, outputs * inner), x.AsSpan(0, inner), b.AsSpan(0, outputs), y.AsSpan(0, outputs));
                    StepKernels.Affine(
                        w.AsSpan(0, outputs * inner), x.AsSpan(0, inner), b.AsSpan(0, outputs),
                        u.AsSpan(0, outputs * 33), h, b.AsSpan(0, outputs), y.AsSpan(0, outputs));
                }
            }
        }

        for (int i = 0; i < 50; i++)
        {
            CallAll(); // past tiered compilation's call-count threshold
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        CallAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
