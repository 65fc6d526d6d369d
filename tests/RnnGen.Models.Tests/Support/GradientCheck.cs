namespace RnnGen.Models.Tests.Support;

/// <summary>
/// Central finite differences of L = Σ output ⊙ R + Σ finalState ⊙ S against the generated Backward, for parameters,
/// inputs and initial states. The model computes in float32, so the loss is summed in double and the step is large
/// enough that rounding noise (≈1e-6 in L) stays far below the tolerance, while a wrong term errs by ≳1e-2.
/// </summary>
public sealed class GradientCheck
{
    private const float Step = 1e-2f;
    private const double AbsoluteTolerance = 1e-3;
    private const double RelativeTolerance = 1e-2;

    private readonly ParameterSet _parameters;
    private readonly Action<float[], float[]> _forward;
    private readonly float[] _outputWeights;
    private readonly float[] _stateWeights;
    private readonly float[] _outputs;
    private readonly float[] _finalState;
    private readonly List<string> _failures = [];
    private int _checked;

    private GradientCheck(IRnnModel model, int steps, int batch, Action<float[], float[]> forward, SeededRandom random)
        : this(model.Parameters, model.Shape.OutputLength(steps, batch), model.Shape.StateSize * batch, forward, random)
    {
    }

    private GradientCheck(ParameterSet parameters, int outputLength, int stateLength, Action<float[], float[]> forward, SeededRandom random)
    {
        _parameters = parameters;
        _forward = forward;
        _outputs = new float[outputLength];
        _finalState = new float[stateLength];
        _outputWeights = Gaussian(_outputs.Length, 1f, random);
        _stateWeights = Gaussian(_finalState.Length, 1f, random);
    }

    public static float[] Gaussian(int length, float scale, SeededRandom random)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = scale * random.NextGaussian();
        }

        return values;
    }

    /// <summary>Random lengths in [1, steps], the first one full so the batch really has <paramref name="steps"/> steps.</summary>
    public static int[] Lengths(int steps, int batch, SeededRandom random)
    {
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = b == 0 ? steps : 1 + random.NextInt(steps);
        }

        return lengths;
    }

    /// <summary>Checks every gradient of a feature-input model; returns the number of values compared.</summary>
    public static int Run(IDenseInputModel model, int steps, int batch, ulong seed, bool training = false, Action? beforeForward = null)
    {
        var random = new SeededRandom(seed);
        int[] lengths = Lengths(steps, batch, random);
        float[] inputs = Gaussian(steps * batch * model.Shape.InputSize, 1f, random);
        float[] initialState = Gaussian(batch * model.Shape.StateSize, 0.5f, random);
        var check = new GradientCheck(model, steps, batch, (outputs, finalState) =>
        {
            beforeForward?.Invoke();
            model.Forward(inputs, lengths, outputs, initialState, finalState, training);
        }, random);

        float[] inputGradient = new float[inputs.Length];
        float[] initialStateGradient = new float[initialState.Length];
        check.Analytic(() => model.Backward(check._outputWeights, inputGradient, initialStateGradient, check._stateWeights));
        check.Compare("parameters", model.Parameters.Values, model.Parameters.Gradients.ToArray(), random, model.Parameters);
        check.Compare("inputs", inputs, inputGradient, random);
        check.Compare("initial state", initialState, initialStateGradient, random);
        check.AssertClean();
        return check._checked;
    }

    /// <summary>Checks the parameter and initial-state gradients of a token-input model.</summary>
    public static int Run(ITokenInputModel model, int steps, int batch, ulong seed)
    {
        var random = new SeededRandom(seed);
        int[] lengths = Lengths(steps, batch, random);
        int[] tokens = new int[steps * batch];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = random.NextInt(Math.Min(model.Shape.InputSize, 4)); // few ids, so rows repeat
        }

        float[] initialState = Gaussian(batch * model.Shape.StateSize, 0.5f, random);
        var check = new GradientCheck(model, steps, batch, (outputs, finalState) => model.Forward(tokens, lengths, outputs, initialState, finalState, false), random);
        float[] initialStateGradient = new float[initialState.Length];
        check.Analytic(() => model.Backward(check._outputWeights, initialStateGradient, check._stateWeights));
        check.Compare("parameters", model.Parameters.Values, model.Parameters.Gradients.ToArray(), random, model.Parameters);
        check.Compare("initial state", initialState, initialStateGradient, random);
        check.AssertClean();
        return check._checked;
    }

    /// <summary>
    /// Checks an encoder–decoder pair through the state hand-off: L = Σ logits ⊙ R for the parameters of both models and,
    /// when <paramref name="sources"/> is given, the dense sources (which <paramref name="backward"/> must write into its gradient).
    /// </summary>
    /// <param name="forward">Runs the pair's Forward on fixed data into the logits.</param>
    /// <param name="backward">Runs the pair's Backward with the given logit gradient.</param>
    public static int RunPair(ParameterSet parameters, int logitsLength, Action<float[]> forward, Action<float[]> backward, ulong seed, (float[] Values, float[] Gradient)? sources = null)
    {
        var random = new SeededRandom(seed);
        var check = new GradientCheck(parameters, logitsLength, 0, (logits, _) => forward(logits), random);
        check.Analytic(() => backward(check._outputWeights));
        check.Compare("parameters", parameters.Values, parameters.Gradients.ToArray(), random, parameters);
        if (sources is { } source)
        {
            check.Compare("sources", source.Values, source.Gradient.ToArray(), random);
        }

        check.AssertClean();
        return check._checked;
    }

    private void Analytic(Action backward)
    {
        _parameters.ZeroGradients();
        _forward(_outputs, _finalState);
        backward();
    }

    private double Loss()
    {
        _forward(_outputs, _finalState);
        double loss = 0;
        for (int i = 0; i < _outputs.Length; i++)
        {
            loss += (double)_outputs[i] * _outputWeights[i];
        }

        for (int i = 0; i < _finalState.Length; i++)
        {
            loss += (double)_finalState[i] * _stateWeights[i];
        }

        return loss;
    }

    /// <summary>
    /// Compares up to 60 entries per tensor (all of a small one), chosen at random. <paramref name="values"/> is the
    /// memory the forward pass reads (the model's parameter buffer, or an array its closure captured).
    /// </summary>
    private void Compare(string what, Span<float> values, float[] analytic, SeededRandom random, ParameterSet? parameters = null)
    {
        var ranges = parameters is null
            ? [(what, 0, values.Length)]
            : parameters.Tensors.Select(t => (t.Name, t.Offset, t.Length)).ToList();
        float[] copy = values.ToArray();
        foreach (var (name, offset, length) in ranges)
        {
            int samples = Math.Min(length, 60);
            for (int s = 0; s < samples; s++)
            {
                int index = offset + (length <= 60 ? s : random.NextInt(length));
                float original = copy[index];
                values[index] = original + Step;
                double plus = Loss();
                values[index] = original - Step;
                double minus = Loss();
                values[index] = original;
                double numeric = (plus - minus) / (2.0 * Step);
                double error = Math.Abs(numeric - analytic[index]);
                _checked++;
                if (!(error <= AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric))))
                {
                    _failures.Add($"{name}[{index - offset}]: backward {analytic[index]:G6}, finite difference {numeric:G6}");
                }
            }
        }
    }

    private void AssertClean() =>
        Assert.True(_failures.Count == 0, $"{_failures.Count} of {_checked} gradients disagree:\n" + string.Join("\n", _failures.Take(20)));
}
