using RnnGen.Training;

namespace RnnGen.Benchmarks.Models;

/// <summary>
/// One training step of a generated classifier on a fixed batch, written as a user writes it without
/// <see cref="Trainer"/>: clear the gradients, Forward, softmax cross-entropy, Backward, Adam.
/// </summary>
internal sealed class ClassifierTraining
{
    private readonly IDenseInputModel _model;
    private readonly float[] _inputs;
    private readonly int[] _lengths;
    private readonly int[] _labels;
    private readonly float[] _logits;
    private readonly float[] _logitsGradient;
    private readonly SoftmaxCrossEntropy _loss = new();
    private readonly Adam _optimizer = new();

    /// <param name="model">The model, built for at least this batch and these steps.</param>
    /// <param name="inputs">[steps, batch, InputSize], time-major.</param>
    /// <param name="labels">One class per sequence of the batch.</param>
    public ClassifierTraining(IDenseInputModel model, float[] inputs, int[] labels)
    {
        int batch = labels.Length;
        _model = model;
        _inputs = inputs;
        _labels = labels;
        _lengths = Support.TestData.FullLengths(batch, inputs.Length / (batch * model.Shape.InputSize));
        _logits = new float[batch * model.Shape.OutputSize];
        _logitsGradient = new float[_logits.Length];
    }

    /// <summary>One optimizer step on the batch.</summary>
    public void Step()
    {
        _model.Parameters.ZeroGradients();
        _model.Forward(_inputs, _lengths, _logits, initialState: default, finalState: default, training: true);
        _loss.Compute(_logits, _model.Shape.OutputSize, _labels, _logitsGradient);
        _model.Backward(_logitsGradient, inputGradient: default, initialStateGradient: default, finalStateGradient: default);
        _optimizer.Step(_model.Parameters);
    }

    /// <summary>The logits of the batch with the current weights, [batch, classes], without training.</summary>
    public float[] Logits()
    {
        _model.Forward(_inputs, _lengths, _logits, initialState: default, finalState: default, training: false);
        return [.. _logits];
    }
}
