using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RnnGen.Training;

/// <summary>
/// The update shared by <see cref="Adam"/> and <see cref="AdamW"/>, which differ only in how weight decay
/// enters: added to the gradient (L2, torch.optim.Adam) or applied to the parameter (decoupled, torch.optim.AdamW).
/// </summary>
internal sealed class AdamRule
{
    private readonly float _beta1;
    private readonly float _beta2;
    private readonly float _epsilon;
    private readonly float _weightDecay;
    private readonly bool _amsGrad;
    private readonly bool _decoupledWeightDecay;
    private readonly double _beta1AsWritten;
    private readonly double _beta2AsWritten;
    private readonly double _weightDecayAsWritten;
    private readonly float _beta1Complement;
    private readonly float _beta2Complement;

    /// <summary>Checks the arguments as torch.optim.Adam does (and that they are finite), naming the public parameters.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public AdamRule(float beta1, float beta2, float epsilon, float weightDecay, bool amsGrad, bool decoupledWeightDecay)
    {
        ArgumentGuard.NonNegative(epsilon, nameof(epsilon));
        ArgumentGuard.InUnitInterval(beta1, nameof(beta1));
        ArgumentGuard.InUnitInterval(beta2, nameof(beta2));
        ArgumentGuard.NonNegative(weightDecay, nameof(weightDecay));
        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _amsGrad = amsGrad;
        _decoupledWeightDecay = decoupledWeightDecay;
        _beta1AsWritten = WrittenValue.Of(beta1);
        _beta2AsWritten = WrittenValue.Of(beta2);
        _weightDecayAsWritten = WrittenValue.Of(weightDecay);
        _beta1Complement = (float)(1 - _beta1AsWritten);
        _beta2Complement = (float)(1 - _beta2AsWritten);
        Hyperparameters =
        [
            OptimizerHyperparameter.Number("beta1", beta1),
            OptimizerHyperparameter.Number("beta2", beta2),
            OptimizerHyperparameter.Number("eps", epsilon),
            OptimizerHyperparameter.Number("weight_decay", weightDecay),
            OptimizerHyperparameter.Flag("amsgrad", amsGrad),
        ];
    }

    public OptimizerHyperparameter[] Hyperparameters { get; }

    /// <summary>The state buffers, named as in PyTorch's state dict.</summary>
    public static string[] BufferNames(bool amsGrad) =>
        amsGrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"];

