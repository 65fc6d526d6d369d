using System;
using RnnGen.Kernels;
using static RnnGen.Runtime.Tests.Kernels.StepReference;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The packed maps of Step (<see cref="PackedStepMatrix"/>) against a double-precision reference, packed for vectors of
/// 4, 8 and 16 floats whatever this machine has, over odd and even input lengths and output counts that leave many
/// remainders of a panel (32, 64 or 128 rows). In bfloat16 the reference uses the weights rounded as PyTorch rounds
/// them, so the test pins down both the rounding and the float32 arithmetic after it. Outputs start as NaN.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public class PackedStepKernelsTests
{
    private static readonly int[] Lanes = [4, 8, 16];

    private static readonly int[] InputLengths = [0, 1, 3, 4, 5, 8, 9, 16, 17, 28, 31, 32, 33, 67];

    private static readonly int[] OutputCounts = [0, 1, 3, 7, 8, 9, 16, 17, 32, 40, 41, 50, 63, 64, 75, 100, 128, 130, 150];

    private static readonly StepPrecision[] Precisions = [StepPrecision.Float32, StepPrecision.BFloat16];

    [Fact]
    public void BFloat16_rounds_to_nearest_even_like_pytorch()
    {
        Assert.Equal(0x3F80, PackedStepMatrix.BFloat16Bits(1f));
        Assert.Equal(0x3F80, PackedStepMatrix.BFloat16Bits(1f + MathF.Pow(2, -8)));                      // tie, to the even 0x3F80
        Assert.Equal(0x3F82, PackedStepMatrix.BFloat16Bits(1f + (3 * MathF.Pow(2, -8))));                // tie, to the even 0x3F82
        Assert.Equal(0x3F81, PackedStepMatrix.BFloat16Bits(1f + MathF.Pow(2, -8) + MathF.Pow(2, -20)));  // above the tie
        Assert.Equal(0x3F80, PackedStepMatrix.BFloat16Bits(1f + MathF.Pow(2, -8) - MathF.Pow(2, -20)));  // below it
        Assert.Equal(0xBFC0, PackedStepMatrix.BFloat16Bits(-1.5f));
        Assert.Equal(0x7F80, PackedStepMatrix.BFloat16Bits(float.MaxValue));                              // rounds up to ∞, as in c10
        Assert.Equal(0xFF80, PackedStepMatrix.BFloat16Bits(float.NegativeInfinity));
        Assert.Equal(0x8000, PackedStepMatrix.BFloat16Bits(-float.Epsilon));                              // to −0
        Assert.Equal(0x7FC0, PackedStepMatrix.BFloat16Bits(float.NaN));
        Assert.Equal(0x7FC0, PackedStepMatrix.BFloat16Bits(BitConverter.UInt32BitsToSingle(0xFFC0_0001)));
    }

    [Fact]
    public void One_input_matches_reference_at_every_width_and_precision()
    {
        var random = new Random(31);
        foreach (int lanes in Lanes)
        {
            foreach (StepPrecision precision in Precisions)
            {
                foreach (int inner in InputLengths)
                {
                    foreach (int outputs in OutputCounts)
                    {
                        float[] w = Values(outputs * inner, random), x = Values(inner, random), b = Values(outputs, random);
                        float[] y = NaNs(outputs);

                        StepKernels.Affine(PackedStepMatrix.Pack(w, outputs, inner, precision, lanes), x, b, y);

                        float[] held = Held(w, precision);
                        for (int o = 0; o < outputs; o++)
                        {
                            var (expected, scale) = Dot(held, x, o, inner);
                            AssertClose(y[o], expected + b[o], scale + Math.Abs(b[o]), $"{precision}, {lanes} lanes, inner {inner}, outputs {outputs}, output {o}");
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Two_inputs_match_reference_at_every_width_and_precision()
    {
        var random = new Random(32);
        foreach (int lanes in Lanes)
        {
            foreach (StepPrecision precision in Precisions)
            {
                foreach (int inner in InputLengths)
                {
                    foreach (int otherInner in (int[])[0, 1, 9, 32, 33])
                    {
                        foreach (int outputs in OutputCounts)
                        {
                            float[] w = Values(outputs * inner, random), x = Values(inner, random), b = Values(outputs, random);
                            float[] u = Values(outputs * otherInner, random), h = Values(otherInner, random), c = Values(outputs, random);
                            float[] y = NaNs(outputs);

                            StepKernels.Affine(
                                PackedStepMatrix.Pack(w, outputs, inner, precision, lanes), x, b,
                                PackedStepMatrix.Pack(u, outputs, otherInner, precision, lanes), h, c, y);

                            float[] heldW = Held(w, precision), heldU = Held(u, precision);
                            for (int o = 0; o < outputs; o++)
                            {
                                var (first, firstScale) = Dot(heldW, x, o, inner);
                                var (second, secondScale) = Dot(heldU, h, o, otherInner);
                                AssertClose(
                                    y[o], first + b[o] + second + c[o], firstScale + secondScale + Math.Abs(b[o]) + Math.Abs(c[o]),
                                    $"{precision}, {lanes} lanes, inner {inner} + {otherInner}, outputs {outputs}, output {o}");
                            }
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void BFloat16_stays_within_its_rounding_of_float32()
    {
        // Each weight moves by at most 2⁻⁹ of itself, so an output by at most 2⁻⁹ of Σ|w·x| (plus float32 rounding).
        var random = new Random(33);
        const int Outputs = 512, Inner = 128;
        float[] w = Values(Outputs * Inner, random), x = Values(Inner, random), b = new float[Outputs];
        float[] single = new float[Outputs], half = new float[Outputs];
        StepKernels.Affine(PackedStepMatrix.Pack(w, Outputs, Inner, StepPrecision.Float32), x, b, single);
        StepKernels.Affine(PackedStepMatrix.Pack(w, Outputs, Inner, StepPrecision.BFloat16), x, b, half);

        double largest = 0;
        for (int o = 0; o < Outputs; o++)
        {
            var (_, scale) = Dot(w, x, o, Inner);
            double bound = (Math.Pow(2, -9) + 1e-5) * scale;
            Assert.True(Math.Abs(half[o] - single[o]) <= bound, $"output {o}: {half[o]} vs {single[o]}, bound {bound:E2}");
            largest = Math.Max(largest, Math.Abs(half[o] - single[o]));
        }

        Assert.True(largest > 0, "bfloat16 weights gave float32's outputs exactly: the weights were not rounded.");
    }

    [Theory]
    [InlineData(4, 10, 3)]
    [InlineData(8, 17, 3)]
    [InlineData(8, 64, 8)]
    [InlineData(8, 65, 9)]
    [InlineData(8, 100, 13)]
    [InlineData(16, 130, 9)]
    public void The_last_panel_holds_only_the_vectors_its_rows_need(int lanes, int rows, int vectors)
    {
        // A Dense head of 100 outputs streams a whole panel and then five vectors per column, not two whole panels.
        const int Columns = 7;
        float[] w = new float[rows * Columns];
        foreach (StepPrecision precision in (StepPrecision[])[StepPrecision.Float32, StepPrecision.BFloat16])
        {
            int slotColumns = precision == StepPrecision.BFloat16 ? (Columns + 1) / 2 : Columns;
            Assert.Equal((long)vectors * lanes * slotColumns * sizeof(float), PackedStepMatrix.Pack(w, rows, Columns, precision, lanes).Bytes);
        }
    }

    [Theory]
    [InlineData(4, 8)]
    [InlineData(8, 10)]
    [InlineData(8, 16)]
    [InlineData(16, 1)]
    [InlineData(16, 32)]
    public void Two_vectors_of_rows_or_fewer_stay_row_major_in_float32(int lanes, int rows)
    {
        // Rows for the dot-product kernel; in bfloat16 the values are the bfloat16 ones, each in a float32.
        const int Columns = 7;
        float[] w = Values(rows * Columns, new Random(rows));
        PackedStepMatrix single = PackedStepMatrix.Pack(w, rows, Columns, StepPrecision.Float32, lanes);
        PackedStepMatrix half = PackedStepMatrix.Pack(w, rows, Columns, StepPrecision.BFloat16, lanes);

        Assert.True(single.RowMajor && half.RowMajor);
        Assert.Equal(4L * rows * Columns, single.Bytes);
        Assert.Equal(4L * rows * Columns, half.Bytes);
        Assert.Equal(w, single.Values.ToArray());
        Assert.Equal(Held(w, StepPrecision.BFloat16), half.Values.ToArray());
        Assert.False(PackedStepMatrix.Pack(new float[((2 * lanes) + 1) * Columns], (2 * lanes) + 1, Columns, StepPrecision.Float32, lanes).RowMajor);
    }

    [Fact]
    public void Nothing_past_the_inputs_is_read()
    {
        // The inputs are slices of arrays that go on with NaN, so that reading past an input (the missing partner of an
        // odd count's last column in bfloat16, say) turns an output into NaN.
        var random = new Random(35);
        foreach (int lanes in Lanes)
        {
            foreach (StepPrecision precision in Precisions)
            {
                // Row-major (13 rows at 8 or 16 lanes), a half panel (13 at 4 lanes), whole panels and a last one (130).
                foreach ((int outputs, int inner) in ((int, int)[])[(13, 1), (13, 3), (13, 9), (13, 17), (13, 28), (13, 33), (13, 40), (130, 3), (130, 17), (130, 33)])
                {
                    const int OtherInner = 20;
                    float[] w = Values(outputs * inner, random), u = Values(outputs * OtherInner, random), b = Values(outputs, random);
                    PackedStepMatrix packedW = PackedStepMatrix.Pack(w, outputs, inner, precision, lanes);
                    PackedStepMatrix packedU = PackedStepMatrix.Pack(u, outputs, OtherInner, precision, lanes);
                    float[] x = NaNs(inner + 64), h = NaNs(OtherInner + 64), y = NaNs(outputs);
                    Values(inner, random).CopyTo(x, 0);
                    Values(OtherInner, random).CopyTo(h, 0);

                    StepKernels.Affine(packedW, x.AsSpan(0, inner), b, packedU, h.AsSpan(0, OtherInner), b, y);

                    float[] heldW = Held(w, precision), heldU = Held(u, precision);
                    for (int o = 0; o < outputs; o++)
                    {
                        var (first, firstScale) = Dot(heldW, x, o, inner);
                        var (second, secondScale) = Dot(heldU, h, o, OtherInner);
                        AssertClose(y[o], first + second + (2.0 * b[o]), firstScale + secondScale + (2 * Math.Abs(b[o])), $"{precision}, {lanes} lanes, {outputs} outputs, inner {inner}, output {o}");
                    }
                }
            }
        }
    }

    [Fact]
    public void Infinity_in_a_weight_gives_infinity_not_NaN()
    {
        // A weight of ∞ meets a finite input; the padding (zero rows, an odd column's zero half) is never taken with it.
        foreach (int lanes in Lanes)
        {
            foreach (StepPrecision precision in Precisions)
            {
                foreach (int inner in (int[])[1, 3, 9, 28, 33])
                {
                    int outputs = 13 + (inner * 8); // 21 to 277: full panels and a partial one
                    float[] w = Filled(outputs * inner, 0.25f), x = Filled(inner, 0.5f), b = Filled(outputs, 0f);
                    for (int o = 0; o < outputs; o++)
                    {
                        w[(o * inner) + (o % inner)] = float.PositiveInfinity;
                    }

                    float[] y = NaNs(outputs);
                    StepKernels.Affine(PackedStepMatrix.Pack(w, outputs, inner, precision, lanes), x, b, y);

                    Assert.All(y, value => Assert.Equal(float.PositiveInfinity, value));
                }
            }
        }
    }

    [Fact]
    public void Shapes_that_do_not_fit_name_the_span()
    {
        PackedStepMatrix w = PackedStepMatrix.Pack(new float[12], 4, 3, StepPrecision.Float32);
        float[] x = new float[3], b = new float[4], y = new float[4];

        Assert.Equal("input", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, new float[4], b, y)).ParamName);
        Assert.Equal("bias", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, new float[3], y)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, new float[5], new float[5])).ParamName);
        Assert.Equal("otherInput", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b, w, new float[2], b, y)).ParamName);
        Assert.Equal("otherBias", Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b, w, x, new float[5], y)).ParamName);
        Assert.Equal("weight", Assert.Throws<ArgumentNullException>(() => StepKernels.Affine((PackedStepMatrix)null!, x, b, y)).ParamName);

        PackedStepMatrix half = PackedStepMatrix.Pack(new float[12], 4, 3, StepPrecision.BFloat16);
        ArgumentException mixed = Assert.Throws<ArgumentException>(() => StepKernels.Affine(w, x, b, half, x, b, y));
        Assert.Equal("otherWeight", mixed.ParamName);
        Assert.Contains("BFloat16", mixed.Message, StringComparison.Ordinal);
        PackedStepMatrix wide = PackedStepMatrix.Pack(new float[12], 4, 3, StepPrecision.Float32, lanes: 16);
        PackedStepMatrix narrow = PackedStepMatrix.Pack(new float[12], 4, 3, StepPrecision.Float32, lanes: 4);
        Assert.Equal("otherWeight", Assert.Throws<ArgumentException>(() => StepKernels.Affine(wide, x, b, narrow, x, b, y)).ParamName);
    }

    [Fact]
    public void Pack_rejects_a_weight_of_the_wrong_length_an_unknown_precision_and_a_width_without_kernel()
    {
        ArgumentException length = Assert.Throws<ArgumentException>(() => PackedStepMatrix.Pack(new float[11], 4, 3, StepPrecision.Float32));
        Assert.Equal("weight", length.ParamName);
        Assert.StartsWith("weight must have 12 elements (4 rows × 3 columns), but has 11.", length.Message, StringComparison.Ordinal);
        Assert.Equal("precision", Assert.Throws<ArgumentOutOfRangeException>(() => PackedStepMatrix.Pack(new float[12], 4, 3, (StepPrecision)7)).ParamName);
        Assert.Equal("rows", Assert.Throws<ArgumentOutOfRangeException>(() => PackedStepMatrix.Pack([], -1, 3, StepPrecision.Float32)).ParamName);
        Assert.Equal("lanes", Assert.Throws<ArgumentOutOfRangeException>(() => PackedStepMatrix.Pack(new float[12], 4, 3, StepPrecision.Float32, lanes: 32)).ParamName);
    }

    [Fact]
    public void Packed_maps_do_not_allocate()
    {
        var random = new Random(34);
        PackedStepMatrix[] matrices =
        [
            PackedStepMatrix.Pack(Values(512 * 28, random), 512, 28, StepPrecision.Float32),
            PackedStepMatrix.Pack(Values(512 * 128, random), 512, 128, StepPrecision.Float32),
            PackedStepMatrix.Pack(Values(512 * 28, random), 512, 28, StepPrecision.BFloat16),
            PackedStepMatrix.Pack(Values(512 * 128, random), 512, 128, StepPrecision.BFloat16),
            PackedStepMatrix.Pack(Values(100 * 128, random), 100, 128, StepPrecision.Float32), // a last panel, stored through a buffer
            PackedStepMatrix.Pack(Values(100 * 128, random), 100, 128, StepPrecision.BFloat16),
            PackedStepMatrix.Pack(Values(10 * 128, random), 10, 128, StepPrecision.BFloat16), // row-major with 8 or 16 lanes
        ];
        float[] x = Values(28, random), h = Values(128, random), b = Values(512, random), y = new float[512];
        void CallAll()
        {
            StepKernels.Affine(matrices[0], x, b, matrices[1], h, b, y);
            StepKernels.Affine(matrices[2], x, b, matrices[3], h, b, y);
            StepKernels.Affine(matrices[1], h, b, y);
            StepKernels.Affine(matrices[3], h, b, y);
            StepKernels.Affine(matrices[4], h, b.AsSpan(0, 100), y.AsSpan(0, 100));
            StepKernels.Affine(matrices[5], h, b.AsSpan(0, 100), y.AsSpan(0, 100));
            StepKernels.Affine(matrices[6], h, b.AsSpan(0, 10), y.AsSpan(0, 10));
        }

        for (int i = 0; i < 50; i++)
        {
            CallAll(); // past tiered compilation's call-count threshold
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        CallAll();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    // The weights as the packed matrix holds them: bfloat16's are float32 with the lower half cleared after rounding.
    private static float[] Held(float[] w, StepPrecision precision) =>
        precision == StepPrecision.Float32 ? w : Array.ConvertAll(w, v => BitConverter.UInt32BitsToSingle((uint)PackedStepMatrix.BFloat16Bits(v) << 16));
}
