using System;
using System.Collections.Generic;

namespace RnnGen.Training;

/// <summary>RMSprop, optionally centered and with momentum and L2 weight decay: torch.optim.RMSprop.</summary>
/// <remarks>
/// Per element, with gradient g, parameter p, learning rate γ, smoothing α, ε, weight decay λ and momentum μ:
/// <code>
/// g ← g + λ·p                          (λ ≠ 0)
/// v ← α·v + (1 − α)·g²
/// ḡ ← α·ḡ + (1 − α)·g;  d ← √(v − ḡ²) + ε  (centered)
/// d ← √v + ε                            (not centered)
/// b ← μ·b + g / d;  p ← p − γ·b         (μ &gt; 0)
/// p ← p − γ·g / d                       (μ = 0)
/// </code>
/// State: <c>square_avg</c> (v), <c>momentum_buffer</c> (b) when μ &gt; 0, <c>grad_avg</c> (ḡ) when centered.
/// </remarks>
public sealed class RmsProp : Optimizer
{
    private const string SquareAverage = "square_avg";
    private const string MomentumBuffer = "momentum_buffer";
    private const string GradientAverage = "grad_avg";

    private readonly float _alphaComplement;
    private readonly int _gradientAverageIndex;
    private readonly OptimizerHyperparameter[] _hyperparameters;

    /// <summary>Creates the optimizer; arguments are checked as torch.optim.RMSprop checks them, and must be finite.</summary>
    /// <param name="learningRate">γ; zero or positive.</param>
    /// <param name="alpha">α, the smoothing constant of the running averages; zero or positive.</param>
    /// <param name="epsilon">ε, added to the denominator; zero or positive.</param>
    /// <param name="weightDecay">λ of the L2 penalty added to the gradient; zero or positive.</param>
    /// <param name="momentum">μ; zero or positive. Zero disables momentum and its buffer.</param>
    /// <param name="centered">Normalize by an estimate of the gradient's variance rather than its second moment.</param>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range; the exception names it.</exception>
    public RmsProp(float learningRate = 0.01f, float alpha = 0.99f, float epsilon = 1e-8f, float weightDecay = 0f, float momentum = 0f, bool centered = false)
        : base(learningRate, BufferNames(momentum, centered))
    {
        ArgumentGuard.NonNegative(epsilon, nameof(epsilon));
        ArgumentGuard.NonNegative(momentum, nameof(momentum));
        ArgumentGuard.NonNegative(weightDecay, nameof(weightDecay));
        ArgumentGuard.NonNegative(alpha, nameof(alpha));
        Alpha = alpha;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
        Momentum = momentum;
        Centered = centered;
        _alphaComplement = (float)(1 - WrittenValue.Of(alpha));
        _gradientAverageIndex = momentum > 0f ? 2 : 1;
        _hyperparameters =
        [
            OptimizerHyperparameter.Number("alpha", alpha),
            OptimizerHyperparameter.Number("eps", epsilon),
            OptimizerHyperparameter.Number("weight_decay", weightDecay),
            OptimizerHyperparameter.Number("momentum", momentum),
            OptimizerHyperparameter.Flag("centered", centered),
        ];
    }

    /// <summary>α.</summary>
    public float Alpha { get; }

    /// <summary>ε.</summary>
    public float Epsilon { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <summary>μ.</summary>
    public float Momentum { get; }

    /// <summary>Whether the denominator is centered by the running mean of the gradient.</summary>
    public bool Centered { get; }

    private protected override string TypeName => nameof(RmsProp);

    private protected override IReadOnlyList<OptimizerHyperparameter> Hyperparameters => _hyperparameters;

    private protected override void Update(Span<float> values, ReadOnlySpan<float> gradients, int offset, long step)
    {
        // libtorch fuses x.add(y, alpha: a) into x + a·y and x.addcmul(y, z, value: a) into (a·y)·z + x;
        // MathF.FusedMultiplyAdd rounds the same way. x.addcdiv(y, z, value: a) is x + (a·y)/z, unfused.
        Span<float> squareAverage = Buffer(0, offset, values.Length);
        Span<float> momentumBuffer = Momentum > 0f ? Buffer(1, offset, values.Length) : default;
        Span<float> gradientAverage = Centered ? Buffer(_gradientAverageIndex, offset, values.Length) : default;
        float negativeLearningRate = -LearningRate;
        for (int i = 0; i < values.Length; i++)
        {
            float g = gradients[i];
            if (WeightDecay != 0f)
            {
                // g = g.add(p, alpha: λ)
                g = MathF.FusedMultiplyAdd(values[i], WeightDecay, g);
            }

            // v.mul_(α).addcmul_(g, g, value: 1 − α)
            float v = MathF.FusedMultiplyAdd(_alphaComplement * g, g, squareAverage[i] * Alpha);
            squareAverage[i] = v;

            float denominator;
            if (Centered)
            {
                // ḡ.mul_(α).add_(g, alpha: 1 − α); d = v.addcmul(ḡ, ḡ, value: −1).sqrt_().add_(ε)
                float mean = MathF.FusedMultiplyAdd(g, _alphaComplement, gradientAverage[i] * Alpha);
                gradientAverage[i] = mean;
                denominator = MathF.Sqrt(MathF.FusedMultiplyAdd(-mean, mean, v)) + Epsilon;
            }
            else
            {
                // d = v.sqrt().add_(ε)
                denominator = MathF.Sqrt(v) + Epsilon;
            }

            if (Momentum > 0f)
            {
                // b.mul_(μ).addcdiv_(g, d); p.add_(b, alpha: −γ)
                float b = (momentumBuffer[i] * Momentum) + (g / denominator);
                momentumBuffer[i] = b;
                values[i] = MathF.FusedMultiplyAdd(b, negativeLearningRate, values[i]);
            }
            else
            {
                // p.addcdiv_(g, d, value: −γ)
                values[i] += negativeLearningRate * g / denominator;
            }
        }
    }

    private static string[] BufferNames(float momentum, bool centered) =>
        (momentum > 0f, centered) switch
        {
            (true, true) => [SquareAverage, MomentumBuffer, GradientAverage],
            (true, false) => [SquareAverage, MomentumBuffer],
            (false, true) => [SquareAverage, GradientAverage],
            (false, false) => [SquareAverage],
        };
}
