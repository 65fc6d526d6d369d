using System;
using RnnGen.Runtime.Tests.Weights;
using RnnGen.Training;

namespace RnnGen.Runtime.Tests.Training;

/// <summary>
/// Replays a libtorch optimizer trajectory (tests/Fixtures/libtorch/optim, see its README): parameters a [11]
/// and b [3,4] in one <see cref="ParameterSet"/>, a first; for k = 1…5 the gradients of step k go in, the
/// optimizer steps, and the values are compared with the recorded ones.
/// </summary>
internal sealed class OptimizerTrajectory
{
    public const int StepCount = 5;

    private readonly SafetensorsFile _file;

    public OptimizerTrajectory(string fixture)
    {
        _file = SafetensorsFile.Read(LibtorchFixtures.PathOf($"optim/{fixture}.safetensors"));
    }

    /// <summary>The optimizer and settings libtorch used, e.g. <c>SGD(lr=0.1)</c>.</summary>
    public string Settings => _file.Metadata["optimizer"];

    public static ParameterSet CreateParameters() => new([new("a", 0, [11]), new("b", 11, [3, 4])]);

    /// <summary>Steps <paramref name="optimizer"/> through the trajectory and measures it against libtorch.</summary>
    public TrajectoryComparison Replay(Optimizer optimizer)
    {
        ParameterSet parameters = CreateParameters();
        _file["a.initial"].CopyToFloat32(parameters["a"]);
        _file["b.initial"].CopyToFloat32(parameters["b"]);
        var comparison = new TrajectoryComparison();
        for (int k = 1; k <= StepCount; k++)
        {
            _file[$"a.grad.step{k}"].CopyToFloat32(parameters.GradientOf("a"));
            _file[$"b.grad.step{k}"].CopyToFloat32(parameters.GradientOf("b"));
            optimizer.Step(parameters);
            comparison.Add(k, "a", parameters["a"], _file[$"a.after.step{k}"].ToFloat32());
            comparison.Add(k, "b", parameters["b"], _file[$"b.after.step{k}"].ToFloat32());
        }

        return comparison;
    }
}

/// <summary>How far a replayed trajectory is from libtorch's, element by element.</summary>
internal sealed class TrajectoryComparison
{
    /// <summary>Largest |ours − libtorch| / max(1, |libtorch|) over every element of every step.</summary>
    public double WorstError { get; private set; }

    /// <summary>Where <see cref="WorstError"/> occurred, e.g. <c>b[7] after step 3</c>.</summary>
    public string WorstAt { get; private set; } = "nowhere";

    public int Compared { get; private set; }

    public int BitIdentical { get; private set; }

    public void Add(int step, string tensor, ReadOnlySpan<float> ours, float[] libtorch)
    {
        Assert.Equal(libtorch.Length, ours.Length);
        for (int i = 0; i < ours.Length; i++)
        {
            double error = Math.Abs((double)ours[i] - libtorch[i]) / Math.Max(1.0, Math.Abs(libtorch[i]));
            Compared++;
            if (BitConverter.SingleToInt32Bits(ours[i]) == BitConverter.SingleToInt32Bits(libtorch[i]))
            {
                BitIdentical++;
            }

            if (!(error <= WorstError))
            {
                WorstError = error;
                WorstAt = $"{tensor}[{i}] after step {step} (ours {ours[i]:R}, libtorch {libtorch[i]:R})";
            }
        }
    }

    public override string ToString() =>
        $"worst relative error {WorstError:E2} at {WorstAt}; {BitIdentical} of {Compared} values bit-identical";
}
