using System;

namespace RnnGen;

/// <summary>Long short-term memory layer, PyTorch <c>torch.nn.LSTM</c> (gates i, f, g, o).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmAttribute : RecurrentLayerAttribute
{
    /// <summary>Creates an LSTM layer with <paramref name="hiddenSize"/> units per direction.</summary>
    public LstmAttribute(int hiddenSize) : base(hiddenSize) { }
}
