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
}
