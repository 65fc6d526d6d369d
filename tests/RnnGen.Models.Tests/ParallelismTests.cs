using RnnGen.Models.Tests.Models;
using RnnGen.Models.Tests.Support;

namespace RnnGen.Models.Tests;

/// <summary>Tests that change process-wide kernel settings, or measure allocations that such a change would cause.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KernelSettingsGroup
{
    public const string Name = "Kernel settings";
}

/// <summary>
/// Two kernel threads split a batch's sequences in the time loops and the large products by rows, each row computed
/// as on one thread: a training step gives the same outputs and gradients, bit for bit, and allocates nothing after
/// warm-up.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public sealed class ParallelismTests
{
    // Every cell kind, stacked and bidirectional, with lengths in any order (every row runs every step) and longest
    // first (finished sequences leave the products, so the rows still running in each thread's part shrink unevenly).
    [Theory]
    [InlineData(nameof(StackedBidirectionalLstm), false)]
    [InlineData(nameof(StackedBidirectionalLstm), true)]
    [InlineData(nameof(BidirectionalGruClassifier), false)]
    [InlineData(nameof(BidirectionalGruClassifier), true)]
    [InlineData(nameof(SigmoidRnnClassifier), true)]
    public void Two_threads_give_bit_identical_outputs_and_gradients(string model, bool longestFirst)
    {
        if (Environment.ProcessorCount < 2)
        {
            return; // Parallelism.Threads cannot exceed the processor count
        }

        var one = Run(model, longestFirst, threads: 1);
        var two = Run(model, longestFirst, threads: 2);
        Assert.Equal(one.Outputs, two.Outputs);
        Assert.Equal(one.Gradients, two.Gradients);
        Assert.Equal(one.InputGradient, two.InputGradient);
    }

    [Fact]
    public void A_parallel_training_step_allocates_nothing_after_warm_up()
    {
        if (Environment.ProcessorCount < 2)
        {
            return; // Parallelism.Threads cannot exceed the processor count
        }

        try
        {
            Parallelism.Threads = 2;
            var (model, inputs, lengths, outputs, outputGradient, inputGradient) = Setup(nameof(StackedBidirectionalLstm), longestFirst: true);
            void Step()
            {
                model.Parameters.ZeroGradients();
                model.Forward(inputs, lengths, outputs, initialState: default, finalState: default, training: true);
                model.Backward(outputGradient, inputGradient, initialStateGradient: default, finalStateGradient: default);
            }

            Step();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                Step();
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        finally
        {
            Parallelism.Threads = 1;
        }
    }

    [Fact]
    public void Parts_that_change_size_from_batch_to_batch_allocate_nothing_after_the_first()
    {
        if (Environment.ProcessorCount < 2 || !RnnGen.Kernels.MatrixKernels.PrefersPackedWeights(16))
        {
            return; // one thread, or no packed products to split the loop for
        }

        // A batch larger than any other test's, so that no earlier test has grown this thread's buffers for it; the
        // split follows the lengths: 100 + 100 sequences, then 4 + 196, then 196 + 4. Each thread's part grows past
        // its first size on one of them, which must find the room the first step made.
        const int Steps = 12, Batch = 200;
        try
        {
            Parallelism.Threads = 2;
            IDenseInputModel model = new StackedBidirectionalLstm(Batch, Steps, seed: 3);
            var random = new SeededRandom(5);
            float[] inputs = GradientCheck.Gaussian(Steps * Batch * model.Shape.InputSize, 1f, random);
            float[] outputs = new float[model.Shape.OutputLength(Steps, Batch)];
            float[] outputGradient = GradientCheck.Gaussian(outputs.Length, 1f, random);
            int[] even = Enumerable.Repeat(Steps, Batch).ToArray();
            int[] longFirst = [.. Enumerable.Repeat(Steps, 4), .. Enumerable.Repeat(1, Batch - 4)];
            int[] longLast = [.. Enumerable.Repeat(1, Batch - 4), .. Enumerable.Repeat(Steps, 4)];
            void Step(int[] lengths)
            {
                model.Parameters.ZeroGradients();
                model.Forward(inputs, lengths, outputs, initialState: default, finalState: default, training: true);
                model.Backward(outputGradient, inputGradient: default, initialStateGradient: default, finalStateGradient: default);
            }

            Step(even);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Step(longFirst);
            Step(longLast);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        finally
        {
            Parallelism.Threads = 1;
        }
    }

    [Fact]
    public void Two_threads_share_a_batch_by_time_steps_in_contiguous_rows()
    {
        if (Environment.ProcessorCount < 2 || !RnnGen.Kernels.MatrixKernels.PrefersPackedWeights(16))
        {
            return; // one thread, or no packed products to split the loop for
        }

        try
        {
            Parallelism.Threads = 2;
            Assert.Equal([(0, 5), (5, 10)], Parts(Enumerable.Repeat(7, 10).ToArray()));

            // Longest first, 16 … 1: 136 steps; rows 0–3 hold 58 of them, adding row 4 would pass half.
            Assert.Equal([(0, 4), (4, 16)], Parts(Enumerable.Range(1, 16).Reverse().ToArray()));

            // One long sequence among short ones: the first part still gets its minimum of rows.
            Assert.Equal([(0, 4), (4, 9)], Parts([100, 1, 1, 1, 1, 1, 1, 1, 1]));
            Assert.Equal([(0, 7)], Parts(Enumerable.Repeat(3, 7).ToArray())); // fewer than 2 × 4 rows: one part
        }
        finally
        {
            Parallelism.Threads = 1;
        }

        static (int First, int End)[] Parts(int[] lengths)
        {
            var seen = new List<(int, int)>();
            RnnGen.Kernels.BatchRows.For(seen, default, lengths, steps: 3, lengths.Length, static (list, data, steps, batch, first, end) =>
            {
                lock (list)
                {
                    list.Add((first, end));
                }
            });
            return [.. seen.Order()];
        }
    }

    [Fact]
    public void Threads_outside_one_to_the_processor_count_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.Threads = Environment.ProcessorCount + 1);
        Assert.Equal(1, Parallelism.Threads);
    }

    private static (float[] Outputs, float[] Gradients, float[] InputGradient) Run(string model, bool longestFirst, int threads)
    {
        try
        {
            Parallelism.Threads = threads;
            var (network, inputs, lengths, outputs, outputGradient, inputGradient) = Setup(model, longestFirst);
            network.Parameters.ZeroGradients();
            network.Forward(inputs, lengths, outputs, initialState: default, finalState: default, training: true);
            network.Backward(outputGradient, inputGradient, initialStateGradient: default, finalStateGradient: default);
            return (outputs, network.Parameters.Gradients.ToArray(), inputGradient);
        }
        finally
        {
            Parallelism.Threads = 1;
        }
    }

    // Batch 40: every time loop is split between the threads, and the all-steps products too.
    private static (IDenseInputModel Model, float[] Inputs, int[] Lengths, float[] Outputs, float[] OutputGradient, float[] InputGradient) Setup(string name, bool longestFirst)
    {
        const int Steps = 12, Batch = 40;
        IDenseInputModel model = name switch
        {
            nameof(StackedBidirectionalLstm) => new StackedBidirectionalLstm(Batch, Steps, seed: 3),
            nameof(BidirectionalGruClassifier) => new BidirectionalGruClassifier(Batch, Steps, seed: 3),
            _ => new SigmoidRnnClassifier(Batch, Steps, seed: 3),
        };
        var random = new SeededRandom(4);
        float[] inputs = GradientCheck.Gaussian(Steps * Batch * model.Shape.InputSize, 1f, random);
        int[] lengths = GradientCheck.Lengths(Steps, Batch, random);
        if (longestFirst)
        {
            Array.Sort(lengths, (x, y) => y.CompareTo(x));
        }

        float[] outputs = new float[model.Shape.OutputLength(Steps, Batch)];
        float[] outputGradient = GradientCheck.Gaussian(outputs.Length, 1f, random);
        return (model, inputs, lengths, outputs, outputGradient, new float[inputs.Length]);
    }
}
