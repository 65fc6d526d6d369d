using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>Each schedule against its closed form evaluated in double from the values as written.</summary>
public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(10)]
    public void StepDecay_multiplies_by_gamma_every_step_size_epochs(int epoch)
    {
        var schedule = new StepDecay(stepSize: 3, gamma: 0.5f);

        float learningRate = schedule.LearningRateAt(epoch, 0.1f);

        Assert.Equal((float)(0.1 * Math.Pow(0.5, epoch / 3)), learningRate);
    }

    [Fact]
    public void StepDecay_decays_by_a_tenth_by_default()
    {
        var schedule = new StepDecay(stepSize: 2);

        Assert.Equal(0.1f, schedule.Gamma);
        Assert.Equal((float)(0.03 * 0.1 * 0.1), schedule.LearningRateAt(4, 0.03f));
        Assert.Equal(0.03f, schedule.LearningRateAt(1, 0.03f));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(30)]
    public void ExponentialDecay_multiplies_by_gamma_every_epoch(int epoch)
    {
        var schedule = new ExponentialDecay(0.9f);

        Assert.Equal((float)(0.01 * Math.Pow(0.9, epoch)), schedule.LearningRateAt(epoch, 0.01f));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(13)]
    public void CosineAnnealing_follows_half_a_cosine_from_the_initial_rate_to_the_minimum(int epoch)
    {
        var schedule = new CosineAnnealing(maxEpochs: 10, minimumLearningRate: 1e-4f);

        float expected = (float)(1e-4 + ((0.1 - 1e-4) * (1 + Math.Cos(Math.PI * epoch / 10)) / 2));
        Assert.Equal(expected, schedule.LearningRateAt(epoch, 0.1f));
    }

    [Fact]
    public void CosineAnnealing_starts_at_the_initial_rate_and_reaches_the_minimum_at_max_epochs()
    {
        var schedule = new CosineAnnealing(maxEpochs: 8, minimumLearningRate: 0.001f);

        Assert.Equal(0.1f, schedule.LearningRateAt(0, 0.1f));
        Assert.Equal(0.001f, schedule.LearningRateAt(8, 0.1f));
        Assert.Equal(0f, new CosineAnnealing(4).LearningRateAt(4, 0.5f), 1e-9f);
    }

    [Fact]
    public void ConstantLearningRate_keeps_the_initial_rate()
    {
        var schedule = new ConstantLearningRate();

        Assert.Equal(0.003f, schedule.LearningRateAt(0, 0.003f));
        Assert.Equal(0.003f, schedule.LearningRateAt(1000, 0.003f));
    }

    [Fact]
    public void A_schedule_sets_the_optimizer_s_learning_rate()
    {
        var adam = new Adam(0.01f);
        ILearningRateSchedule schedule = new StepDecay(stepSize: 1, gamma: 0.5f);

        adam.LearningRate = schedule.LearningRateAt(2, 0.01f);

        Assert.Equal(0.0025f, adam.LearningRate);
    }

    public static readonly TheoryData<string, string> InvalidArguments = new()
    {
        { "StepDecay step size 0", "stepSize" },
        { "StepDecay gamma 0", "gamma" },
        { "StepDecay gamma NaN", "gamma" },
        { "ExponentialDecay gamma negative", "gamma" },
        { "ExponentialDecay gamma infinite", "gamma" },
        { "CosineAnnealing max epochs 0", "maxEpochs" },
        { "CosineAnnealing minimum negative", "minimumLearningRate" },
        { "epoch negative", "epoch" },
        { "initial learning rate negative", "initialLearningRate" },
        { "initial learning rate NaN", "initialLearningRate" },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void An_out_of_range_argument_is_rejected_by_name(string invalidCall, string parameterName)
    {
        Action call = invalidCall switch
        {
            "StepDecay step size 0" => () => _ = new StepDecay(0),
            "StepDecay gamma 0" => () => _ = new StepDecay(1, 0f),
            "StepDecay gamma NaN" => () => _ = new StepDecay(1, float.NaN),
            "ExponentialDecay gamma negative" => () => _ = new ExponentialDecay(-0.5f),
            "ExponentialDecay gamma infinite" => () => _ = new ExponentialDecay(float.PositiveInfinity),
            "CosineAnnealing max epochs 0" => () => _ = new CosineAnnealing(0),
            "CosineAnnealing minimum negative" => () => _ = new CosineAnnealing(10, -1e-3f),
            "epoch negative" => () => new ExponentialDecay(0.9f).LearningRateAt(-1, 0.1f),
            "initial learning rate negative" => () => new CosineAnnealing(10).LearningRateAt(1, -0.1f),
            "initial learning rate NaN" => () => new ConstantLearningRate().LearningRateAt(1, float.NaN),
            _ => throw new ArgumentOutOfRangeException(nameof(invalidCall), invalidCall, "Unknown case."),
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(call);

        Assert.Equal(parameterName, error.ParamName);
    }
}
