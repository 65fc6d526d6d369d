namespace RnnGen.Benchmarks.Support;

/// <summary>
/// Checks, once per setup, that RnnGen and libtorch compute the same thing from the same weights and inputs,
/// so that a timing compares equal work.
/// </summary>
internal static class Agreement
{
    /// <summary>Largest absolute difference accepted between the two float32 outputs.</summary>
    public const float Tolerance = 1e-4f;

    /// <summary>Largest accepted where RnnGen holds its weights in bfloat16: the bound issue 4 sets for that mode.</summary>
    public const float BFloat16Tolerance = 1e-2f;

    /// <exception cref="InvalidOperationException">The outputs differ in length or by more than the tolerance; the message names the case and the first offending element.</exception>
    public static void Require(string what, ReadOnlySpan<float> rnnGen, ReadOnlySpan<float> libTorch, float tolerance = Tolerance)
    {
        if (rnnGen.Length != libTorch.Length)
        {
            throw new InvalidOperationException($"{what}: RnnGen wrote {rnnGen.Length} values, libtorch {libTorch.Length}.");
        }

        for (int i = 0; i < rnnGen.Length; i++)
        {
            if (!(MathF.Abs(rnnGen[i] - libTorch[i]) <= tolerance))
            {
                throw new InvalidOperationException(
                    $"{what}: element {i} is {rnnGen[i]} in RnnGen and {libTorch[i]} in libtorch (tolerance {tolerance}); the two sides do not compute the same network.");
            }
        }
    }
}
