using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace RnnGen.Training;

/// <summary>
/// A training checkpoint: the weights in one safetensors file (loadable on its own, here or in PyTorch) and the
/// optimizer's state beside it. Each file is written atomically (temporary file, flush, rename), so a crash never
/// leaves a half-written checkpoint; the optimizer file is written first, so new weights never pair with an older state.
/// </summary>
public static class Checkpoint
{
    /// <summary>The optimizer-state file that goes with <paramref name="weightsPath"/>: <c>best.safetensors</c> → <c>best.optimizer.safetensors</c>.</summary>
    public static string OptimizerPath(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        return Path.ChangeExtension(weightsPath, null) + ".optimizer.safetensors";
    }

    /// <summary>Saves the weights of <paramref name="parameters"/> and the state of <paramref name="optimizer"/>.</summary>
    public static void Save(string weightsPath, ParameterSet parameters, Optimizer optimizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        SafetensorsWriter.Write(OptimizerPath(weightsPath), optimizer.ExportState(), optimizer.ExportMetadata());
        parameters.SaveSafetensors(weightsPath, metadata);
    }

    /// <summary>
    /// Loads the weights (strictly: every tensor, exact shapes) and, when <paramref name="optimizer"/> is given, its state,
    /// so training resumes where it stopped.
    /// </summary>
    /// <returns>The epoch the checkpoint was saved after (0 when the file does not say), for <see cref="FitOptions.InitialEpoch"/>.</returns>
    public static int Load(string weightsPath, ParameterSet parameters, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var weights = SafetensorsFile.Read(weightsPath);
        var state = optimizer is null ? null : SafetensorsFile.Read(OptimizerPath(weightsPath));
        parameters.Load(weights, strict: true);
        if (state is not null)
        {
            optimizer!.ImportState(state);
        }

        return weights.Metadata.TryGetValue("epoch", out string? epoch) && int.TryParse(epoch, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : 0;
    }
}
