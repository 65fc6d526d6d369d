using System;
using System.Linq;
using RnnGen.Runtime.Tests.Weights;
using RnnGen.Training;
using Xunit.Abstractions;

namespace RnnGen.Runtime.Tests.Training;

public sealed class GradientClippingTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Clipping_matches_libtorch_clip_grad_norm()
    {
        SafetensorsFile file = SafetensorsFile.Read(LibtorchFixtures.PathOf("optim/clip_grad_norm.safetensors"));
        ParameterSet parameters = OptimizerTrajectory.CreateParameters();
        file["a.grad"].CopyToFloat32(parameters.GradientOf("a"));
        file["b.grad"].CopyToFloat32(parameters.GradientOf("b"));

        float totalNorm = GradientClipping.ClipByGlobalNorm(parameters.Gradients, maxNorm: 1f);

        float expectedNorm = file["total_norm"].ToFloat32()[0];
        var comparison = new TrajectoryComparison();
        comparison.Add(1, "total_norm", [totalNorm], [expectedNorm]);
        comparison.Add(1, "a.grad", parameters.GradientOf("a"), file["a.grad.clipped"].ToFloat32());
        comparison.Add(1, "b.grad", parameters.GradientOf("b"), file["b.grad.clipped"].ToFloat32());
        output.WriteLine($"clip_grad_norm: {comparison}");
        Assert.True(totalNorm > 1f, "The fixture's gradients should need clipping.");
        Assert.True(comparison.WorstError <= Tolerance, comparison.ToString());
    }

    [Fact]
    public void The_global_norm_is_the_L2_norm_of_everything()
    {
        Assert.Equal(5f, GradientClipping.GlobalNorm([3f, 0f, -4f]));
        Assert.Equal(0f, GradientClipping.GlobalNorm([]));
    }

    [Fact]
    public void The_global_norm_sums_in_double_so_large_and_small_values_do_not_overflow_or_vanish()
    {
        float[] large = [3e30f, 4e30f];
        float[] small = [3e-30f, 4e-30f];

        Assert.Equal(5e30f, GradientClipping.GlobalNorm(large));
        Assert.Equal(5e-30f, GradientClipping.GlobalNorm(small));
    }

    [Fact]
    public void Gradients_above_the_maximum_are_scaled_to_it()
    {
        float[] gradients = [3f, 0f, -4f];

        float norm = GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 2.5f);

        Assert.Equal(5f, norm);
        float coefficient = 2.5f / (5f + 1e-6f);
        Assert.Equal([3f * coefficient, 0f, -4f * coefficient], gradients);
        Assert.Equal(2.5, GradientClipping.GlobalNorm(gradients), 1e-6);
    }

    [Fact]
    public void Gradients_within_the_maximum_are_unchanged()
    {
        float[] gradients = [0.3f, -0.4f, 0.1f];
        float[] original = gradients.ToArray();

        float norm = GradientClipping.ClipByGlobalNorm(gradients, maxNorm: 1f);

        Assert.Equal(GradientClipping.GlobalNorm(original), norm);
        Assert.Equal(original, gradients);
    }

    [Fact]
    public void A_non_finite_norm_is_not_an_error_as_in_PyTorch_by_default()
    {
        float[] withNaN = [float.NaN, 1f];
        float[] withInfinity = [float.PositiveInfinity, 1f];

        float nanNorm = GradientClipping.ClipByGlobalNorm(withNaN, maxNorm: 1f);
        float infiniteNorm = GradientClipping.ClipByGlobalNorm(withInfinity, maxNorm: 1f);

        Assert.True(float.IsNaN(nanNorm));
        Assert.All(withNaN, g => Assert.True(float.IsNaN(g)));
        Assert.Equal(float.PositiveInfinity, infiniteNorm);
        Assert.True(float.IsNaN(withInfinity[0]));
        Assert.Equal(0f, withInfinity[1]);
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void The_maximum_norm_must_be_finite_and_not_negative(float maxNorm)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ClipByGlobalNorm(new float[3], maxNorm));

        Assert.Equal("maxNorm", error.ParamName);
    }
}
