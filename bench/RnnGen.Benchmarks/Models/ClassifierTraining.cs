using RnnGen.Benchmarks.Support;
using RnnGen.Training;

namespace RnnGen.Benchmarks.Models;

/// <summary>
/// One training step of a generated classifier on a fixed batch, written as a user writes it without
/// <see cref="Trainer"/>: clear the gradients, Forward, softmax cross-entropy, Backward, Adam.
/// </summary>
internal sealed class ClassifierTraining
{
    private readonly IDenseInputModel _model;
    private readonly int[] _lengths;
    private readonly float[] _logits;
    private readonly float[] _logitsGradient;
    private readonly SoftmaxCrossEntropy _loss = new();
    private readonly Adam _optimizer = new();

    // The model, built for at least this batch of 28-step sequences; the inputs and labels are the benchmark's seeded batch.
    private ClassifierTraining(IDenseInputModel model, int batch)
    {
        _model = model;
        Inputs = TestData.Uniform(Sizes.Steps * batch * Sizes.Input, seed: 303);
        Labels = TestData.Labels(batch, Sizes.Classes, seed: 304);
        _lengths = TestData.FullLengths(batch, Sizes.Steps);
        _logits = new float[batch * model.Shape.OutputSize];
        _logitsGradient = new float[_logits.Length];
    }

    /// <summary>The model's parameters (the values the torch side copies).</summary>
    public ParameterSet Parameters => _model.Parameters;

    /// <summary>The batch, [steps, batch, InputSize], time-major.</summary>
    public float[] Inputs { get; }

    /// <summary>One class per sequence of the batch.</summary>
    public int[] Labels { get; }

    /// <summary>LSTM(28→128) → Dense(10) on a batch of <paramref name="batch"/> sequences.</summary>
    public static ClassifierTraining Lstm(int batch) =>
        new(new LstmClassifier(maxBatch: batch, maxSteps: Sizes.Steps, seed: 6), batch);

    /// <summary>GRU(28→128) → Dense(10) on a batch of <paramref name="batch"/> sequences.</summary>
    public static ClassifierTraining Gru(int batch) =>
        new(new GruClassifier(maxBatch: batch, maxSteps: Sizes.Steps, seed: 7), batch);

    /// <summary>One optimizer step on the batch.</summary>
    public void Step()
    {
        _model.Parameters.ZeroGradients();
        _model.Forward(Inputs, _lengths, _logits, initialState: default, finalState: default, training: true);
        _loss.Compute(_logits, _model.Shape.OutputSize, Labels, _logitsGradient);
        _model.Backward(_logitsGradient, inputGradient: default, initialStateGradient: default, finalStateGradient: default);
        _optimizer.Step(_model.Parameters);
    }

    /// <summary>The logits of the batch with the current weights, [batch, classes], without training.</summary>
    public float[] Logits()
    {
        _model.Forward(Inputs, _lengths, _logits, initialState: default, finalState: default, training: false);
        return [.. _logits];
    }
}
