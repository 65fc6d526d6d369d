using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>After construction, Forward, Backward, Predict and Step (the last two with or without packed weights) allocate nothing (exact, per thread).</summary>
[Collection(KernelSettingsGroup.Name)]
public sealed class AllocationTests
{
    [Fact]
    public void Training_step_and_inference_allocate_zero_bytes_after_warm_up()
    {
        const int Steps = 9;
        const int Batch = 4;
        var model = new RowClassifier(maxBatch: Batch, maxSteps: Steps, seed: 1);
        var random = new SeededRandom(2);
        float[] inputs = GradientCheck.Gaussian(Steps * Batch * RowClassifier.InputSize, 1f, random);
        int[] lengths = [9, 3, 9, 5];
        float[] outputs = new float[Batch * RowClassifier.OutputSize];
        float[] outputGradient = GradientCheck.Gaussian(outputs.Length, 1f, random);
        float[] inputGradient = new float[inputs.Length];
        float[] state = new float[Batch * RowClassifier.StateSize];
        float[] stateGradient = new float[state.Length];
        float[] logits = new float[RowClassifier.OutputSize];
        var streaming = new RowClassifier.State();
        StepWeights packed = model.CreateStepWeights(StepPrecision.Float32);
        StepWeights halved = model.CreateStepWeights(StepPrecision.BFloat16);

        void Run()
        {
            model.Parameters.ZeroGradients();
            model.Forward(inputs, lengths, outputs, state, state, training: true);
            model.Backward(outputGradient, inputGradient, stateGradient, stateGradient);
            model.Predict(inputs.AsSpan(0, 3 * RowClassifier.InputSize), logits);
            model.Step(inputs.AsSpan(0, RowClassifier.InputSize), ref streaming, logits);
            model.Step(inputs.AsSpan(0, RowClassifier.InputSize), ref streaming, logits, packed);
            model.Step(inputs.AsSpan(0, RowClassifier.InputSize), ref streaming, logits, halved);
            model.Predict(inputs.AsSpan(0, 3 * RowClassifier.InputSize), logits, packed);
            model.Predict(inputs.AsSpan(0, 3 * RowClassifier.InputSize), logits, halved);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            Run();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Token_models_with_dropout_allocate_zero_bytes_after_warm_up()
    {
        var tagger = new EmbeddingLstmTagger(maxBatch: 2, maxSteps: 4, seed: 1);
        var dropout = new LstmDropoutHead(maxBatch: 2, maxSteps: 4, seed: 1);
        int[] tokens = [1, 2, 3, 4, 5, 6, 7, 8];
        float[] tags = new float[4 * 2 * EmbeddingLstmTagger.OutputSize];
        float[] features = GradientCheck.Gaussian(4 * 2 * LstmDropoutHead.InputSize, 1f, new SeededRandom(3));
        float[] scores = new float[2 * LstmDropoutHead.OutputSize];
        StepWeights packed = tagger.CreateStepWeights(StepPrecision.Float32);

        void Run()
        {
            tagger.Forward(tokens, [4, 2], tags);
            tagger.Backward(tags);
            tagger.Predict(tokens.AsSpan(0, 4), tags.AsSpan(0, 4 * EmbeddingLstmTagger.OutputSize), packed);
            dropout.Forward(features, [4, 4], scores, training: true);
            dropout.Backward(scores);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            Run();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
