namespace RnnGen;

/// <summary>Element-wise activation of a <see cref="DenseAttribute"/> or a <see cref="SimpleRnnAttribute"/>.</summary>
public enum Activation
{
    /// <summary>Identity: the layer's output is its affine product (logits).</summary>
    None = 0,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh = 1,
    /// <summary>Logistic sigmoid 1 / (1 + e^-x).</summary>
    Sigmoid = 2,
    /// <summary>max(0, x).</summary>
    Relu = 3,
    /// <summary>Softmax over the layer's outputs (per time step for sequences).</summary>
    Softmax = 4,
}
