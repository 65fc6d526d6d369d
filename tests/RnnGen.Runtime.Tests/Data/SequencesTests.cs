using System;
using RnnGen.Data;

namespace RnnGen.Runtime.Tests.Data;

public class SequencesTests
{
    // Expected values are Keras' pad_sequences([[1, 2, 3, 4, 5]], maxlen, padding, truncating)[0].
    [Theory]
    [InlineData(7, PaddingSide.Pre, PaddingSide.Pre, new[] { 0, 0, 1, 2, 3, 4, 5 })]
    [InlineData(7, PaddingSide.Pre, PaddingSide.Post, new[] { 0, 0, 1, 2, 3, 4, 5 })]
    [InlineData(7, PaddingSide.Post, PaddingSide.Pre, new[] { 1, 2, 3, 4, 5, 0, 0 })]
    [InlineData(7, PaddingSide.Post, PaddingSide.Post, new[] { 1, 2, 3, 4, 5, 0, 0 })]
    [InlineData(5, PaddingSide.Pre, PaddingSide.Pre, new[] { 1, 2, 3, 4, 5 })]
    [InlineData(5, PaddingSide.Pre, PaddingSide.Post, new[] { 1, 2, 3, 4, 5 })]
    [InlineData(5, PaddingSide.Post, PaddingSide.Pre, new[] { 1, 2, 3, 4, 5 })]
    [InlineData(5, PaddingSide.Post, PaddingSide.Post, new[] { 1, 2, 3, 4, 5 })]
    [InlineData(3, PaddingSide.Pre, PaddingSide.Pre, new[] { 3, 4, 5 })]
    [InlineData(3, PaddingSide.Pre, PaddingSide.Post, new[] { 1, 2, 3 })]
    [InlineData(3, PaddingSide.Post, PaddingSide.Pre, new[] { 3, 4, 5 })]
    [InlineData(3, PaddingSide.Post, PaddingSide.Post, new[] { 1, 2, 3 })]
    [InlineData(1, PaddingSide.Pre, PaddingSide.Pre, new[] { 5 })]
    [InlineData(1, PaddingSide.Pre, PaddingSide.Post, new[] { 1 })]
    [InlineData(0, PaddingSide.Pre, PaddingSide.Pre, new int[0])]
    public void PadOrTruncate_matches_Keras_pad_sequences(int length, PaddingSide padding, PaddingSide truncating, int[] expected)
    {
        Assert.Equal(expected, Sequences.PadOrTruncate([1, 2, 3, 4, 5], length, padding, truncating));
    }

    [Fact]
    public void PadOrTruncate_defaults_to_padding_and_truncating_the_start_with_zeros()
    {
        Assert.Equal([0, 0, 7, 8], Sequences.PadOrTruncate([7, 8], 4));
        Assert.Equal([8, 9], Sequences.PadOrTruncate([7, 8, 9], 2));
    }

    [Fact]
    public void PadOrTruncate_pads_with_the_given_value_and_an_empty_sequence_is_all_padding()
    {
        Assert.Equal([-1, -1, 4], Sequences.PadOrTruncate([4], 3, value: -1));
        Assert.Equal([4, -1, -1], Sequences.PadOrTruncate([4], 3, PaddingSide.Post, value: -1));
        Assert.Equal([0, 0, 0], Sequences.PadOrTruncate([], 3));
    }

    [Fact]
    public void PadOrTruncate_rejects_a_negative_length_and_undefined_sides()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.PadOrTruncate([1], -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.PadOrTruncate([1], 2, (PaddingSide)2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.PadOrTruncate([1], 2, truncating: (PaddingSide)(-1)));
    }

    [Fact]
    public void Pad_without_a_length_pads_every_sequence_to_the_longest()
    {
        int[][] rows = Sequences.Pad([[1], [2, 3, 4], [], [5, 6]], maxLength: null);

        Assert.Equal([[0, 0, 1], [2, 3, 4], [0, 0, 0], [0, 5, 6]], rows);
    }

    [Fact]
    public void Pad_with_a_length_pads_and_truncates_every_sequence()
    {
        int[][] rows = Sequences.Pad([[1], [2, 3, 4], [5, 6]], maxLength: 2, PaddingSide.Post, PaddingSide.Post, value: 9);

        Assert.Equal([[1, 9], [2, 3], [5, 6]], rows);
    }

    [Fact]
    public void Pad_of_nothing_is_nothing_and_a_null_sequence_is_named()
    {
        Assert.Empty(Sequences.Pad([], null));
        ArgumentException error = Assert.Throws<ArgumentException>(() => Sequences.Pad([[1], null!], null));
        Assert.Contains("Sequence 1 is null", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.Pad([[1]], -2));
    }

