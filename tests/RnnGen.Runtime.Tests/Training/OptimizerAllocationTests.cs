using System;
using RnnGen.Training;
using static RnnGen.Runtime.Tests.Training.OptimizerConfigurations;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>After its first step allocates the state, an optimizer steps without allocating.</summary>
[Collection(KernelSettingsGroup.Name)]
public sealed class OptimizerAllocationTests
{
    public static TheoryData<string> Configurations => All();

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Steps_after_the_first_allocate_nothing(string configuration)
    {
        ParameterSet parameters = CreateParameters();
        SetGradients(parameters, 1);

        // Warm up another instance past tiered compilation's call-count threshold, so that the JIT is done.
        Optimizer warmUp = Create(configuration);
        for (int i = 0; i < 50; i++)
        {
            warmUp.Step(parameters);
        }

        Optimizer optimizer = Create(configuration);
        optimizer.Step(parameters);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            optimizer.Step(parameters);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(11, optimizer.Steps);
    }

    [Fact]
    public void Changing_the_learning_rate_between_steps_allocates_nothing()
    {
        ParameterSet parameters = CreateParameters();
        SetGradients(parameters, 1);
        var adam = new Adam();
        for (int i = 0; i < 50; i++)
        {
            adam.LearningRate = 1e-3f / (i + 1);
            adam.Step(parameters);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            adam.LearningRate = 1e-4f * (i + 1);
            adam.Step(parameters);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
