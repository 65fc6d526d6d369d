using System;
using System.Collections.Generic;

namespace RnnGen.Training;

/// <summary>Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay: torch.optim.SGD.</summary>
/// <remarks>
/// Per element, with gradient g, parameter p, learning rate γ, momentum μ, dampening τ and weight decay λ:
/// <code>
/// g ← g + λ·p                                  (λ ≠ 0)
/// b ← g on the first step, else μ·b + (1 − τ)·g  (μ ≠ 0)
/// g ← g + μ·b with Nesterov, else g ← b        (μ ≠ 0)
/// p ← p − γ·g
/// </code>
/// State: <c>momentum_buffer</c> (b) when μ ≠ 0.
/// </remarks>
public sealed class Sgd : Optimizer
{
    private const string MomentumBuffer = "momentum_buffer";

    private readonly float _dampeningComplement;
    private readonly OptimizerHyperparameter[] _hyperparameters;

    /// <summary>Creates the optimizer; arguments are checked as torch.optim.SGD checks them, and must be finite.</summary>
    /// <param name="learningRate">γ; zero or positive.</param>
    /// <param name="momentum">μ; zero or positive. Zero disables momentum and its buffer.</param>
    /// <param name="dampening">τ, which scales down each new gradient in the momentum buffer.</param>
    /// <param name="weightDecay">λ of the L2 penalty added to the gradient; zero or positive.</param>
    /// <param name="nesterov">Use Nesterov momentum; needs μ &gt; 0 and τ = 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it.</exception>
    public Sgd(float learningRate, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(learningRate, momentum != 0f ? [MomentumBuffer] : [])
    {
        ArgumentGuard.NonNegative(momentum, nameof(momentum));
        ArgumentGuard.Finite(dampening, nameof(dampening));
        ArgumentGuard.NonNegative(weightDecay, nameof(weightDecay));
        if (nesterov && momentum <= 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Nesterov momentum needs momentum > 0.");
        }

        if (nesterov && dampening != 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(dampening), dampening, "Nesterov momentum needs dampening = 0.");
        }

        Momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
        _dampeningComplement = (float)(1 - WrittenValue.Of(dampening));
        _hyperparameters =
        [
            OptimizerHyperparameter.Number("momentum", momentum),
            OptimizerHyperparameter.Number("dampening", dampening),
            OptimizerHyperparameter.Number("weight_decay", weightDecay),
            OptimizerHyperparameter.Flag("nesterov", nesterov),
        ];
    }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>τ.</summary>
    public float Dampening { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>Whether the step uses Nesterov momentum.</summary>
    public bool Nesterov { get; }

    private protected override string TypeName => nameof(Sgd);

    private protected override IReadOnlyList<OptimizerHyperparameter> Hyperparameters => _hyperparameters;

    private protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, int offset, long step)
    {
        // libtorch evaluates x.add(y, alpha: a) as the fused x + a·y; MathF.FusedMultiplyAdd rounds the same way.
        Span<float> momentumBuffer = Momentum != 0f ? Buffer(0, offset, values.Length) : default;
        float negativeLearningRate = -LearningRate;
        for (int i = 0; i < values.Length; i++)
        {
            float g = gradients[i];
            if (WeightDecay != 0f)
            {
                // g = g.add(p, alpha: λ)
                g = MathF.FusedMultiplyAdd(values[i], WeightDecay, g);
            }

            if (Momentum != 0f)
            {
                // b = g.clone() on the first step, else b.mul_(μ).add_(g, alpha: 1 − τ)
                float b = step == 1 ? g : MathF.FusedMultiplyAdd(g, _dampeningComplement, momentumBuffer[i] * Momentum);
                momentumBuffer[i] = b;

                // g = g.add(b, alpha: μ) with Nesterov, else b
                g = Nesterov ? MathF.FusedMultiplyAdd(b, Momentum, g) : b;
            }

            // p.add_(g, alpha: −γ)
            values[i] = MathF.FusedMultiplyAdd(g, negativeLearningRate, values[i]);
        }
    }
}
