using System;
using System.Collections.Generic;

namespace RnnGen.Training;

/// <summary>Adam, optionally AMSGrad, with L2 weight decay added to the gradient: torch.optim.Adam.</summary>
/// <remarks>
/// Per element at step t, with gradient g, parameter p, learning rate γ, β₁, β₂, ε and weight decay λ:
/// <code>
/// g ← g + λ·p                          (λ ≠ 0)
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// v̂ ← max(v̂, v), used for v            (AMSGrad)
/// p ← p − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// State: <c>exp_avg</c> (m), <c>exp_avg_sq</c> (v), and <c>max_exp_avg_sq</c> (v̂) with AMSGrad.
/// For weight decay that does not pass through the moments, use <see cref="AdamW"/>.
/// </remarks>
public sealed class Adam : Optimizer
{
    private readonly AdamRule _rule;

    /// <summary>Creates the optimizer; arguments are checked as torch.optim.Adam checks them, and must be finite.</summary>
    /// <param name="learningRate">γ; zero or positive.</param>
    /// <param name="beta1">β₁, the decay of the first moment; in [0, 1).</param>
    /// <param name="beta2">β₂, the decay of the second moment; in [0, 1).</param>
    /// <param name="epsilon">ε, added to the denominator; zero or positive.</param>
    /// <param name="weightDecay">λ of the L2 penalty added to the gradient; zero or positive.</param>
    /// <param name="amsGrad">Divide by the largest second moment so far (AMSGrad).</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it.</exception>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f, bool amsGrad = false)
        : base(learningRate, AdamRule.BufferNames(amsGrad))
    {
        _rule = new AdamRule(beta1, beta2, epsilon, weightDecay, amsGrad, decoupledWeightDecay: false);
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        AmsGrad = amsGrad;
    }

    /// <summary>β₁.</summary>
    public float Beta1 { get; }

    /// <summary>β₂.</summary>
    public float Beta2 { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the AMSGrad variant is used.</summary>
    public bool AmsGrad { get; }

    private protected override string TypeName => nameof(Adam);

    private protected override IReadOnlyList<OptimizerHyperparameter> Hyperparameters => _rule.Hyperparameters;

    private protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, int offset, long step) =>
        _rule.Apply(values, gradients, Buffer(0, offset, values.Length), Buffer(1, offset, values.Length), AmsGrad ? Buffer(2, offset, values.Length) : default, step, LearningRateAsWritten);
}
