using System;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>Every optimizer in each configuration that changes its state buffers, with seeded parameters and gradients.</summary>
internal static class OptimizerConfigurations
{
    /// <summary>Not a multiple of any vector width.</summary>
    public const int ParameterCount = 37;

    public static TheoryData<string> All() => new()
    {
        "sgd",
        "sgd momentum dampening",
        "sgd nesterov weight decay",
        "rmsprop",
        "rmsprop momentum",
        "rmsprop centered",
        "rmsprop centered momentum weight decay",
        "adam",
        "adam l2 amsgrad",
        "adamw",
        "adamw amsgrad",
    };

    public static Optimizer Create(string configuration) => configuration switch
    {
        "sgd" => new Sgd(0.1f),
        "sgd momentum dampening" => new Sgd(0.1f, momentum: 0.9f, dampening: 0.25f),
        "sgd nesterov weight decay" => new Sgd(0.1f, momentum: 0.9f, weightDecay: 0.01f, nesterov: true),
        "rmsprop" => new RmsProp(),
        "rmsprop momentum" => new RmsProp(0.01f, momentum: 0.5f),
        "rmsprop centered" => new RmsProp(0.01f, centered: true),
        "rmsprop centered momentum weight decay" => new RmsProp(0.01f, alpha: 0.9f, epsilon: 1e-6f, weightDecay: 0.01f, momentum: 0.5f, centered: true),
        "adam" => new Adam(),
        "adam l2 amsgrad" => new Adam(1e-2f, weightDecay: 0.1f, amsGrad: true),
        "adamw" => new AdamW(1e-2f, beta2: 0.95f),
        "adamw amsgrad" => new AdamW(amsGrad: true),
        _ => throw new ArgumentOutOfRangeException(nameof(configuration), configuration, "Unknown optimizer configuration."),
    };

    /// <summary>Two tensors, w [5,7] and b [2], with seeded values in [−1, 1).</summary>
    public static ParameterSet CreateParameters()
    {
        var parameters = new ParameterSet([new("w", 0, [5, 7]), new("b", 35, [2])]);
        var random = new SeededRandom(7);
        foreach (ref float value in parameters.Values)
        {
            value = random.NextUniform(-1f, 1f);
        }

        return parameters;
    }

    /// <summary>Sets the gradients of step <paramref name="step"/>: seeded, the same for every caller.</summary>
    public static void SetGradients(ParameterSet parameters, int step)
    {
        var random = new SeededRandom(1000 + (ulong)step);
        foreach (ref float gradient in parameters.Gradients)
        {
            gradient = random.NextGaussian();
        }
    }

    /// <summary>The bit patterns of <paramref name="values"/>, so that equality is exact (and NaN equals itself).</summary>
    public static int[] Bits(ReadOnlySpan<float> values)
    {
        int[] bits = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            bits[i] = BitConverter.SingleToInt32Bits(values[i]);
        }

        return bits;
    }
}
