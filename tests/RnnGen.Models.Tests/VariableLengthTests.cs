using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>
/// A padded batch must give each sequence exactly what it gets alone at its own length (PyTorch's packed-sequence
/// semantics): outputs, final states (the reverse direction included) and every gradient.
/// </summary>
public sealed class VariableLengthTests
{
    public static TheoryData<string> Models => ["lstm-bi-stacked", "gru-bi-vector", "rnn-bi-tagger", "lstm-into-gru"];

    private static IDenseInputModel Create(string name, int batch, int steps) => name switch
    {
        "lstm-bi-stacked" => new StackedBidirectionalLstm(batch, steps, 5),
        "gru-bi-vector" => new BidirectionalGruClassifier(batch, steps, 5),
        "rnn-bi-tagger" => new BidirectionalRnnTagger(batch, steps, 5),
        _ => new LstmIntoGru(batch, steps, 5),
    };

    public static TheoryData<string, int[]> ModelsAndLengths()
    {
        var data = new TheoryData<string, int[]>();
        foreach (string model in Models)
        {
            data.Add(model, [6, 2, 4, 1]); // any order: every row is computed, finished ones are masked
            data.Add(model, [6, 5, 3, 1]); // longest first: finished rows are skipped
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndLengths))]
    public void Padded_batch_equals_each_sequence_run_alone(string name, int[] lengths)
    {
        const int Steps = 6;
        int batch = lengths.Length;
        var random = new SeededRandom(99);
        var batched = Create(name, batch, Steps);
        var shape = batched.Shape;
        float[] inputs = GradientCheck.Gaussian(Steps * batch * shape.InputSize, 1f, random);
        float[] initialState = GradientCheck.Gaussian(batch * shape.StateSize, 0.5f, random);
        float[] outputGradient = GradientCheck.Gaussian(shape.OutputLength(Steps, batch), 1f, random);
        float[] finalStateGradient = GradientCheck.Gaussian(batch * shape.StateSize, 1f, random);

        // padding is garbage, even NaN: it must never reach a result
        for (int t = 0; t < Steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                if (t >= lengths[b])
                {
                    inputs.AsSpan(((t * batch) + b) * shape.InputSize, shape.InputSize).Fill(float.NaN);
                    if (shape.ReturnsSequences)
                    {
                        outputGradient.AsSpan(((t * batch) + b) * shape.OutputSize, shape.OutputSize).Fill(float.NaN);
                    }
                }
            }
        }

        float[] outputs = new float[outputGradient.Length];
        float[] finalState = new float[initialState.Length];
        float[] inputGradient = new float[inputs.Length];
        float[] initialStateGradient = new float[initialState.Length];
        batched.Forward(inputs, lengths, outputs, initialState, finalState, false);
        batched.Backward(outputGradient, inputGradient, initialStateGradient, finalStateGradient);
        float[] batchedParameterGradient = batched.Parameters.Gradients.ToArray();
        float[] summedAloneGradient = new float[batchedParameterGradient.Length];

        for (int b = 0; b < batch; b++)
        {
            int length = lengths[b];
            var alone = Create(name, 1, Steps);
            float[] x = new float[length * shape.InputSize];
            for (int t = 0; t < length; t++)
            {
                inputs.AsSpan(((t * batch) + b) * shape.InputSize, shape.InputSize).CopyTo(x.AsSpan(t * shape.InputSize));
            }

            float[] dy = new float[shape.OutputLength(length, 1)];
            float[] y = new float[dy.Length];
            for (int t = 0; t < (shape.ReturnsSequences ? length : 1); t++)
            {
                int row = shape.ReturnsSequences ? (t * batch) + b : b;
                outputGradient.AsSpan(row * shape.OutputSize, shape.OutputSize).CopyTo(dy.AsSpan(t * shape.OutputSize));
            }

            float[] s0 = Row(initialState, b, batch, name);
            float[] dsT = Row(finalStateGradient, b, batch, name);
            float[] sT = new float[shape.StateSize];
            float[] dx = new float[x.Length];
            float[] ds0 = new float[shape.StateSize];
            alone.Forward(x, [length], y, s0, sT, false);
            alone.Backward(dy, dx, ds0, dsT);

            for (int t = 0; t < Steps; t++)
            {
                bool inside = t < length;
                if (shape.ReturnsSequences || t == 0)
                {
                    int row = shape.ReturnsSequences ? (t * batch) + b : b;
                    var actual = outputs.AsSpan(row * shape.OutputSize, shape.OutputSize);
                    if (inside)
                    {
                        AssertClose(y.AsSpan(t * shape.OutputSize, shape.OutputSize), actual, $"output of sequence {b} at step {t}");
                    }
                    else
                    {
                        Assert.True(actual.ToArray().All(v => v == 0f), $"padded output of sequence {b} at step {t} is not zero");
                    }
                }

                var gradientRow = inputGradient.AsSpan(((t * batch) + b) * shape.InputSize, shape.InputSize);
                if (inside)
                {
                    AssertClose(dx.AsSpan(t * shape.InputSize, shape.InputSize), gradientRow, $"input gradient of sequence {b} at step {t}");
                }
                else
                {
                    Assert.True(gradientRow.ToArray().All(v => v == 0f), $"padded input gradient of sequence {b} at step {t} is not zero");
                }
            }

            AssertClose(sT, Row(finalState, b, batch, name), $"final state of sequence {b}");
            AssertClose(ds0, Row(initialStateGradient, b, batch, name), $"initial state gradient of sequence {b}");
            var aloneGradient = alone.Parameters.Gradients;
            for (int i = 0; i < summedAloneGradient.Length; i++)
            {
                summedAloneGradient[i] += aloneGradient[i];
            }
        }

        AssertClose(summedAloneGradient, batchedParameterGradient, "parameter gradients (batch = sum over sequences)");
    }

    /// <summary>Widths of the [batch, H] blocks that make up a batch's state, in order (h blocks, then c for an LSTM, per layer).</summary>
    private static int[] StateBlocks(string name) => name switch
    {
        "lstm-bi-stacked" => [5, 5, 5, 5, 5, 5, 5, 5],
        "gru-bi-vector" => [6, 6, 6, 6],
        "rnn-bi-tagger" => [4, 4],
        _ => [6, 6, 5, 5],
    };

    /// <summary>Sequence b's state, gathered from every [batch, H] block of a batch state.</summary>
    private static float[] Row(float[] state, int b, int batch, string name)
    {
        int[] blocks = StateBlocks(name);
        float[] row = new float[blocks.Sum()];
        int source = 0;
        int target = 0;
        foreach (int hidden in blocks)
        {
            state.AsSpan(source + (b * hidden), hidden).CopyTo(row.AsSpan(target));
            source += batch * hidden;
            target += hidden;
        }

        Assert.Equal(state.Length, source);
        return row;
    }

    private static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 2e-5 * Math.Max(1, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}[{i}]: alone {expected[i]:G7}, in the batch {actual[i]:G7}");
        }
    }
}
