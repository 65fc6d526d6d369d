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
    public void Each_parameter_is_updated_exactly_as_if_it_were_alone(string configuration)
    {
        // An update loop may work on several parameters at once (vector lanes); every element must still get the
        // bits of the one-element update (its scalar tail), over steps that carry state forward.
        Optimizer together = Create(configuration);
        ParameterSet all = CreateParameters();
        var alone = new (Optimizer Optimizer, ParameterSet Parameter)[ParameterCount];
        for (int i = 0; i < ParameterCount; i++)
        {
            alone[i] = (Create(configuration), new ParameterSet([new("p", 0, [1])]));
            alone[i].Parameter.Values[0] = all.Values[i];
        }

        for (int step = 1; step <= 3; step++)
        {
            SetGradients(all, step);
            all.Gradients[3] = float.NaN; // a NaN stays in its own lane
            together.Step(all);
            for (int i = 0; i < ParameterCount; i++)
            {
                alone[i].Parameter.Gradients[0] = all.Gradients[i];
                alone[i].Optimizer.Step(alone[i].Parameter);
            }
        }

        float[] separately = new float[ParameterCount];
        for (int i = 0; i < ParameterCount; i++)
        {
            separately[i] = alone[i].Parameter.Values[0];
        }

        Assert.Equal(Bits(separately), Bits(all.Values));
        var state = together.ExportState();
        for (int buffer = 0; buffer < state.Count; buffer++)
        {
            // The state too: a moment off by one unit in the last place rarely shows in the parameter yet.
            for (int i = 0; i < ParameterCount; i++)
            {
                separately[i] = alone[i].Optimizer.ExportState()[buffer].Data.Span[0];
            }

            Assert.Equal(Bits(separately), Bits(state[buffer].Data.Span));
        }

        Assert.True(float.IsNaN(all.Values[3]));
        Assert.False(float.IsNaN(all.Values[2]) || float.IsNaN(all.Values[4]));
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
