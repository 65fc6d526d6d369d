using System;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// How <see cref="StepWeights"/> lays out the spans a step reads unpacked (biases, embedding tables): each a copy of its
/// parameters that starts on a cache line, so that a step's vector loads of it never straddle two lines, and
/// <see cref="StepWeights.Bytes"/> counts the values, not the padding between them.
/// </summary>
public class StepWeightsLayoutTests
{
    [Theory]
    [InlineData(StepPrecision.Float32)]
    [InlineData(StepPrecision.BFloat16)]
    public unsafe void Each_unpacked_span_starts_a_cache_line_and_holds_its_parameters(StepPrecision precision)
    {
        // A map's two matrices, then spans of odd lengths at odd offsets, one of them empty.
        float[] parameters = new float[(16 * 3) + (16 * 4) + 40];
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = 0.25f * (i + 1);
        }

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
                fixed (float* start = span)
                {
                    Assert.Equal(0, (long)start % 64);
                }
            }

            values += spans[i].Length;
        }

        Assert.Equal(weights.MatrixBytes + (values * sizeof(float)), weights.Bytes);
    }
}
