using System;

namespace RnnGen;

/// <summary>Elman RNN, PyTorch <c>torch.nn.RNN</c>: h' = act(W_ih x + b_ih + W_hh h + b_hh).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SimpleRnnAttribute : RecurrentLayerAttribute
{
    /// <summary>Creates a SimpleRNN layer with <paramref name="hiddenSize"/> units per direction.</summary>
    public SimpleRnnAttribute(int hiddenSize) : base(hiddenSize) { }

    /// <summary><see cref="RnnGen.Activation.Tanh"/> (default), <see cref="RnnGen.Activation.Relu"/> or <see cref="RnnGen.Activation.Sigmoid"/>.</summary>
    public Activation Activation { get; set; } = Activation.Tanh;
}
