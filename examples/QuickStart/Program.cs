// RnnGen quick start: declare a model, train it with a few hundred plain SGD steps, then stream it with Step.
// Task: read a sequence of 1 to 8 numbers and output their mean — the model must carry a running sum in its state.
using System.Diagnostics;
using System.Globalization;
using QuickStart;
using RnnGen;

const int Steps = 8, Batch = 32;
int updates = args.Contains("--quick") ? 200 : 1500;
var clock = Stopwatch.StartNew();
var random = new SeededRandom(7);
var model = new MeanReader(maxBatch: Batch, maxSteps: Steps, seed: 1);

float[] inputs = new float[Steps * Batch];          // [steps, batch, InputSize = 1], time-major like PyTorch
int[] lengths = new int[Batch];
float[] targets = new float[Batch];
float[] outputs = new float[Batch * MeanReader.OutputSize];
float[] outputGradient = new float[outputs.Length];

float Train(float learningRate)
{
    for (int b = 0; b < Batch; b++)
    {
        lengths[b] = b == 0 ? Steps : 1 + random.NextInt(Steps);
        float sum = 0;
        for (int t = 0; t < Steps; t++)
        {
            float x = t < lengths[b] ? random.NextUniform(-1f, 1f) : 0f;   // steps past a length are padding
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
        outputGradient[b] = 2 * error / Batch;                        // d(mean squared error)/d(output)
    }

    model.Parameters.ZeroGradients();
    model.Backward(outputGradient);
    Span<float> weights = model.Parameters.Values, gradients = model.Parameters.Gradients;
    for (int i = 0; i < weights.Length; i++)
    {
        weights[i] -= learningRate * gradients[i];                    // plain SGD
    }

    return loss;
}

float first = Train(0.5f), recent = first;
for (int update = 1; update < updates; update++)
{
    recent = (0.98f * recent) + (0.02f * Train(0.5f));
    if (update % 250 == 0)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"update {update,4}: mean squared error {recent:F5}"));
    }
}

// Streaming: one step at a time, the state held by the caller on the stack.
float[] sequence = [0.9f, -0.2f, 0.4f, 0.7f];
var state = new MeanReader.State();
Span<float> prediction = stackalloc float[MeanReader.OutputSize];
for (int t = 0; t < sequence.Length; t++)
{
    model.Step(sequence.AsSpan(t, 1), ref state, prediction);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"after {t + 1} values: predicted mean {prediction[0]:F3}, true mean {sequence[..(t + 1)].Average():F3}"));
}

// Invariant culture: the RESULT line reads the same under every locale (0.00412, never 0,00412).
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first batch {first:F4} → last batches {recent:F5} ({MeanReader.ParameterCount} parameters)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT task=quickstart metric=mse value={recent:F5} seconds={clock.Elapsed.TotalSeconds:F1}"));
