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
/// Two kernel threads split the large products by rows, each row computed as on one thread: a training step gives
/// the same outputs and gradients, bit for bit, and allocates nothing after warm-up.
/// </summary>
[Collection(KernelSettingsGroup.Name)]
public sealed class ParallelismTests
{
    [Fact]
    public void Two_threads_give_bit_identical_outputs_and_gradients()
    {
        if (Environment.ProcessorCount < 2)
        {
            return; // Parallelism.Threads cannot exceed the processor count
        }

        var one = Run(threads: 1);
        var two = Run(threads: 2);
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
            var (model, inputs, lengths, outputs, outputGradient, inputGradient) = Setup();
            void Step()
            {
                model.Parameters.ZeroGradients();
                model.Forward(inputs, lengths, outputs, training: true);
                model.Backward(outputGradient, inputGradient);
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
    public void Threads_outside_one_to_the_processor_count_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.Threads = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Parallelism.Threads = Environment.ProcessorCount + 1);
        Assert.Equal(1, Parallelism.Threads);
    }

    private static (float[] Outputs, float[] Gradients, float[] InputGradient) Run(int threads)
    {
        try
        {
            Parallelism.Threads = threads;
            var (model, inputs, lengths, outputs, outputGradient, inputGradient) = Setup();
            model.Parameters.ZeroGradients();
            model.Forward(inputs, lengths, outputs, training: true);
            model.Backward(outputGradient, inputGradient);
            return (outputs, model.Parameters.Gradients.ToArray(), inputGradient);
        }
        finally
        {
            Parallelism.Threads = 1;
        }
    }

    // Batch 40 of a stacked bidirectional LSTM: every product is large enough to be split.
    private static (StackedBidirectionalLstm Model, float[] Inputs, int[] Lengths, float[] Outputs, float[] OutputGradient, float[] InputGradient) Setup()
    {
        const int Steps = 12, Batch = 40;
        var model = new StackedBidirectionalLstm(Batch, Steps, seed: 3);
        var random = new SeededRandom(4);
        float[] inputs = GradientCheck.Gaussian(Steps * Batch * StackedBidirectionalLstm.InputSize, 1f, random);
        int[] lengths = GradientCheck.Lengths(Steps, Batch, random);
        float[] outputs = new float[((IRnnModel)model).Shape.OutputLength(Steps, Batch)];
        float[] outputGradient = GradientCheck.Gaussian(outputs.Length, 1f, random);
        return (model, inputs, lengths, outputs, outputGradient, new float[inputs.Length]);
    }
}
