using System;
using RnnGen.Data;

namespace RnnGen.Runtime.Tests.Data;

[Collection(KernelSettingsGroup.Name)]
public class SequenceBatchTests
{
    private const int Width = 2;

    /// <summary>Sequence k holds 100k + 10t + f at step t, feature f.</summary>
    private static readonly float[][] Features = [Steps(0, 2), Steps(1, 4), Steps(2, 1), Steps(3, 3)];

    private static readonly int[][] Tokens = [[5, 6], [7, 8, 9, 10], [11], [12, 13, 14]];

    private static readonly int[][] StepLabels = [[50, 60], [70, 80, 90, 100], [110], [120, 130, 140]];

    private static float[] Steps(int sequence, int steps)
    {
        var values = new float[steps * Width];
        for (int t = 0; t < steps; t++)
        {
            for (int f = 0; f < Width; f++)
            {
                values[(t * Width) + f] = (100 * sequence) + (10 * t) + f;
            }
        }

        return values;
    }

    [Fact]
    public void FillFeatures_writes_time_major_with_zeros_after_each_end()
    {
        float[] destination = new float[5 * 4 * 4 * Width];
        destination.AsSpan().Fill(float.NaN);
        int[] lengths = [-1, -1, -1, -1];
        int[] indices = [2, 0, 1];

        int steps = SequenceBatch.FillFeatures(Features, Width, indices, destination, lengths);

        Assert.Equal(4, steps);
        Assert.Equal([1, 2, 4, -1], lengths);
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < indices.Length; b++)
            {
                for (int f = 0; f < Width; f++)
                {
                    float expected = t < lengths[b] ? (100 * indices[b]) + (10 * t) + f : 0f;
                    Assert.Equal(expected, destination[(((t * indices.Length) + b) * Width) + f]);
                }
            }
        }

        Assert.All(destination[(steps * indices.Length * Width)..], value => Assert.True(float.IsNaN(value)));
    }

    [Fact]
    public void FillTokens_writes_time_major_with_padding_ids_after_each_end()
    {
        int[] destination = new int[20];
        destination.AsSpan().Fill(-7);
        int[] lengths = new int[3];

        int steps = SequenceBatch.FillTokens(Tokens, [3, 2, 0], destination, lengths);

        Assert.Equal(3, steps);
        Assert.Equal([3, 1, 2], lengths);
        Assert.Equal(
            [
                12, 11, 5,
                13, 0, 6,
                14, 0, 0,
                -7, -7, -7, -7, -7, -7, -7, -7, -7, -7, -7,
            ],
            destination);
    }

    [Fact]
    public void FillStepLabels_writes_time_major_with_the_padding_label_after_each_end()
    {
        int[] destination = new int[10];

        SequenceBatch.FillStepLabels(StepLabels, [2, 1], steps: 4, destination, paddingLabel: -100);

        Assert.Equal([110, 70, -100, 80, -100, 90, -100, 100, 0, 0], destination);
    }

    [Fact]
    public void A_batch_of_one_sequence_is_that_sequence()
    {
        float[] destination = new float[8];
        int[] lengths = new int[1];

        int steps = SequenceBatch.FillFeatures(Features, Width, [1], destination, lengths);

        Assert.Equal(4, steps);
        Assert.Equal(Features[1], destination);
    }

    [Fact]
    public void Filling_allocates_nothing()
    {
        float[] features = new float[4 * 4 * Width];
        int[] tokens = new int[16];
        int[] labels = new int[16];
        int[] lengths = new int[4];
        int[] indices = [3, 1, 0, 2];

        // Warm up past tiered compilation's call-count threshold.
        for (int i = 0; i < 50; i++)
        {
            FillAll();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            FillAll();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);

        void FillAll()
        {
            for (int batch = 1; batch <= indices.Length; batch++)
            {
                int steps = SequenceBatch.FillFeatures(Features, Width, indices.AsSpan(0, batch), features, lengths);
                SequenceBatch.FillTokens(Tokens, indices.AsSpan(0, batch), tokens, lengths);
                SequenceBatch.FillStepLabels(StepLabels, indices.AsSpan(0, batch), steps, labels, -100);
            }
        }
    }

    [Fact]
    public void An_empty_sequence_is_rejected_naming_its_index()
    {
        int[][] tokens = [[1, 2], [3], []];

        ArgumentException error = Assert.Throws<ArgumentException>(() => SequenceBatch.FillTokens(tokens, [0, 2], new int[8], new int[2]));

        Assert.Contains("Sequence 2 (batch position 1) is empty", error.Message, StringComparison.Ordinal);
        Assert.Equal("sequences", error.ParamName);
        Assert.Throws<ArgumentException>(() => SequenceBatch.FillFeatures([[1f, 2f], []], 2, [1], new float[8], new int[1]));
        Assert.Throws<ArgumentException>(() => SequenceBatch.FillStepLabels(tokens, [2], 4, new int[8], -100));
    }

    [Fact]
    public void Bad_indices_and_sequences_are_rejected_naming_them()
    {
        ArgumentOutOfRangeException outside = Assert.Throws<ArgumentOutOfRangeException>(
            () => SequenceBatch.FillTokens(Tokens, [0, 4], new int[16], new int[2]));
        Assert.Contains("Batch position 1 holds index 4, outside the 4 sequences", outside.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceBatch.FillTokens(Tokens, [-1], new int[16], new int[1]));

        ArgumentException ragged = Assert.Throws<ArgumentException>(
            () => SequenceBatch.FillFeatures([new float[5]], 2, [0], new float[16], new int[1]));
        Assert.Contains("Sequence 0 (batch position 0) has 5 values, not a whole number of steps of 2 features", ragged.Message, StringComparison.Ordinal);

        ArgumentException isNull = Assert.Throws<ArgumentException>(() => SequenceBatch.FillTokens([null!], [0], new int[16], new int[1]));
        Assert.Contains("Sequence 0 (batch position 0) is null", isNull.Message, StringComparison.Ordinal);

        ArgumentException tooLong = Assert.Throws<ArgumentException>(
            () => SequenceBatch.FillStepLabels(StepLabels, [0, 1], steps: 3, new int[16], -100));
        Assert.Contains("Label sequence 1 (batch position 1) has 4 steps, more than the batch's 3", tooLong.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => SequenceBatch.FillTokens(Tokens, [], new int[16], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceBatch.FillFeatures(Features, 0, [0], new float[16], new int[1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceBatch.FillStepLabels(StepLabels, [0], 0, new int[16], -100));
    }

    [Fact]
    public void Buffers_too_small_for_the_batch_are_rejected_with_the_sizes()
    {
        int[] untouched = [-1, -1];
        ArgumentException destination = Assert.Throws<ArgumentException>(
            () => SequenceBatch.FillFeatures(Features, Width, [0, 1], new float[15], untouched));
        Assert.Contains("steps × batch × width = 16 elements but destination holds 15", destination.Message, StringComparison.Ordinal);
        Assert.Equal(new[] { -1, -1 }, untouched); // a refused batch writes nothing

        ArgumentException lengths = Assert.Throws<ArgumentException>(
            () => SequenceBatch.FillTokens(Tokens, [0, 1], new int[16], new int[1]));
        Assert.Contains("2 members but lengths holds 1", lengths.Message, StringComparison.Ordinal);

        ArgumentException labels = Assert.Throws<ArgumentException>(
            () => SequenceBatch.FillStepLabels(StepLabels, [0, 1], 4, new int[7], -100));
        Assert.Contains("steps × batch = 8 elements but destination holds 7", labels.Message, StringComparison.Ordinal);
    }
}
