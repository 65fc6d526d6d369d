using System;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// How <see cref="StepWeights"/> lays out the spans a step reads unpacked (biases, embedding tables) and an LSTM layer's
/// biases: each a copy of its parameters (or b_ih + b_hh) that starts on a cache line, so that a step's vector loads of
/// it never straddle two lines, and <see cref="StepWeights.Bytes"/> counts the values, not the padding between them;
/// and how it refuses a layout that does not fit the parameters.
/// </summary>
public class StepWeightsLayoutTests
{
    [Theory]
    [InlineData(StepPrecision.Float32)]
    [InlineData(StepPrecision.BFloat16)]
    public void Each_unpacked_span_starts_a_cache_line_and_holds_its_parameters(StepPrecision precision)
    {
        // A map's two matrices, then spans of odd lengths at odd offsets, one of them empty.
        float[] parameters = Parameters((16 * 3) + (16 * 4) + 40);

        (int Offset, int Length)[] spans = [(112, 13), (125, 1), (126, 0), (127, 9), (113, 27)];

        StepWeights weights = StepWeights.Create(
            typeof(StepWeightsLayoutTests), parameters, precision, [(0, 16, 3), (48, 16, 4)], spans, []);

        long values = 0;
        for (int i = 0; i < spans.Length; i++)
        {
            ReadOnlySpan<float> span = weights.Unpacked(i);
            Assert.True(span.SequenceEqual(parameters.AsSpan(spans[i].Offset, spans[i].Length)), $"span {i}");
            if (!span.IsEmpty)
            {
                AssertStartsALine(span);
            }

            values += spans[i].Length;
        }

        Assert.Equal(weights.MatrixBytes + (values * sizeof(float)), weights.Bytes);
    }

    [Theory]
    [InlineData(StepPrecision.Float32)]
    [InlineData(StepPrecision.BFloat16)]
    public void An_lstm_layer_holds_its_biases_and_their_sum_each_from_a_cache_line(StepPrecision precision)
    {
        // LSTM(3→4): W_ih [16, 3] at 0, W_hh [16, 4] at 48, b_ih at 112, b_hh at 128; then a Dense bias at 144.
        float[] parameters = Parameters(147);
        StepWeights weights = StepWeights.Create(
            typeof(StepWeightsLayoutTests), parameters, precision, [], [(144, 3)], [(0, 112, 48, 128, 3, 4)]);

        LstmStepWeights layer = weights.Lstm(0);
        Assert.Equal((3, 4), (layer.Inputs, layer.Hidden));
        Assert.True(layer.InputBias.SequenceEqual(parameters.AsSpan(112, 16)));
        Assert.True(layer.RecurrentBias.SequenceEqual(parameters.AsSpan(128, 16)));
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(BitConverter.SingleToUInt32Bits(parameters[112 + i] + parameters[128 + i]), BitConverter.SingleToUInt32Bits(layer.BiasSum[i]));
        }

        AssertStartsALine(layer.InputBias);
        AssertStartsALine(layer.RecurrentBias);
        AssertStartsALine(layer.BiasSum);

        Assert.Equal(layer.InputWeight.Bytes + layer.RecurrentWeight.Bytes, weights.MatrixBytes);
        Assert.Equal(weights.MatrixBytes + ((3 + (3 * 16)) * sizeof(float)), weights.Bytes);
        Assert.Equal(precision, layer.RecurrentWeight.Precision);
    }

    [Fact]
    public void A_layout_that_does_not_fit_the_parameters_names_its_list()
    {
        float[] parameters = Parameters(144);
        (int, int, int, int, int, int) lstm = (0, 112, 48, 128, 3, 4);
        Assert.Equal("lstmLayers", Refused([], [], [lstm with { Item1 = 100 }]));
        Assert.Equal("lstmLayers", Refused([], [], [lstm with { Item2 = 130 }]));
        Assert.Equal("lstmLayers", Refused([], [], [lstm with { Item3 = -1 }]));
        Assert.Equal("lstmLayers", Refused([], [], [lstm with { Item4 = 129 }]));
        Assert.Equal("lstmLayers", Refused([], [], [lstm with { Item5 = -3 }]));
        Assert.Equal("lstmLayers", Refused([], [], [lstm with { Item6 = 1 << 29 }]));
        Assert.Equal("matrices", Refused([(100, 16, 3)], [], []));
        Assert.Equal("matrices", Refused([(0, -16, 3)], [], []));
        Assert.Equal("unpacked", Refused([], [(140, 5)], []));
        Assert.Equal("unpacked", Refused([], [(0, -1)], []));

        string? Refused((int, int, int)[] matrices, (int, int)[] unpacked, (int, int, int, int, int, int)[] lstmLayers) =>
            Assert.Throws<ArgumentException>(() => StepWeights.Create(typeof(StepWeightsLayoutTests), parameters, StepPrecision.Float32, matrices, unpacked, lstmLayers)).ParamName;
    }

    private static unsafe void AssertStartsALine(ReadOnlySpan<float> span)
    {
        fixed (float* start = span)
        {
            Assert.Equal(0, (long)start % 64);
        }
    }

    private static float[] Parameters(int count)
    {
        float[] parameters = new float[count];
        for (int i = 0; i < count; i++)
        {
            parameters[i] = 0.25f * (i + 1);
        }

        return parameters;
    }
}
