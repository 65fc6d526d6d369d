using System;
using RnnGen.Training;
using static RnnGen.Runtime.Tests.Training.OptimizerConfigurations;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>A step of a large parameter set split between two kernel threads: the same bits as on one, and no allocation.</summary>
[Collection(KernelSettingsGroup.Name)]
public sealed class OptimizerThreadsTests
{
    // Above the size from which a step is split, and not a multiple of the blocks (16) or of any vector width.
    private const int Count = (1 << 15) + 37;

    public static TheoryData<string> Configurations => All();

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Two_threads_give_the_bits_of_one(string configuration)
    {
        if (Environment.ProcessorCount < 2)
        {
            return; // Parallelism.Threads cannot exceed the processor count
        }

        (Optimizer optimizer, ParameterSet parameters) one = (Create(configuration), Parameters());
        (Optimizer optimizer, ParameterSet parameters) two = (Create(configuration), Parameters());
        for (int step = 1; step <= 3; step++)
        {
            SetGradients(one.parameters, step);
            SetGradients(two.parameters, step);
            one.optimizer.Step(one.parameters);
            try
            {
                Parallelism.Threads = 2;
                two.optimizer.Step(two.parameters);
            }
            finally
            {
                Parallelism.Threads = 1;
            }
        }

        Assert.Equal(Bits(one.parameters.Values), Bits(two.parameters.Values));
        var oneState = one.optimizer.ExportState();
        var twoState = two.optimizer.ExportState();
        for (int buffer = 0; buffer < oneState.Count; buffer++)
        {
            Assert.Equal(Bits(oneState[buffer].Data.Span), Bits(twoState[buffer].Data.Span));
        }
    }

    [Fact]
    public void A_step_on_two_threads_allocates_nothing_after_the_first()
    {
        if (Environment.ProcessorCount < 2)
        {
            return;
        }

        var adam = new Adam();
        ParameterSet parameters = Parameters();
        SetGradients(parameters, 1);
        try
        {
            Parallelism.Threads = 2;
            adam.Step(parameters);
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                adam.Step(parameters);
            }

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        finally
        {
            Parallelism.Threads = 1;
        }
    }

    private static ParameterSet Parameters()
    {
        var parameters = new ParameterSet([new("w", 0, [Count - 7]), new("b", Count - 7, [7])]);
        var random = new SeededRandom(11);
        foreach (ref float value in parameters.Values)
        {
            value = random.NextUniform(-1f, 1f);
        }

        return parameters;
    }
}
