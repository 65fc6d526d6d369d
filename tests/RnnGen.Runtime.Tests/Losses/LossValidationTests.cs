using System;
using System.Globalization;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Losses;

/// <summary>Argument checks of the losses and metrics: they name the parameter, the expected and the actual value.</summary>
public class LossValidationTests
{
    private static readonly SoftmaxCrossEntropy CrossEntropy = new();
    private static readonly BinaryCrossEntropyWithLogits BinaryCrossEntropy = new();

    [Fact]
    public void SoftmaxCrossEntropy_rejects_mismatched_lengths()
    {
        var logits = new float[6];

        AssertLength("logits", 4, 6, () => CrossEntropy.Compute(logits, 4, new int[1], new float[6]));
        AssertLength("labels", 2, 3, () => CrossEntropy.Compute(logits, 3, new int[3], new float[6]));
        AssertLength("gradient", 6, 5, () => CrossEntropy.Compute(logits, 3, new int[2], new float[5]));
        AssertOutOfRange("classes", () => CrossEntropy.Compute(logits, 0, new int[2], new float[6]));
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_rejects_mismatched_lengths()
    {
        var logits = new float[6];

        AssertLength("logits", 4, 6, () => BinaryCrossEntropy.Compute(logits, new float[6], new float[6], width: 4));
        AssertLength("targets", 6, 7, () => BinaryCrossEntropy.Compute(logits, new float[7], new float[6]));
        AssertLength("gradient", 6, 5, () => BinaryCrossEntropy.Compute(logits, new float[6], new float[5]));
        AssertLength("rowMask", 3, 2, () => BinaryCrossEntropy.Compute(logits, new float[6], new float[6], new bool[2], width: 2));
        AssertOutOfRange("width", () => BinaryCrossEntropy.Compute(logits, new float[6], new float[6], width: 0));
    }

    [Fact]
    public void MeanSquaredError_rejects_mismatched_lengths()
    {
        var outputs = new float[6];

        AssertLength("outputs", 4, 6, () => MeanSquaredError.Compute(outputs, new float[6], new float[6], width: 4));
        AssertLength("targets", 6, 5, () => MeanSquaredError.Compute(outputs, new float[5], new float[6]));
        AssertLength("gradient", 6, 7, () => MeanSquaredError.Compute(outputs, new float[6], new float[7]));
        AssertLength("rowMask", 6, 7, () => MeanSquaredError.Compute(outputs, new float[6], new float[6], new bool[7]));
        AssertOutOfRange("width", () => MeanSquaredError.Compute(outputs, new float[6], new float[6], width: -1));
    }

    /// <summary>
    /// A gradient that shares memory with an input would be written while the input is read (and cleared when no row
    /// counts, changing the caller's logits): refused by name, with nothing written.
    /// </summary>
    [Fact]
    public void Losses_refuse_a_gradient_that_shares_memory_with_an_input()
    {
        float[] buffer = [0.5f, -1f, 2f, 0.25f, 3f, -0.5f, 1f, 0f];
        float[] before = (float[])buffer.Clone();

        AssertOverlap("gradient", "logits", () => CrossEntropy.Compute(buffer.AsSpan(0, 4), 2, [-100, -100], buffer.AsSpan(0, 4)));
        AssertOverlap("gradient", "logits", () => CrossEntropy.Compute(buffer.AsSpan(0, 4), 2, [0, 1], buffer.AsSpan(2, 4)));
        AssertOverlap("gradient", "outputs", () => MeanSquaredError.Compute(buffer.AsSpan(0, 4), new float[4], buffer.AsSpan(3, 4)));
        AssertOverlap("gradient", "targets", () => MeanSquaredError.Compute(new float[4], buffer.AsSpan(4, 4), buffer.AsSpan(1, 4)));
        AssertOverlap("gradient", "logits", () => BinaryCrossEntropy.Compute(buffer.AsSpan(0, 4), new float[4], buffer.AsSpan(0, 4), [false, false], width: 2));
        AssertOverlap("gradient", "targets", () => BinaryCrossEntropy.Compute(new float[4], buffer.AsSpan(4, 4), buffer.AsSpan(4, 4)));
        Assert.Equal(before, buffer);

        // adjacent, not overlapping: fine
        CrossEntropy.Compute(buffer.AsSpan(0, 4), 2, [0, 1], buffer.AsSpan(4, 4));
    }

    private static void AssertOverlap(string parameter, string input, Action call)
    {
        var exception = Assert.Throws<ArgumentException>(call);
        Assert.Equal(parameter, exception.ParamName);
        Assert.Contains("must not share memory with " + input, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_reject_mismatched_lengths()
    {
        var logits = new float[6];

        AssertLength("logits", 4, 6, () => Metrics.CountCorrectLabels(logits, 4, new int[1], -100, out _));
        AssertLength("labels", 3, 2, () => Metrics.CountCorrectLabels(logits, 2, new int[2], -100, out _));
        AssertOutOfRange("classes", () => Metrics.CountCorrectLabels(logits, -3, new int[2], -100, out _));
        AssertLength("targets", 6, 3, () => Metrics.CountCorrectBinary(logits, new float[3], default, 1, out _));
        AssertLength("rowMask", 2, 6, () => Metrics.CountCorrectBinary(logits, new float[6], new bool[6], 3, out _));
        AssertOutOfRange("width", () => Metrics.CountCorrectBinary(logits, new float[6], default, 0, out _));
    }

    [Fact]
    public void BinaryConfusion_rejects_mismatched_lengths_and_keeps_its_counts()
    {
        var confusion = default(BinaryConfusion);
        confusion.Add([1f], [1f]);

        AssertLength("logits", 4, 6, () => confusion.Add(new float[6], new float[6], width: 4));
        AssertLength("targets", 6, 5, () => confusion.Add(new float[6], new float[5]));
        AssertLength("rowMask", 6, 1, () => confusion.Add(new float[6], new float[6], new bool[1]));
        AssertOutOfRange("width", () => confusion.Add(new float[6], new float[6], width: 0));
        Assert.Equal(1, confusion.Total);
    }

    private static void AssertLength(string parameter, int expected, int actual, Action call)
    {
        ArgumentException exception = Assert.Throws<ArgumentException>(call);
        Assert.Equal(parameter, exception.ParamName);
        Assert.Contains(expected.ToString(CultureInfo.InvariantCulture), exception.Message, StringComparison.Ordinal);
        Assert.Contains(actual.ToString(CultureInfo.InvariantCulture), exception.Message, StringComparison.Ordinal);
    }

    private static void AssertOutOfRange(string parameter, Action call)
    {
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(call);
        Assert.Equal(parameter, exception.ParamName);
    }
}