    private static float[] ZeroToNine() => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

    [Fact]
    public void SlidingWindows_predict_the_next_value()
    {
        (float[] inputs, float[] targets) = Sequences.SlidingWindows(ZeroToNine(), window: 3);

        Assert.Equal([0, 1, 2, 1, 2, 3, 2, 3, 4, 3, 4, 5, 4, 5, 6, 5, 6, 7, 6, 7, 8], inputs);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9], targets);
    }

    [Fact]
    public void SlidingWindows_with_a_horizon_and_a_stride()
    {
        (float[] inputs, float[] targets) = Sequences.SlidingWindows(ZeroToNine(), window: 3, horizon: 2, stride: 2);

        Assert.Equal([0, 1, 2, 2, 3, 4, 4, 5, 6], inputs);
        Assert.Equal([3, 4, 5, 6, 7, 8], targets);
    }

    [Theory]
    [InlineData(9, 1, 1, 1)]
    [InlineData(5, 5, 1, 1)]
    [InlineData(1, 1, 1, 9)]
    [InlineData(1, 1, 3, 3)]
    [InlineData(2, 2, 4, 2)]
    public void SlidingWindows_counts_every_whole_window(int window, int horizon, int stride, int expectedCount)
    {
        (float[] inputs, float[] targets) = Sequences.SlidingWindows(ZeroToNine(), window, horizon, stride);

        Assert.Equal(expectedCount * window, inputs.Length);
        Assert.Equal(expectedCount * horizon, targets.Length);
        Assert.Equal((expectedCount - 1) * stride, inputs[^window]);
        Assert.Equal(((expectedCount - 1) * stride) + window + horizon - 1, targets[^1]);
    }

    [Fact]
    public void SlidingWindows_rejects_a_series_too_short_for_one_window_and_bad_sizes()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Sequences.SlidingWindows(ZeroToNine(), window: 9, horizon: 2));
        Assert.Contains("has 10 values; a window of 9 and a horizon of 2 need at least 11", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.SlidingWindows(ZeroToNine(), window: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.SlidingWindows(ZeroToNine(), window: 2, horizon: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.SlidingWindows(ZeroToNine(), window: 2, stride: 0));
        Assert.Throws<ArgumentException>(() => Sequences.SlidingWindows(ZeroToNine(), window: int.MaxValue, horizon: int.MaxValue));
    }

    [Fact]
    public void Standardize_fits_on_the_training_values_only_and_applies_to_all()
    {
        float[] series = [1, 2, 3, 4, 5, 100];

        Standardization standardization = Sequences.Standardize(series, trainingCount: 5);

        Assert.Equal(3f, standardization.Mean);
        Assert.Equal(MathF.Sqrt(2f), standardization.StandardDeviation, 6);
        float s = MathF.Sqrt(2f);
        Assert.Equal([-2 / s, -1 / s, 0, 1 / s, 2 / s, 97 / s], series, new Tolerance(1e-6f));
    }

    [Fact]
    public void Invert_maps_standardized_values_back()
    {
        float[] original = [3.5f, -2f, 10f, 0.25f, 7f];
        float[] series = (float[])original.Clone();
        Standardization standardization = Sequences.Standardize(series, 3);

        standardization.Invert(series);

        Assert.Equal(original, series, new Tolerance(1e-5f));
        Assert.Equal(standardization.Mean, standardization.Invert(0f));
    }

    [Fact]
    public void A_constant_training_slice_gets_a_standard_deviation_of_one()
    {
        float[] series = [4, 4, 4, 6];

        Standardization standardization = Sequences.Standardize(series, 3);

        Assert.Equal(new Standardization(4f, 1f), standardization);
        Assert.Equal([0f, 0f, 0f, 2f], series);
    }

    [Fact]
    public void Standardize_rejects_bad_training_slices()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.Standardize(new float[3], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences.Standardize(new float[3], 4));
        ArgumentException error = Assert.Throws<ArgumentException>(() => Sequences.Standardize(new[] { 1f, float.NaN, 2f }, 3));
        Assert.Contains("Training value 1 is NaN", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Standardization.Fit([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Standardization(0f, 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Standardization(float.PositiveInfinity, 1f));
    }

    private sealed class Tolerance(float absolute) : System.Collections.Generic.IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => MathF.Abs(x - y) <= absolute;

        public int GetHashCode(float obj) => 0;
    }
}
