using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>Streaming one step at a time with a caller-held State gives what Forward gives for the whole sequence.</summary>
public sealed class StepTests
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void Step_reproduces_forward_of_a_classifier_and_its_final_state()
    {
        const int Steps = 7;
        var model = new RowClassifier(seed: 3);
        float[] sequence = GradientCheck.Gaussian(Steps * RowClassifier.InputSize, 1f, new SeededRandom(4));
        float[] expected = new float[RowClassifier.OutputSize];
        float[] finalState = new float[RowClassifier.StateSize];
        model.Forward(sequence, [Steps], expected, default, finalState);

        var state = new RowClassifier.State();
        float[] output = new float[RowClassifier.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            model.Step(sequence.AsSpan(t * RowClassifier.InputSize, RowClassifier.InputSize), ref state, output);
        }

        Assert.True(Fixtures.ScaledError(output, expected) <= Tolerance);
        Span<float> held = state;
        Assert.True(Fixtures.ScaledError(held, finalState) <= Tolerance);
    }

    [Fact]
    public void Step_reproduces_every_output_of_a_token_tagger()
    {
        const int Steps = 6;
        var model = new EmbeddingLstmTagger(seed: 5);
        int[] tokens = [1, 8, 0, 3, 3, 7];
        float[] expected = new float[Steps * EmbeddingLstmTagger.OutputSize];
        model.Predict(tokens, expected);

        var state = default(EmbeddingLstmTagger.State);
        float[] output = new float[EmbeddingLstmTagger.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            model.Step(tokens[t], ref state, output);
            Assert.True(Fixtures.ScaledError(output, expected.AsSpan(t * EmbeddingLstmTagger.OutputSize, EmbeddingLstmTagger.OutputSize)) <= Tolerance, $"step {t}");
        }
    }

    [Fact]
    public void Step_through_stacked_layers_and_an_inference_dropout()
    {
        const int Steps = 5;
        var stacked = new SigmoidRnnClassifier(seed: 6);
        var front = new DenseFrontLstm(seed: 7);
        float[] x = GradientCheck.Gaussian(Steps * 3, 1f, new SeededRandom(8));

        float[] stackedExpected = new float[SigmoidRnnClassifier.OutputSize];
        stacked.Predict(x, stackedExpected);
        float[] frontExpected = new float[Steps * DenseFrontLstm.OutputSize];
        front.Predict(x, frontExpected);

        var stackedState = new SigmoidRnnClassifier.State();
        var frontState = new DenseFrontLstm.State();
        float[] stackedOutput = new float[SigmoidRnnClassifier.OutputSize];
        float[] frontOutput = new float[DenseFrontLstm.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            stacked.Step(x.AsSpan(t * 3, 3), ref stackedState, stackedOutput);
            front.Step(x.AsSpan(t * 3, 3), ref frontState, frontOutput);
            Assert.True(Fixtures.ScaledError(frontOutput, frontExpected.AsSpan(t * DenseFrontLstm.OutputSize, DenseFrontLstm.OutputSize)) <= Tolerance, $"step {t}");
        }

        Assert.True(Fixtures.ScaledError(stackedOutput, stackedExpected) <= Tolerance);
    }

    [Fact]
    public void Step_rejects_a_wrong_input_length_and_an_unknown_token()
    {
        var model = new RowClassifier();
        var state = new RowClassifier.State();
        var error = Assert.Throws<ArgumentException>(() => model.Step(new float[27], ref state, new float[10]));
        Assert.Equal("input", error.ParamName);
        Assert.Contains("28", error.Message, StringComparison.Ordinal);

        var tagger = new EmbeddingLstmTagger();
        var taggerState = new EmbeddingLstmTagger.State();
        Assert.Throws<ArgumentOutOfRangeException>(() => tagger.Step(9, ref taggerState, new float[4]));
    }
}