    /// <summary>
    /// One step t of torch.optim.Adam's single-tensor update. <paramref name="maxSecondMoment"/> is used only with
    /// AMSGrad; <paramref name="learningRateAsWritten"/> is γ as PyTorch's double.
    /// </summary>
    public void Apply(
        Span<float> values,
        ReadOnlySpan<float> gradients,
        Span<float> firstMoment,
        Span<float> secondMoment,
        Span<float> maxSecondMoment,
        long step,
        double learningRateAsWritten)
    {
        if (gradients.Length != values.Length || firstMoment.Length != values.Length || secondMoment.Length != values.Length
            || (_amsGrad && maxSecondMoment.Length != values.Length))
        {
            throw new ArgumentException($"Adam's buffers must all hold {values.Length} floats, one per parameter.", nameof(gradients));
        }

        // Python-float scalars, cast to float32 where a tensor operation takes them.
        double biasCorrection1 = 1 - Math.Pow(_beta1AsWritten, step);
        double biasCorrection2 = 1 - Math.Pow(_beta2AsWritten, step);
        float negativeStepSize = (float)-(learningRateAsWritten / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float decayFactor = (float)(1 - (learningRateAsWritten * _weightDecayAsWritten));

        // libtorch fuses x.add(y, alpha: a) into x + a·y and x.addcmul(y, z, value: a) into (a·y)·z + x;
        // MathF.FusedMultiplyAdd rounds the same way. x.addcdiv(y, z, value: a) is x + (a·y)/z, unfused.
        // The vector loop does the same operations in the same order (fused multiply-adds, IEEE square root and
        // division are exact in every lane), so each element gets the bits the scalar loop would give it.
        var constants = new StepConstants(negativeStepSize, biasCorrection2Sqrt, decayFactor);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float valuesRef = ref MemoryMarshal.GetReference(values);
            ref float gradientsRef = ref MemoryMarshal.GetReference(gradients);
            ref float firstRef = ref MemoryMarshal.GetReference(firstMoment);
            ref float secondRef = ref MemoryMarshal.GetReference(secondMoment);
            ref float maxRef = ref MemoryMarshal.GetReference(maxSecondMoment);
            for (; i <= values.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                ApplyVector(ref Unsafe.Add(ref valuesRef, i), ref Unsafe.Add(ref gradientsRef, i), ref Unsafe.Add(ref firstRef, i), ref Unsafe.Add(ref secondRef, i), ref Unsafe.Add(ref maxRef, i), constants);
            }
        }

        for (; i < values.Length; i++)
        {
            float p = values[i];
            float g = gradients[i];
            if (_decoupledWeightDecay)
            {
                // p.mul_(1 − γλ)
                p *= decayFactor;
            }
            else if (_weightDecay != 0f)
            {
                // g = g.add(p, alpha: λ)
                g = MathF.FusedMultiplyAdd(p, _weightDecay, g);
            }

            // m.mul_(β₁).add_(g, alpha: 1 − β₁); v.mul_(β₂).addcmul_(g, g, value: 1 − β₂)
            float m = MathF.FusedMultiplyAdd(g, _beta1Complement, firstMoment[i] * _beta1);
            float v = MathF.FusedMultiplyAdd(_beta2Complement * g, g, secondMoment[i] * _beta2);
            firstMoment[i] = m;
            secondMoment[i] = v;
            if (_amsGrad)
            {
                // torch.maximum(v_max, v, out: v_max), which propagates NaN as MathF.Max does
                v = MathF.Max(maxSecondMoment[i], v);
                maxSecondMoment[i] = v;
            }

            // d = (v.sqrt() / √(1 − β₂ᵗ)).add_(ε); p.addcdiv_(m, d, value: −γ / (1 − β₁ᵗ))
            float denominator = (MathF.Sqrt(v) / biasCorrection2Sqrt) + _epsilon;
            values[i] = p + (negativeStepSize * m / denominator);
        }
    }

    /// <summary>Eight elements of <see cref="Apply"/>, line for line as its scalar loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ApplyVector(ref float value, ref float gradient, ref float first, ref float second, ref float max, in StepConstants constants)
    {
        var p = Vector256.LoadUnsafe(ref value);
        var g = Vector256.LoadUnsafe(ref gradient);
        if (_decoupledWeightDecay)
        {
            p *= Vector256.Create(constants.DecayFactor);
        }
        else if (_weightDecay != 0f)
        {
            g = Vector256.FusedMultiplyAdd(p, Vector256.Create(_weightDecay), g);
        }

        var m = Vector256.FusedMultiplyAdd(g, Vector256.Create(_beta1Complement), Vector256.LoadUnsafe(ref first) * Vector256.Create(_beta1));
        var v = Vector256.FusedMultiplyAdd(Vector256.Create(_beta2Complement) * g, g, Vector256.LoadUnsafe(ref second) * Vector256.Create(_beta2));
        m.StoreUnsafe(ref first);
        v.StoreUnsafe(ref second);
        if (_amsGrad)
        {
            v = Vector256.Max(Vector256.LoadUnsafe(ref max), v);
            v.StoreUnsafe(ref max);
        }

        var denominator = (Vector256.Sqrt(v) / Vector256.Create(constants.BiasCorrection2Sqrt)) + Vector256.Create(_epsilon);
        (p + (Vector256.Create(constants.NegativeStepSize) * m / denominator)).StoreUnsafe(ref value);
    }

    /// <summary>The per-step scalars of <see cref="Apply"/>, as float32 as the tensor operations take them.</summary>
    private readonly record struct StepConstants(float NegativeStepSize, float BiasCorrection2Sqrt, float DecayFactor);
}
