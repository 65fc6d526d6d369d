using System;

namespace RnnGen.Runtime.Tests.Weights;

public class TensorDescriptorTests
{
    [Fact]
    public void Descriptors_with_equal_shapes_in_different_arrays_are_equal_and_hash_alike()
    {
        var left = new TensorDescriptor("lstm.weight_ih_l0", 12, [28, 5]);
        var right = new TensorDescriptor("lstm.weight_ih_l0", 12, [28, 5]);

        Assert.Equal(left, right);
        Assert.True(left == right);
        Assert.Equal(left.GetHashCode(), right.GetHashCode());
    }

    [Fact]
    public void Descriptors_differing_in_name_offset_or_any_dimension_are_not_equal()
    {
        var descriptor = new TensorDescriptor("w", 0, [28, 5]);

        Assert.NotEqual(descriptor, descriptor with { Name = "v" });
        Assert.NotEqual(descriptor, descriptor with { Offset = 1 });
        Assert.NotEqual(descriptor, descriptor with { Shape = [28, 6] });
        Assert.NotEqual(descriptor, descriptor with { Shape = [28] });
        Assert.NotEqual(descriptor, descriptor with { Shape = [28, 5, 1] });
        Assert.False(descriptor.Equals(null));
    }

    [Fact]
    public void Length_is_the_product_of_the_shape_and_1_for_a_scalar()
    {
        Assert.Equal(140, new TensorDescriptor("w", 0, [28, 5]).Length);
        Assert.Equal(1, new TensorDescriptor("s", 0, []).Length);
        Assert.Equal(0, new TensorDescriptor("e", 0, [3, 0]).Length);
    }

    [Fact]
    public void Length_of_an_impossible_shape_throws_naming_the_tensor()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => new TensorDescriptor("w", 0, [65536, 65536]).Length);

        Assert.Contains("'w'", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new TensorDescriptor("w", 0, [-1]).Length);
    }

    [Fact]
    public void ToString_shows_the_name_shape_and_offset()
    {
        Assert.Equal("lstm.bias_ih_l0 [28] at 280", new TensorDescriptor("lstm.bias_ih_l0", 280, [28]).ToString());
    }
}
