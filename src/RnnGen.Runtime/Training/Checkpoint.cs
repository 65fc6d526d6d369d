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
    private const string Extension = ".safetensors";

    /// <summary>
    /// The optimizer-state file that goes with <paramref name="weightsPath"/>: <c>best.safetensors</c> →
    /// <c>best.optimizer.safetensors</c>; any other name gets <c>.optimizer.safetensors</c> appended, so
    /// <c>run.e5</c> and <c>run.e6</c> do not share one.
    /// </summary>
    public static string OptimizerPath(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        string stem = weightsPath.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? weightsPath[..^Extension.Length] : weightsPath;
        return stem + ".optimizer" + Extension;
    }

    /// <summary>
    /// Creates the folder a checkpoint goes to. Fit calls it before the first epoch, so that a path that cannot be
    /// written is refused then, not after an epoch of training.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be created; the message names the checkpoint path.</exception>
    internal static void CreateFolder(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(weightsPath));
        if (folder is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot save checkpoints to {weightsPath}: its folder {folder} cannot be created ({error.Message}).", error);
        }
    }

    /// <summary>The metadata a trainer writes with a best checkpoint, read back by <see cref="Load"/>.</summary>
    internal static Dictionary<string, string> Metadata(int epoch, MonitoredQuantity monitor, double value) => new()
    {
        ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
        ["monitor"] = monitor.ToString(),
        ["monitored_value"] = value.ToString("R", CultureInfo.InvariantCulture),
        ["format"] = "rnngen-checkpoint/1",
    };

    /// <summary>
    /// Saves the weights of <paramref name="parameters"/> and the state of <paramref name="optimizer"/>, creating the
    /// folder of <paramref name="weightsPath"/> if it does not exist (as Keras' ModelCheckpoint does).
    /// </summary>
    public static void Save(string weightsPath, ParameterSet parameters, Optimizer optimizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        CreateFolder(weightsPath);
        SafetensorsWriter.Write(OptimizerPath(weightsPath), optimizer.ExportState(), optimizer.ExportMetadata());
        var tagged = new Dictionary<string, string>();
        if (metadata is not null)
        {
            foreach (var (key, value) in metadata)
            {
                tagged[key] = value;
            }
        }

        // Both files carry the optimizer's step count, so Load can tell a matching pair from a torn one.
        tagged[StepKey] = optimizer.Steps.ToString(CultureInfo.InvariantCulture);
        parameters.SaveSafetensors(weightsPath, tagged);
    }

    /// <summary>
    /// Loads the weights (strictly: every tensor, exact shapes) and, when <paramref name="optimizer"/> is given, its state,
    /// so training resumes where it stopped: pass <see cref="CheckpointInfo.Epoch"/> as <see cref="FitOptions.InitialEpoch"/>
    /// and <see cref="CheckpointInfo.MonitoredValue"/> as <see cref="FitOptions.InitialBest"/>. The optimizer's learning
    /// rate becomes the saved one (as a schedule had set it): create the <see cref="Trainer{TModel}"/> first, whose
    /// schedule takes the rate it finds at its creation as the base.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// A file is corrupt, does not fit the model or the optimizer, or the two files are not from the same save; neither
    /// the parameters nor the optimizer has changed.
    /// </exception>
    public static CheckpointInfo Load(string weightsPath, ParameterSet parameters, Optimizer? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var weights = SafetensorsFile.Read(weightsPath);
        var state = optimizer is null ? null : SafetensorsFile.Read(OptimizerPath(weightsPath));
        if (state is not null
            && weights.Metadata.TryGetValue(StepKey, out string? saved)
            && (!state.Metadata.TryGetValue("optimizer.step", out string? step) || step != saved))
        {
            throw new InvalidDataException($"{weightsPath} was saved after optimizer step {saved}, but {OptimizerPath(weightsPath)} holds the state of step {step ?? "?"}: the pair is torn (a crash between the two writes?).");
        }

        // Both files are checked before either writes: a weights file that does not fit, or an optimizer state for
        // another optimizer, leaves the model and the optimizer as they were.
        Optimizer.ImportedState? imported = optimizer?.ReadState(state!);
        parameters.Load(weights, strict: true);
        if (imported is not null)
        {
            optimizer!.ApplyState(imported);
        }

        return new CheckpointInfo(Integer(weights, "epoch"), Number(weights, "monitored_value"));
    }

    private const string StepKey = "optimizer_step";

    private static int Integer(SafetensorsFile file, string key) =>
        file.Metadata.TryGetValue(key, out string? text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : 0;

    private static double? Number(SafetensorsFile file, string key) =>
        file.Metadata.TryGetValue(key, out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : null;
}

/// <summary>What a checkpoint says about when it was saved.</summary>
/// <param name="Epoch">The epoch after which it was saved (0 when the file does not say).</param>
/// <param name="MonitoredValue">The monitored value of that epoch, or null when the file does not say.</param>
public readonly record struct CheckpointInfo(int Epoch, double? MonitoredValue);
