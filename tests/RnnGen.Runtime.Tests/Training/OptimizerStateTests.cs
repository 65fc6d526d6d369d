using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RnnGen.Runtime.Tests.Weights;
using RnnGen.Training;
using static RnnGen.Runtime.Tests.Training.OptimizerConfigurations;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>Saving an optimizer's state to safetensors and resuming from it.</summary>
public sealed class OptimizerStateTests
{
    public static TheoryData<string> Configurations => All();

    [Theory]
    [MemberData(nameof(Configurations))]
    public void A_run_saved_after_3_steps_and_resumed_for_2_is_bit_identical_to_5_uninterrupted_steps(string configuration)
    {
        ParameterSet uninterrupted = CreateParameters();
        Optimizer reference = Create(configuration);
        RunSteps(reference, uninterrupted, 1, 5);

        ParameterSet interrupted = CreateParameters();
        Optimizer before = Create(configuration);
        RunSteps(before, interrupted, 1, 3);
        using var directory = new TemporaryDirectory();
        string statePath = directory.File("optimizer.safetensors");
        string weightsPath = directory.File("weights.safetensors");
        SafetensorsWriter.Write(statePath, before.ExportState(), before.ExportMetadata());
        interrupted.SaveSafetensors(weightsPath);

        Optimizer resumed = Create(configuration);
        resumed.ImportState(SafetensorsFile.Read(statePath));
        ParameterSet restored = CreateParameters();
        restored.LoadSafetensors(weightsPath);
        Assert.Equal(3, resumed.Steps);
        RunSteps(resumed, restored, 4, 5);

        Assert.Equal(5, resumed.Steps);
        Assert.Equal(Bits(uninterrupted.Values), Bits(restored.Values));
    }

    [Fact]
    public void The_state_is_each_buffer_named_as_in_PyTorch_with_the_parameter_count_as_shape()
    {
        ParameterSet parameters = CreateParameters();
        var adam = new Adam(amsGrad: true);
        var rmsProp = new RmsProp(momentum: 0.5f, centered: true);
        var sgd = new Sgd(0.1f);
        var sgdWithMomentum = new Sgd(0.1f, momentum: 0.9f);
        Assert.Empty(adam.ExportState());

        foreach (Optimizer optimizer in new Optimizer[] { adam, rmsProp, sgd, sgdWithMomentum })
        {
            SetGradients(parameters, 1);
            optimizer.Step(parameters);
        }

        Assert.Equal(["optimizer.exp_avg", "optimizer.exp_avg_sq", "optimizer.max_exp_avg_sq"], adam.ExportState().Select(e => e.Name));
        Assert.Equal(["optimizer.square_avg", "optimizer.momentum_buffer", "optimizer.grad_avg"], rmsProp.ExportState().Select(e => e.Name));
        Assert.Empty(sgd.ExportState());
        Assert.Equal(["optimizer.momentum_buffer"], sgdWithMomentum.ExportState().Select(e => e.Name));
        Assert.All(adam.ExportState().Concat(rmsProp.ExportState()), entry =>
        {
            Assert.Equal([ParameterCount], entry.Shape);
            Assert.Equal(ParameterCount, entry.Data.Length);
        });
    }

