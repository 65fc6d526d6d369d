using System;

namespace RnnGen;

/// <summary>Options shared by <see cref="SimpleRnnAttribute"/>, <see cref="LstmAttribute"/> and <see cref="GruAttribute"/>.</summary>
public abstract class RecurrentLayerAttribute : Attribute
{
    /// <summary>Creates a recurrent layer with <paramref name="hiddenSize"/> units per direction.</summary>
    protected RecurrentLayerAttribute(int hiddenSize) => HiddenSize = hiddenSize;

    /// <summary>Units per direction (PyTorch <c>hidden_size</c>).</summary>
    public int HiddenSize { get; }

    /// <summary>Stacked layers inside this attribute (PyTorch <c>num_layers</c>). Default 1.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>Also runs the sequence backwards and concatenates <c>[forward, reverse]</c> features.</summary>
    public bool Bidirectional { get; set; }

    /// <summary>
    /// <c>true</c>: one output per time step. <c>false</c>: one vector per sequence (the forward state at the
    /// sequence's own last step, then the reverse state after t = 0). When not set, a layer returns sequences
    /// exactly when another recurrent layer follows it.
    /// </summary>
    public bool ReturnSequences { get; set; }

    /// <summary>Prefix of this layer's tensor names (<c>{Name}.weight_ih_l0</c>). Default: the kind, e.g. <c>lstm</c>.</summary>
    public string? Name { get; set; }
}
