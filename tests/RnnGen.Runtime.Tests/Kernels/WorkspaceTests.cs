using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>The buffers of a generated model: zeroed, on a cache line, and bounded by what was asked for.</summary>
public class WorkspaceTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(28, 512)]
    [InlineData(64, 10)]
    public void Buffers_are_zeroed_and_start_on_a_cache_line(int rows, int width)
    {
        // Several in a row: each allocation leaves the next one somewhere else relative to a 64-byte line.
        for (int i = 0; i < 8; i++)
        {
            WorkspaceBuffer buffer = Workspace.Floats(rows + i, width);
            Assert.Equal((rows + i) * width, buffer.Length);
            Assert.Equal(0, AddressOf(buffer.Span) % 64);
            Assert.All(buffer.Span.ToArray(), value => Assert.Equal(0f, value));
        }
    }

    [Fact]
    public void Views_cover_the_buffer_and_nothing_past_it()
    {
        WorkspaceBuffer buffer = Workspace.Floats(4, 5);
        buffer.Slice(3, 17).Fill(2f);
        Span<float> whole = buffer;
        Assert.Equal(20, whole.Length);
        Assert.Equal(0f, whole[2]);
        Assert.Equal(2f, whole[19]);
        Assert.Equal(0, buffer.Slice(20, 0).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(4, 17));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(21, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(-1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Slice(0, -1));
    }

    [Fact]
    public void Impossible_sizes_are_refused_with_the_limit_named()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => Workspace.Floats(1 << 20, 1 << 12));
        Assert.Contains("maxBatch or maxSteps", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_checks_its_widest_buffers_before_allocating_any()
    {
        Assert.Equal(12, Workspace.Rows(3, 4, widestSequenceRow: 100, widestBatchRow: 50));

        int maxBatch = 1 << 12, maxSourceSteps = 1 << 12;
        var sequence = Assert.Throws<ArgumentOutOfRangeException>(() => Workspace.Rows(maxBatch, maxSourceSteps, widestSequenceRow: 128, widestBatchRow: 1));
        Assert.Equal("maxSourceSteps", sequence.ParamName); // as the caller spelled it
        Assert.Contains("maxBatch × maxSourceSteps = 16777216 rows of up to 128 floats (2147483648)", sequence.Message, StringComparison.Ordinal);

        maxBatch = 1 << 24;
        var batch = Assert.Throws<ArgumentOutOfRangeException>(() => Workspace.Rows(maxBatch, 1, widestSequenceRow: 1, widestBatchRow: 1 << 8));
        Assert.Equal("maxBatch", batch.ParamName);
        Assert.Contains("lower maxBatch", batch.Message, StringComparison.Ordinal);
    }

    private static unsafe long AddressOf(Span<float> span) => (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
}
