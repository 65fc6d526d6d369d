using System;

namespace RnnGen;

/// <summary>
/// Fully connected layer, PyTorch <c>torch.nn.Linear</c> followed by <see cref="Activation"/>. Applied per time
/// step when the previous layer returns sequences.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Creates a dense layer with <paramref name="units"/> outputs.</summary>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Outputs of the layer (PyTorch <c>out_features</c>).</summary>
    public int Units { get; }

    /// <summary>Activation applied to the outputs. Default <see cref="RnnGen.Activation.None"/> (logits).</summary>
    public Activation Activation { get; set; }

    /// <summary>Prefix of this layer's tensor names (<c>{Name}.weight</c>). Default <c>dense</c>.</summary>
    public string? Name { get; set; }
}