    [Fact]
    public void The_metadata_holds_the_type_every_hyperparameter_in_round_trip_format_and_the_step_count()
    {
        ParameterSet parameters = CreateParameters();
        var adam = new Adam(1e-3f, beta2: 0.95f, weightDecay: 0.1f);
        RunSteps(adam, parameters, 1, 2);

        IReadOnlyDictionary<string, string> metadata = adam.ExportMetadata();

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["optimizer.type"] = "Adam",
                ["optimizer.lr"] = "0.001",
                ["optimizer.beta1"] = "0.9",
                ["optimizer.beta2"] = "0.95",
                ["optimizer.eps"] = "1E-08",
                ["optimizer.weight_decay"] = "0.1",
                ["optimizer.amsgrad"] = "false",
                ["optimizer.step"] = "2",
            },
            metadata);
        Assert.Equal(
            ["optimizer.type", "optimizer.lr", "optimizer.momentum", "optimizer.dampening", "optimizer.weight_decay", "optimizer.nesterov", "optimizer.step"],
            new Sgd(0.1f).ExportMetadata().Keys);
        Assert.Equal(
            ["optimizer.type", "optimizer.lr", "optimizer.alpha", "optimizer.eps", "optimizer.weight_decay", "optimizer.momentum", "optimizer.centered", "optimizer.step"],
            new RmsProp().ExportMetadata().Keys);
        Assert.Equal("AdamW", new AdamW().ExportMetadata()["optimizer.type"]);
    }

    [Fact]
    public void The_exported_state_is_a_copy()
    {
        ParameterSet parameters = CreateParameters();
        var adam = new Adam();
        RunSteps(adam, parameters, 1, 1);
        int[] exported = Bits(adam.ExportState()[0].Data.Span);

        RunSteps(adam, parameters, 2, 2);

        IReadOnlyList<SafetensorsEntry> state = adam.ExportState();
        Assert.NotEqual(exported, Bits(state[0].Data.Span));
    }

    [Fact]
    public void Importing_restores_the_learning_rate_a_schedule_had_set()
    {
        ParameterSet parameters = CreateParameters();
        var saved = new Adam(1e-3f) { LearningRate = 2.5e-4f };
        RunSteps(saved, parameters, 1, 1);
        var resumed = new Adam(1e-3f);

        resumed.ImportState(Parse(saved.ExportState(), saved.ExportMetadata()));

        Assert.Equal(2.5e-4f, resumed.LearningRate);
    }

    [Fact]
    public void Importing_ignores_tensors_outside_the_optimizer_namespace_so_one_file_can_hold_weights_and_state()
    {
        ParameterSet parameters = CreateParameters();
        var saved = new Sgd(0.1f, momentum: 0.9f);
        RunSteps(saved, parameters, 1, 2);
        var resumed = new Sgd(0.1f, momentum: 0.9f);

        resumed.ImportState(Parse(parameters.ToEntries().Concat(saved.ExportState()), saved.ExportMetadata()));

        Assert.Equal(2, resumed.Steps);
        Assert.Equal(Bits(saved.ExportState()[0].Data.Span), Bits(resumed.ExportState()[0].Data.Span));
    }

    [Fact]
    public void Importing_a_state_from_before_the_first_step_restarts_the_optimizer()
    {
        ParameterSet parameters = CreateParameters();
        var fresh = new Adam();
        var used = new Adam();
        RunSteps(used, parameters, 1, 2);

        used.ImportState(Parse(fresh.ExportState(), fresh.ExportMetadata()));

        Assert.Equal(0, used.Steps);
        Assert.Empty(used.ExportState());
        used.Step(new ParameterSet([new("other", 0, [3])]));
    }

    [Fact]
    public void A_state_for_another_optimizer_type_is_rejected_and_nothing_changes()
    {
        ParameterSet parameters = CreateParameters();
        var adam = new Adam();
        RunSteps(adam, parameters, 1, 2);
        var adamW = new AdamW();
        RunSteps(adamW, CreateParameters(), 1, 3);
        SafetensorsFile file = Parse(adam.ExportState(), adam.ExportMetadata());

        InvalidDataException error = AssertRejectedWithoutChange(adamW, file);

        Assert.Contains("is for 'Adam' but this optimizer is AdamW", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_without_optimizer_metadata_is_rejected()
    {
        var sgd = new Sgd(0.1f);
        SafetensorsFile file = Parse(CreateParameters().ToEntries(), null);

        InvalidDataException error = AssertRejectedWithoutChange(sgd, file);

        Assert.Contains("no 'optimizer.type'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Buffers_of_another_length_than_the_parameters_the_optimizer_serves_are_rejected_and_nothing_changes()
    {
        var other = new Adam();
        ParameterSet shorter = new([new("w", 0, [ParameterCount - 1])]);
        SetGradients(shorter, 1);
        other.Step(shorter);
        var adam = new Adam();
        RunSteps(adam, CreateParameters(), 1, 2);

        InvalidDataException error = AssertRejectedWithoutChange(adam, Parse(other.ExportState(), other.ExportMetadata()));

        Assert.Contains($"'optimizer.exp_avg' has shape [{ParameterCount - 1}] but this optimizer serves {ParameterCount} parameters", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'optimizer.exp_avg_sq' has shape [{ParameterCount - 1}]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Buffers_of_different_lengths_are_rejected_by_an_optimizer_that_serves_no_parameters_yet()
    {
        var saved = new Adam();
        RunSteps(saved, CreateParameters(), 1, 1);
        IReadOnlyList<SafetensorsEntry> state = saved.ExportState();
        SafetensorsEntry truncated = state[1] with { Shape = [ParameterCount - 1], Data = state[1].Data[..^1] };
        var fresh = new Adam();

        InvalidDataException error = AssertRejectedWithoutChange(fresh, Parse([state[0], truncated], saved.ExportMetadata()));

        Assert.Contains($"'optimizer.exp_avg_sq' has shape [{ParameterCount - 1}] but 'optimizer.exp_avg' has [{ParameterCount}]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Different_hyperparameters_are_rejected_each_named_with_both_values()
    {
        var saved = new Adam(beta2: 0.95f, amsGrad: true);
        RunSteps(saved, CreateParameters(), 1, 1);
        var adam = new Adam();

        InvalidDataException error = AssertRejectedWithoutChange(adam, Parse(saved.ExportState(), saved.ExportMetadata()));

        Assert.Contains("'optimizer.beta2' is '0.95' but this optimizer has 0.999", error.Message, StringComparison.Ordinal);
        Assert.Contains("'optimizer.amsgrad' is 'true' but this optimizer has false", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected 'optimizer.max_exp_avg_sq'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_hyperparameters_written_differently_are_accepted()
    {
        var saved = new RmsProp(momentum: 0.5f);
        RunSteps(saved, CreateParameters(), 1, 1);
        var metadata = new Dictionary<string, string>(saved.ExportMetadata())
        {
            ["optimizer.alpha"] = "0.990",
            ["optimizer.centered"] = "False",
        };
        var resumed = new RmsProp(momentum: 0.5f);

        resumed.ImportState(Parse(saved.ExportState(), metadata));

        Assert.Equal(1, resumed.Steps);
    }

    [Fact]
    public void A_missing_buffer_a_missing_step_count_or_a_bad_learning_rate_is_rejected()
    {
        var saved = new Adam();
        RunSteps(saved, CreateParameters(), 1, 1);
        var adam = new Adam();
        var withoutStep = new Dictionary<string, string>(saved.ExportMetadata());
        withoutStep.Remove("optimizer.step");
        var badLearningRate = new Dictionary<string, string>(saved.ExportMetadata()) { ["optimizer.lr"] = "-1" };

        InvalidDataException missingBuffer = AssertRejectedWithoutChange(adam, Parse(saved.ExportState().Take(1), saved.ExportMetadata()));
        InvalidDataException missingStep = AssertRejectedWithoutChange(adam, Parse(saved.ExportState(), withoutStep));
        InvalidDataException negativeLearningRate = AssertRejectedWithoutChange(adam, Parse(saved.ExportState(), badLearningRate));

        Assert.Contains("missing 'optimizer.exp_avg_sq'", missingBuffer.Message, StringComparison.Ordinal);
        Assert.Contains("missing 'optimizer.step'", missingStep.Message, StringComparison.Ordinal);
        Assert.Contains("'optimizer.lr' is '-1', not a finite number ≥ 0", negativeLearningRate.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Buffers_that_are_not_float32_or_not_one_dimensional_are_rejected()
    {
        var adam = new Adam();
        const string Metadata =
            "\"__metadata__\":{\"optimizer.type\":\"Adam\",\"optimizer.lr\":\"0.001\",\"optimizer.beta1\":\"0.9\",\"optimizer.beta2\":\"0.999\"," +
            "\"optimizer.eps\":\"1E-08\",\"optimizer.weight_decay\":\"0\",\"optimizer.amsgrad\":\"false\",\"optimizer.step\":\"1\"}";
        string header = "{" + Metadata +
            ",\"optimizer.exp_avg\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}" +
            ",\"optimizer.exp_avg_sq\":{\"dtype\":\"F32\",\"shape\":[1,2],\"data_offsets\":[16,24]}}";
        SafetensorsFile file = SafetensorsFile.Parse(SafetensorsBytes.Build(header, 24), "hand-made");

        InvalidDataException error = AssertRejectedWithoutChange(adam, file);

        Assert.Contains("'optimizer.exp_avg' has dtype F64; optimizer state is F32", error.Message, StringComparison.Ordinal);
        Assert.Contains("'optimizer.exp_avg_sq' has shape [1, 2]; optimizer state is one-dimensional", error.Message, StringComparison.Ordinal);
    }

    private static void RunSteps(Optimizer optimizer, ParameterSet parameters, int first, int last)
    {
        for (int step = first; step <= last; step++)
        {
            SetGradients(parameters, step);
            optimizer.Step(parameters);
        }
    }

    private static SafetensorsFile Parse(IEnumerable<SafetensorsEntry> tensors, IReadOnlyDictionary<string, string>? metadata) =>
        SafetensorsFile.Parse(SafetensorsWriter.Serialize(tensors, metadata), "state");

    /// <summary>Imports <paramref name="file"/>, expects a rejection, and checks that the state, step count and learning rate are as before.</summary>
    private static InvalidDataException AssertRejectedWithoutChange(Optimizer optimizer, SafetensorsFile file)
    {
        IReadOnlyDictionary<string, string> metadataBefore = optimizer.ExportMetadata();
        int[][] stateBefore = optimizer.ExportState().Select(entry => Bits(entry.Data.Span)).ToArray();

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => optimizer.ImportState(file));

        Assert.Equal(metadataBefore, optimizer.ExportMetadata());
        Assert.Equal(stateBefore, optimizer.ExportState().Select(entry => Bits(entry.Data.Span)).ToArray());
        Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        return error;
    }
}
