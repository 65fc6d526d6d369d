namespace RnnGen;

/// <summary>How <see cref="StepWeights"/> holds a model's weight matrices for <c>Step</c>.</summary>
public enum StepPrecision
{
    /// <summary>
    /// float32 (<c>torch.float32</c>), the trained values, copied into the order Step's kernel streams them (a panel of rows column by column):
    /// outputs equal those of Step on <c>Parameters</c> up to float rounding.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The name of torch.float32, which users of PyTorch know.")]
    Float32,

    /// <summary>
    /// bfloat16 (<c>torch.bfloat16</c>), the upper half of a float32, rounded to nearest with ties to even as PyTorch's
    /// <c>.to(torch.bfloat16)</c> rounds: half the bytes a step streams, which is what bounds a step at hidden sizes
    /// of about 128 and more. Products and sums stay float32, and biases and embeddings are not rounded; the
    /// rounding of the weights (a relative error of at most 2⁻⁹) moves outputs by about 1e-3 on typical models.
    /// </summary>
    BFloat16,
}
