using System;
using System.Runtime.Intrinsics;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>The vector tanh against the double function, at two widths that must agree bit for bit.</summary>
public class VectorMathTests
{
    // Every 101st float from 0 to 10 (about 11 million): past 9 the result is ±1 by construction.
    private const int Stride = 101;

    [Fact]
    public void Tanh_is_within_five_ulps_of_the_double_function_and_the_same_at_every_width()
    {
        int end = BitConverter.SingleToInt32Bits(10f);
        float[] x = new float[8];
        int worst = 0;
        float worstAt = 0;
        for (int bits = 0; bits < end; bits += 8 * Stride)
        {
            for (int lane = 0; lane < 8; lane++)
            {
                x[lane] = BitConverter.Int32BitsToSingle(Math.Min(bits + (lane * Stride), end));
            }

            Vector256<float> wide = VectorMath.Tanh<Simd256, Vector256<float>>(Vector256.Create(x));
            Vector128<float> low = VectorMath.Tanh<Simd128, Vector128<float>>(Vector128.Create(x, 0));
            Vector128<float> high = VectorMath.Tanh<Simd128, Vector128<float>>(Vector128.Create(x, 4));
            Vector256<float> negative = VectorMath.Tanh<Simd256, Vector256<float>>(-Vector256.Create(x));
            for (int lane = 0; lane < 8; lane++)
            {
                float actual = wide[lane];
                Assert.Equal(BitConverter.SingleToInt32Bits(actual), BitConverter.SingleToInt32Bits(lane < 4 ? low[lane] : high[lane - 4]));
                Assert.Equal(BitConverter.SingleToInt32Bits(-actual), BitConverter.SingleToInt32Bits(negative[lane]));
                int distance = Math.Abs(BitConverter.SingleToInt32Bits(actual) - BitConverter.SingleToInt32Bits((float)Math.Tanh(x[lane])));
                if (distance > worst)
                {
                    (worst, worstAt) = (distance, x[lane]);
                }
            }
        }

        Assert.True(worst <= 5, $"tanh({worstAt:R}) is {worst} ulps from the double function");
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(1e-45f, 1e-45f)]
    [InlineData(-1e-30f, -1e-30f)]
    [InlineData(9.0001f, 1f)]
    [InlineData(-20f, -1f)]
    [InlineData(3e38f, 1f)]
    [InlineData(float.PositiveInfinity, 1f)]
    [InlineData(float.NegativeInfinity, -1f)]
    public void Tanh_keeps_signed_zeros_and_tiny_values_and_saturates_to_exactly_one(float x, float expected)
    {
        float actual = VectorMath.Tanh<Simd256, Vector256<float>>(Vector256.Create(x))[0];

        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual));
    }

    [Fact]
    public void Tanh_of_negative_zero_is_negative_zero()
    {
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(VectorMath.Tanh<Simd256, Vector256<float>>(Vector256.Create(-0f))[0]));
    }

    [Fact]
    public void Tanh_propagates_NaN()
    {
        Assert.True(float.IsNaN(VectorMath.Tanh<Simd256, Vector256<float>>(Vector256.Create(float.NaN))[0]));
        Assert.True(float.IsNaN(VectorMath.Tanh<Simd128, Vector128<float>>(Vector128.Create(float.NaN))[0]));
    }
}
