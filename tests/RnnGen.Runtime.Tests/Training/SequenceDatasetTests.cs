using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>What the dataset factories refuse, and that each refusal names the argument the caller passed.</summary>
public sealed class SequenceDatasetTests
{
    [Fact]
    public void Each_refusal_names_the_factory_argument_at_fault()
    {
        Assert.Equal("sequences", Assert.Throws<ArgumentNullException>(() => SequenceDataset.FromFeatures(null!, 2, [0])).ParamName);
        Assert.Equal("sequences", Assert.Throws<ArgumentNullException>(() => SequenceDataset.FromTokens(null!, [0])).ParamName);
        Assert.Equal("sequences", Assert.Throws<ArgumentException>(() => SequenceDataset.FromTokens([], Array.Empty<int>())).ParamName);
        Assert.Equal("sequences", Assert.Throws<ArgumentException>(() => SequenceDataset.FromFeatures([new float[3]], 2, [0])).ParamName);
        Assert.Equal("sequences", Assert.Throws<ArgumentException>(() => SequenceDataset.FromFeatures([[float.NaN, 0f]], 2, [0])).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => SequenceDataset.FromTokens([[1]], [0, 1])).ParamName);
        Assert.Equal("stepLabels", Assert.Throws<ArgumentNullException>(() => SequenceDataset.FromTokens([[1]], (int[][])null!)).ParamName);
        Assert.Equal("stepLabels", Assert.Throws<ArgumentException>(() => SequenceDataset.FromTokens([[1, 2]], [[0]])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentNullException>(() => SequenceDataset.FromFeatures([[1f]], 1, (float[][])null!, 1)).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => SequenceDataset.FromTokens([[1], [2]], [[0f]], 1)).ParamName);
    }

    [Fact]
    public void A_null_sequence_or_target_in_the_lists_is_an_argument_error()
    {
        Assert.Equal("sequences", Assert.Throws<ArgumentException>(() => SequenceDataset.FromFeatures([null!], 1, [0])).ParamName);
        Assert.Equal("sequences", Assert.Throws<ArgumentException>(() => SequenceDataset.FromTokens([[1], null!], [0, 1])).ParamName);
        Assert.Equal("stepLabels", Assert.Throws<ArgumentException>(() => SequenceDataset.FromTokens([[1]], [(int[])null!])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => SequenceDataset.FromFeatures([[1f]], 1, [(float[])null!], 1)).ParamName);
    }

    /// <summary>
    /// Labels in the Hugging Face style carry the end token; the trainer appends it, so a target that holds it would
    /// teach the decoder to end twice and never decode the target whole: refused, with where it is.
    /// </summary>
    [Fact]
    public void A_pair_target_that_holds_the_end_token_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SequencePairDataset([[4, 5], [6]], [[7, 8], [9, 1]], startToken: 0, endToken: 1));

        Assert.Equal("targets", error.ParamName);
        Assert.Contains("Target 1 holds the end token 1 at position 1", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, new SequencePairDataset([[4, 5], [1]], [[7, 8], []], startToken: 0, endToken: 1).Count); // in a source it is a token like any other
    }
}
