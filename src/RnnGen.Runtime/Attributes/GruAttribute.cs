using System;

namespace RnnGen;

/// <summary>Gated recurrent unit layer, PyTorch <c>torch.nn.GRU</c> (gates r, z, n).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GruAttribute : RecurrentLayerAttribute
{
    /// <summary>Creates a GRU layer with <paramref name="hiddenSize"/> units per direction.</summary>
    public GruAttribute(int hiddenSize) : base(hiddenSize) { }
}
