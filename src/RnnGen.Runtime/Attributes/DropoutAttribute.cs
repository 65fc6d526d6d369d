using System;

namespace RnnGen;

/// <summary>
/// Inverted dropout, PyTorch <c>torch.nn.Dropout</c>: in training each feature is zeroed with probability
/// <see cref="Rate"/> and the rest scaled by 1 / (1 − rate); at inference it passes values through.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DropoutAttribute : Attribute
{
    /// <summary>Creates a dropout layer that drops each feature with probability <paramref name="rate"/>.</summary>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>Probability of zeroing a feature, in [0, 1).</summary>
    public double Rate { get; }

    /// <summary>Name used in diagnostics. Default <c>dropout</c>.</summary>
    public string? Name { get; set; }
}
