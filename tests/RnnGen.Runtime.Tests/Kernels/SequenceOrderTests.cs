using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using RnnGen.Kernels;

namespace RnnGen.Runtime.Tests.Kernels;

/// <summary>
/// The order change between a batch as callers give it, time-major [steps, batch, width], and the sequence-major
/// [batch, steps, width] order a recurrent layer's time loop keeps its rows in; and the per-thread state buffer of a
/// time loop's part.
/// </summary>
public class SequenceOrderTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(1, 5, 3)]
    [InlineData(4, 1, 2)]
    [InlineData(7, 3, 5)]
    [InlineData(28, 8, 28)]
    public void Row_t_b_goes_to_row_b_times_steps_plus_t_and_back(int steps, int batch, int width)
    {
        float[] timeMajor = new float[steps * batch * width];
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < width; j++)
                {
                    timeMajor[(((t * batch) + b) * width) + j] = (1000 * t) + (10 * b) + (j / 100f);
                }
            }
        }

        // one spare value at the end of each: the change writes nothing past steps × batch × width
        float[] sequenceMajor = new float[timeMajor.Length + 1];
        sequenceMajor[^1] = -1f;
        SequenceKernels.ToSequenceMajor(timeMajor, sequenceMajor, steps, batch, width);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int j = 0; j < width; j++)
                {
                    Assert.Equal(timeMajor[(((t * batch) + b) * width) + j], sequenceMajor[(((b * steps) + t) * width) + j]);
                }
            }
        }

        Assert.Equal(-1f, sequenceMajor[^1]);

        float[] back = new float[timeMajor.Length + 1];
        back[^1] = -1f;
        SequenceKernels.ToTimeMajor(sequenceMajor, back, steps, batch, width);
        Assert.Equal(timeMajor, back[..^1]);
        Assert.Equal(-1f, back[^1]);
    }

    [Fact]
    public void Short_spans_and_negative_sizes_are_refused_with_the_sizes_in_the_message()
    {
        float[] twelve = new float[12];
        var shortSource = Assert.Throws<ArgumentException>(() => SequenceKernels.ToSequenceMajor(new float[11], twelve, 2, 3, 2));
        Assert.Equal("timeMajor", shortSource.ParamName);
        Assert.Contains("2 steps × 3 sequences × 2", shortSource.Message, StringComparison.Ordinal);
        var shortDestination = Assert.Throws<ArgumentException>(() => SequenceKernels.ToTimeMajor(twelve, new float[11], 2, 3, 2));
        Assert.Equal("timeMajor", shortDestination.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceKernels.ToSequenceMajor(twelve, twelve, -1, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequenceKernels.ToTimeMajor(twelve, twelve, 2, 3, -2));
    }

    [Fact]
    public void A_part_state_buffer_is_the_threads_own_starts_on_a_cache_line_and_is_reused()
    {
        Span<float> first = BatchRows.StateForThisThread(300);
        Assert.Equal(300, first.Length);
        Assert.Equal(0u, AddressOf(first) % 64);
        first[0] = 42f;

        // no larger request: the same memory again, without allocating
        long before = GC.GetAllocatedBytesForCurrentThread();
        Span<float> again = BatchRows.StateForThisThread(200);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(AddressOf(first), AddressOf(again));
        Assert.Equal(42f, again[0]);

        // another thread gets memory of its own, nowhere near this thread's
        nuint mine = AddressOf(first);
        nuint theirs = 0;
        var thread = new Thread(() => theirs = AddressOf(BatchRows.StateForThisThread(300)));
        thread.Start();
        thread.Join();
        Assert.NotEqual(0u, theirs);
        Assert.True(theirs + (300 * sizeof(float)) <= mine || mine + (300 * sizeof(float)) <= theirs);

        Assert.Equal(5000, BatchRows.StateForThisThread(5000).Length); // grows on request
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchRows.StateForThisThread(-1));
    }

    private static unsafe nuint AddressOf(Span<float> span) => (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));
}
