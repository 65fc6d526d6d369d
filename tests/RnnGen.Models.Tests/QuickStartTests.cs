using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

[RnnModel(InputSize = 1)]
[Lstm(16)]
[Dense(1)]
public partial class MeanReader;

/// <summary>The README's quick start, end to end: plain SGD on Forward/Backward learns a task, then Step streams it.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public void Plain_sgd_learns_the_mean_of_variable_length_sequences()
    {
        const int Steps = 8, Batch = 32;
        var random = new SeededRandom(7);
        var model = new MeanReader(maxBatch: Batch, maxSteps: Steps, seed: 1);
        float[] inputs = new float[Steps * Batch];
        int[] lengths = new int[Batch];
        float[] targets = new float[Batch];
        float[] outputs = new float[Batch];
        float[] outputGradient = new float[Batch];

        float Train()
        {
            for (int b = 0; b < Batch; b++)
            {
                lengths[b] = b == 0 ? Steps : 1 + random.NextInt(Steps);
                float sum = 0;
                for (int t = 0; t < Steps; t++)
                {
                    float x = t < lengths[b] ? random.NextUniform(-1f, 1f) : 0f;
                    inputs[(t * Batch) + b] = x;
                    sum += x;
                }

                targets[b] = sum / lengths[b];
            }

            model.Forward(inputs, lengths, outputs, training: true);
            float loss = 0;
            for (int b = 0; b < Batch; b++)
            {
                float error = outputs[b] - targets[b];
                loss += error * error / Batch;
                outputGradient[b] = 2 * error / Batch;
            }

            model.Parameters.ZeroGradients();
            model.Backward(outputGradient);
            Span<float> weights = model.Parameters.Values, gradients = model.Parameters.Gradients;
            for (int i = 0; i < weights.Length; i++)
            {
                weights[i] -= 0.5f * gradients[i];
            }

            return loss;
        }

        float first = 0;
        for (int update = 0; update < 20; update++)
        {
            first += Train() / 20;
        }

        for (int update = 0; update < 600; update++)
        {
            Train();
        }

        float last = 0;
        for (int update = 0; update < 20; update++)
        {
            last += Train() / 20;
        }

        Assert.True(last < 0.25f * first, $"mean squared error went from {first:F4} to {last:F4}");

        float[] sequence = [0.9f, -0.2f, 0.4f, 0.7f];
        var state = new MeanReader.State();
        float[] prediction = new float[1];
        foreach (float x in sequence)
        {
            model.Step([x], ref state, prediction);
        }

        Assert.InRange(prediction[0], sequence.Average() - 0.2f, sequence.Average() + 0.2f);
    }
}
