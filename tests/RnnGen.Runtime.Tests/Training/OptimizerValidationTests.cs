using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>Constructor arguments are checked as torch.optim checks them (and must be finite), naming the parameter.</summary>
public sealed class OptimizerValidationTests
{
    public static readonly TheoryData<string, string> InvalidArguments = new()
    {
        { "Sgd learning rate negative", "learningRate" },
        { "Sgd learning rate NaN", "learningRate" },
        { "Sgd learning rate infinite", "learningRate" },
        { "Sgd momentum negative", "momentum" },
        { "Sgd dampening NaN", "dampening" },
        { "Sgd weight decay negative", "weightDecay" },
        { "Sgd nesterov without momentum", "momentum" },
        { "Sgd nesterov with dampening", "dampening" },
        { "RmsProp learning rate negative", "learningRate" },
        { "RmsProp alpha negative", "alpha" },
        { "RmsProp epsilon negative", "epsilon" },
        { "RmsProp weight decay negative", "weightDecay" },
        { "RmsProp momentum negative", "momentum" },
        { "Adam learning rate negative", "learningRate" },
        { "Adam beta1 one", "beta1" },
        { "Adam beta1 negative", "beta1" },
        { "Adam beta2 one", "beta2" },
        { "Adam beta2 NaN", "beta2" },
        { "Adam epsilon negative", "epsilon" },
        { "Adam weight decay negative", "weightDecay" },
        { "AdamW learning rate negative", "learningRate" },
        { "AdamW beta1 one", "beta1" },
        { "AdamW beta2 negative", "beta2" },
        { "AdamW epsilon infinite", "epsilon" },
        { "AdamW weight decay negative", "weightDecay" },
    };

    [Theory]
    [MemberData(nameof(InvalidArguments))]
    public void An_out_of_range_argument_is_rejected_by_name(string invalidCall, string parameterName)
    {
        Func<Optimizer> create = invalidCall switch
        {
            "Sgd learning rate negative" => () => new Sgd(-0.1f),
            "Sgd learning rate NaN" => () => new Sgd(float.NaN),
            "Sgd learning rate infinite" => () => new Sgd(float.PositiveInfinity),
            "Sgd momentum negative" => () => new Sgd(0.1f, momentum: -0.9f),
            "Sgd dampening NaN" => () => new Sgd(0.1f, momentum: 0.9f, dampening: float.NaN),
            "Sgd weight decay negative" => () => new Sgd(0.1f, weightDecay: -1e-4f),
            "Sgd nesterov without momentum" => () => new Sgd(0.1f, nesterov: true),
            "Sgd nesterov with dampening" => () => new Sgd(0.1f, momentum: 0.9f, dampening: 0.1f, nesterov: true),
            "RmsProp learning rate negative" => () => new RmsProp(-0.01f),
            "RmsProp alpha negative" => () => new RmsProp(alpha: -0.99f),
            "RmsProp epsilon negative" => () => new RmsProp(epsilon: -1e-8f),
            "RmsProp weight decay negative" => () => new RmsProp(weightDecay: -0.01f),
            "RmsProp momentum negative" => () => new RmsProp(momentum: -0.5f),
            "Adam learning rate negative" => () => new Adam(-1e-3f),
            "Adam beta1 one" => () => new Adam(beta1: 1f),
            "Adam beta1 negative" => () => new Adam(beta1: -0.1f),
            "Adam beta2 one" => () => new Adam(beta2: 1f),
            "Adam beta2 NaN" => () => new Adam(beta2: float.NaN),
            "Adam epsilon negative" => () => new Adam(epsilon: -1e-8f),
            "Adam weight decay negative" => () => new Adam(weightDecay: -0.1f),
            "AdamW learning rate negative" => () => new AdamW(-1e-3f),
            "AdamW beta1 one" => () => new AdamW(beta1: 1f),
            "AdamW beta2 negative" => () => new AdamW(beta2: -0.5f),
            "AdamW epsilon infinite" => () => new AdamW(epsilon: float.PositiveInfinity),
            "AdamW weight decay negative" => () => new AdamW(weightDecay: -0.01f),
            _ => throw new ArgumentOutOfRangeException(nameof(invalidCall), invalidCall, "Unknown case."),
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(create);

        Assert.Equal(parameterName, error.ParamName);
    }

    [Fact]
    public void Boundary_values_PyTorch_accepts_are_accepted()
    {
        Assert.Equal(0f, new Sgd(0f, momentum: 0f, dampening: -1f).LearningRate);
        Assert.True(new Sgd(0.1f, momentum: 0.9f, nesterov: true).Nesterov);
        Assert.Equal(2f, new RmsProp(alpha: 2f, epsilon: 0f).Alpha);
        Assert.Equal(0f, new Adam(beta1: 0f, beta2: 0f, epsilon: 0f).Beta1);
        Assert.Equal(0f, new AdamW(weightDecay: 0f).WeightDecay);
    }

    [Fact]
    public void The_defaults_are_PyTorch_s()
    {
        var rmsProp = new RmsProp();
        var adam = new Adam();
        var adamW = new AdamW();
        var sgd = new Sgd(0.1f);

        Assert.Equal((0.01f, 0.99f, 1e-8f, 0f, 0f, false), (rmsProp.LearningRate, rmsProp.Alpha, rmsProp.Epsilon, rmsProp.WeightDecay, rmsProp.Momentum, rmsProp.Centered));
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.WeightDecay, adam.AmsGrad));
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-8f, 1e-2f, false), (adamW.LearningRate, adamW.Beta1, adamW.Beta2, adamW.Epsilon, adamW.WeightDecay, adamW.AmsGrad));
        Assert.Equal((0f, 0f, 0f, false), (sgd.Momentum, sgd.Dampening, sgd.WeightDecay, sgd.Nesterov));
    }

    [Theory]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Setting_an_invalid_learning_rate_is_rejected_and_keeps_the_old_one(float learningRate)
    {
        var adam = new Adam(1e-3f);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = learningRate);

        Assert.Equal(nameof(Optimizer.LearningRate), error.ParamName);
        Assert.Equal(1e-3f, adam.LearningRate);
    }
}
