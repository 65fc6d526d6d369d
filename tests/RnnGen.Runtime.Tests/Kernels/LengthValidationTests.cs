using System;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>A length check against a product of sizes taken in long: a product past int's range is refused, not wrapped.</summary>
public sealed class LengthValidationTests
{
    [Fact]
    public void A_product_past_ints_range_is_refused_where_int_would_wrap_to_the_actual_length()
    {
        // 2^32 + 4 wraps to 4 in int arithmetic: a span of 4 values must not pass for it.
        long expected = (1L << 32) + 4;
        Assert.Equal(4, unchecked((int)expected));

        var error = Assert.Throws<ArgumentException>(() => SequenceKernels.ValidateLength(4, expected, "output"));

        Assert.Equal("output", error.ParamName);
        Assert.Contains("Expected 4294967300 values, got 4.", error.Message, StringComparison.Ordinal);
        SequenceKernels.ValidateLength(4, 4L, "output");
    }
}
