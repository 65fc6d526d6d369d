using System.IO;

namespace RnnGen.Models.Tests.Support;

/// <summary>The libtorch reference files, copied next to the tests from tests/Fixtures/libtorch.</summary>
public static class Fixtures
{
    public static SafetensorsFile Read(string stem) =>
        SafetensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "libtorch", stem + ".safetensors"));

    /// <summary>Worst |actual − expected| relative to the reference's scale max(1, max |expected|).</summary>
    public static double ScaledError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }

        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs((double)actual[i] - expected[i]);
            if (double.IsNaN(error))
            {
                return double.PositiveInfinity;
            }

            worst = Math.Max(worst, error);
        }

        return worst / scale;
    }
}
