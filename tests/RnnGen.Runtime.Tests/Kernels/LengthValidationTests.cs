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

    /// <summary>The output and gradient checks say the shape they expect, so a caller sees which dimension is off.</summary>
    [Fact]
    public void Shape_checks_name_the_shape_and_counts_are_said_in_good_grammar()
    {
        var sequence = Assert.Throws<ArgumentException>(() => SequenceKernels.ValidateShape(8, 4, 2, 2, "outputs"));
        Assert.Equal("Expected [steps 4, batch 2, 2] = 16 values, got 8. (Parameter 'outputs')", sequence.Message);
        var batch = Assert.Throws<ArgumentException>(() => SequenceKernels.ValidateShape(3, 2, 5, "outputGradient"));
        Assert.Equal("Expected [batch 2, 5] = 10 values, got 3. (Parameter 'outputGradient')", batch.Message);
        SequenceKernels.ValidateShape(16, 4, 2, 2, "outputs");
        SequenceKernels.ValidateShape(10, 2, 5, "outputs");

        Assert.StartsWith("Expected 1 value, got 2.", Assert.Throws<ArgumentException>(() => SequenceKernels.ValidateLength(2, 1, "output")).Message, StringComparison.Ordinal);
        Assert.StartsWith("The batch has 1 sequence (one length each)", Assert.Throws<ArgumentException>(() => SequenceKernels.ValidateBatch(2, 1, [1], maxBatch: 0, maxSteps: 4, "inputs", "lengths")).Message, StringComparison.Ordinal);
    }
}
