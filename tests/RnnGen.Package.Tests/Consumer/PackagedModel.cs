using System;
using System.Globalization;
using System.Linq;
using RnnGen;

namespace PackageConsumer;

/// <summary>The model a new user declares after adding the package: three features per step → LSTM(8) → Dense(2).</summary>
[RnnModel(InputSize = 3)]
[Lstm(8)]
[Dense(2)]
public partial class PackagedModel;

/// <summary>
/// What the consumer program prints: the generated constants and one prediction on a fixed sequence. The package
/// test runs this file twice, in a project that gets RnnGen from the package and in the test itself, built from the
/// repository, and expects the same lines.
/// </summary>
public static class PackagedModelReport
{
    /// <summary>The lines to print.</summary>
    public static string[] Lines()
    {
        var model = new PackagedModel(seed: 7);
        float[] sequence = [0.5f, -1f, 0.25f, 1f, 0f, -0.5f, -0.75f, 0.5f, 2f];   // 3 steps × InputSize
        float[] output = new float[PackagedModel.OutputSize];
        model.Predict(sequence, output);
        return
        [
            string.Create(CultureInfo.InvariantCulture, $"InputSize={PackagedModel.InputSize} OutputSize={PackagedModel.OutputSize} ParameterCount={PackagedModel.ParameterCount}"),
            "output=" + string.Join(' ', output.Select(value => value.ToString("R", CultureInfo.InvariantCulture))),
            string.Create(CultureInfo.InvariantCulture, $"finite={output.All(float.IsFinite)}"),
        ];
    }
}
