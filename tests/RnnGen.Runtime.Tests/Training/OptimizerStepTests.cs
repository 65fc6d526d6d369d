using System;
using RnnGen.Training;
using static RnnGen.Runtime.Tests.Training.OptimizerConfigurations;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>What every optimizer's <see cref="Optimizer.Step"/> and <see cref="Optimizer.Reset"/> promise, beyond the update rule.</summary>
public sealed class OptimizerStepTests
{
    public static TheoryData<string> Configurations => All();

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Step_counts_steps_moves_the_values_and_leaves_the_gradients_alone(string configuration)
    {
        Optimizer optimizer = Create(configuration);
        ParameterSet parameters = CreateParameters();
        int[] initial = Bits(parameters.Values);
        SetGradients(parameters, 1);
        int[] gradients = Bits(parameters.Gradients);

        optimizer.Step(parameters);
        optimizer.Step(parameters);

        Assert.Equal(2, optimizer.Steps);
        Assert.NotEqual(initial, Bits(parameters.Values));
        Assert.Equal(gradients, Bits(parameters.Gradients));
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Stepping_parameters_of_another_length_is_refused_until_Reset(string configuration)
    {
        Optimizer optimizer = Create(configuration);
        optimizer.Step(CreateParameters());
        var other = new ParameterSet([new("w", 0, [ParameterCount + 1])]);
        int[] before = Bits(other.Values);

        var error = Assert.Throws<InvalidOperationException>(() => optimizer.Step(other));

        Assert.Contains($"holds state for {ParameterCount} parameters but was given {ParameterCount + 1}", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, optimizer.Steps);
        Assert.Equal(before, Bits(other.Values));
        optimizer.Reset();
        optimizer.Step(other);
        Assert.Equal(1, optimizer.Steps);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void After_Reset_the_optimizer_steps_exactly_like_a_new_one(string configuration)
    {
        Optimizer used = Create(configuration);
        ParameterSet scratch = CreateParameters();
        for (int step = 1; step <= 3; step++)
        {
            SetGradients(scratch, step);
            used.Step(scratch);
        }

        used.Reset();
        Assert.Equal(0, used.Steps);
        Assert.Empty(used.ExportState());
        Optimizer fresh = Create(configuration);
        ParameterSet afterReset = CreateParameters();
        ParameterSet afresh = CreateParameters();
        for (int step = 1; step <= 3; step++)
        {
            SetGradients(afterReset, step);
            SetGradients(afresh, step);
            used.Step(afterReset);
            fresh.Step(afresh);
        }

        Assert.Equal(Bits(afresh.Values), Bits(afterReset.Values));
    }

    [Fact]
    public void The_first_momentum_step_takes_the_gradient_undampened_as_PyTorch_does()
    {
        var sgd = new Sgd(0.1f, momentum: 0.9f, dampening: 0.5f);
        ParameterSet parameters = CreateParameters();
        SetGradients(parameters, 1);

        sgd.Step(parameters);

        Assert.Equal(Bits(parameters.Gradients), Bits(sgd.ExportState()[0].Data.Span));
    }

    [Fact]
    public void A_changed_learning_rate_applies_from_the_next_step()
    {
        var sgd = new Sgd(0.1f);
        ParameterSet parameters = CreateParameters();
        SetGradients(parameters, 1);
        int[] before = Bits(parameters.Values);

        sgd.LearningRate = 0f;
        sgd.Step(parameters);

        Assert.Equal(0f, sgd.LearningRate);
        Assert.Equal(before, Bits(parameters.Values));
    }

    [Fact]
    public void An_empty_parameter_set_is_stepped_without_effect()
    {
        var adam = new Adam();

        adam.Step(new ParameterSet([]));

        Assert.Equal(1, adam.Steps);
    }
}
