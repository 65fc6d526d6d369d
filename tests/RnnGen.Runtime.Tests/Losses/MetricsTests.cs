using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Losses;

public class MetricsTests
{
    private const int Ignore = SoftmaxCrossEntropy.DefaultIgnoreLabel;

    [Fact]
    public void Labels_are_correct_when_the_argmax_matches()
    {
        float[] logits = [0.1f, 0.7f, 0.2f, 2f, 1f, 3f, -1f, -2f, -3f];

        int correct = Metrics.CountCorrectLabels(logits, 3, [1, 0, 0], Ignore, out int counted);

        Assert.Equal(2, correct);
        Assert.Equal(3, counted);
    }

    [Fact]
    public void On_a_tie_the_first_largest_class_is_the_prediction()
    {
        float[] logits = [1f, 3f, 3f, 1f, 3f, 3f, 5f, 5f, 5f];

        int correct = Metrics.CountCorrectLabels(logits, 3, [1, 2, 0], Ignore, out int counted);

        Assert.Equal(2, correct);
        Assert.Equal(3, counted);
    }

    [Fact]
    public void Ignored_rows_are_not_read_or_counted()
    {
        // Time-major [steps 2, batch 2]: sequence 1 has one step, so row 3 is padding.
        float[] logits = [1f, 0f, 0f, 1f, 0f, 1f, float.NaN, float.NaN];

        int correct = Metrics.CountCorrectLabels(logits, 2, [0, 0, 1, Ignore], Ignore, out int counted);

        Assert.Equal(2, correct);
        Assert.Equal(3, counted);
    }

    [Fact]
    public void Out_of_range_label_names_the_row_and_label()
    {
        ArgumentOutOfRangeException exception = Assert.Throws<ArgumentOutOfRangeException>(
            () => Metrics.CountCorrectLabels([1f, 2f, 3f, 4f], 2, [1, 2], Ignore, out _));

        Assert.Equal("labels", exception.ParamName);
        Assert.Contains("Row 1", exception.Message, StringComparison.Ordinal);
        Assert.Contains("label 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_prediction_is_a_positive_logit_and_a_positive_target_is_at_least_one_half()
    {
        // A zero logit predicts negative; a 0.5 target is positive.
        float[] logits = [0f, 0f, 0.01f, -0.01f, 2f];
        float[] targets = [0f, 0.5f, 0.5f, 0.49f, 1f];

        int correct = Metrics.CountCorrectBinary(logits, targets, default, 1, out int counted);

        Assert.Equal(4, correct);
        Assert.Equal(5, counted);
    }

    [Fact]
    public void Binary_counts_whole_rows_under_the_mask()
    {
        float[] logits = [1f, -1f, float.NaN, float.NaN, 1f, 1f];
        float[] targets = [1f, 1f, float.NaN, float.NaN, 0f, 1f];

        int correct = Metrics.CountCorrectBinary(logits, targets, [true, false, true], 2, out int counted);

        Assert.Equal(2, correct);
        Assert.Equal(4, counted);
    }
}
