using System;
using System.Collections.Generic;
using System.Linq;

namespace RnnGen.Training;

/// <summary>What a dataset's targets are: one per sequence or one per time step, class labels or real values.</summary>
public enum TargetKind
{
    /// <summary>One class label per sequence (sequence classification).</summary>
    Label,

    /// <summary>One class label per time step (tagging, language modelling).</summary>
    StepLabels,

    /// <summary>A vector of real values per sequence (regression, binary targets).</summary>
    Values,

    /// <summary>A vector of real values per time step.</summary>
    StepValues,
}

/// <summary>
/// Variable-length sequences (feature vectors or token ids) with their targets, the unit the trainer batches.
/// Sequences keep their own lengths: a batch is padded to its longest member and the padding is masked, never learned.
/// </summary>
public sealed class SequenceDataset
{
    private SequenceDataset(IReadOnlyList<float[]>? features, IReadOnlyList<int[]>? tokens, int featureSize, TargetKind targetKind, int[]? labels, IReadOnlyList<int[]>? stepLabels, IReadOnlyList<float[]>? values, int valueSize)
    {
        Features = features;
        Tokens = tokens;
        FeatureSize = featureSize;
        TargetKind = targetKind;
        Labels = labels;
        StepLabels = stepLabels;
        Values = values;
        ValueSize = valueSize;
        Count = features?.Count ?? tokens!.Count;
        int longest = 0;
        for (int i = 0; i < Count; i++)
        {
            longest = Math.Max(longest, StepsOf(i));
        }

        LongestSequence = longest;
    }

    /// <summary>Number of sequences.</summary>
    public int Count { get; }

    /// <summary>Steps of the longest sequence.</summary>
    public int LongestSequence { get; }

    /// <summary>Feature sequences ([steps × FeatureSize] each), or null for token input.</summary>
    public IReadOnlyList<float[]>? Features { get; }

    /// <summary>Token-id sequences, or null for feature input.</summary>
    public IReadOnlyList<int[]>? Tokens { get; }

    /// <summary>Features per step of <see cref="Features"/>; 1 for tokens.</summary>
    public int FeatureSize { get; }

    /// <summary>What the targets are.</summary>
    public TargetKind TargetKind { get; }

    /// <summary>One label per sequence, for <see cref="TargetKind.Label"/>.</summary>
    public int[]? Labels { get; }

    /// <summary>One label per step of each sequence, for <see cref="TargetKind.StepLabels"/>.</summary>
    public IReadOnlyList<int[]>? StepLabels { get; }

    /// <summary>Target values per sequence ([ValueSize]) or per step ([steps × ValueSize]).</summary>
    public IReadOnlyList<float[]>? Values { get; }

    /// <summary>Values per target vector.</summary>
    public int ValueSize { get; }

    /// <summary>Feature sequences with one class label each.</summary>
    public static SequenceDataset FromFeatures(IReadOnlyList<float[]> sequences, int featureSize, int[] labels) =>
        Create(sequences, featureSize, TargetKind.Label, labels, null, null, 0);

    /// <summary>Feature sequences with one class label per step (e.g. a tag for every frame).</summary>
    public static SequenceDataset FromFeatures(IReadOnlyList<float[]> sequences, int featureSize, IReadOnlyList<int[]> stepLabels) =>
        Create(sequences, featureSize, TargetKind.StepLabels, null, stepLabels, null, 0);

    /// <summary>Feature sequences with a vector of <paramref name="valueSize"/> values each, per sequence or per step.</summary>
    public static SequenceDataset FromFeatures(IReadOnlyList<float[]> sequences, int featureSize, IReadOnlyList<float[]> values, int valueSize, bool perStep = false) =>
        Create(sequences, featureSize, perStep ? TargetKind.StepValues : TargetKind.Values, null, null, values, valueSize);

    /// <summary>Token sequences with one class label each.</summary>
    public static SequenceDataset FromTokens(IReadOnlyList<int[]> sequences, int[] labels) =>
        Create(sequences, 1, TargetKind.Label, labels, null, null, 0);

    /// <summary>Token sequences with one class label per step (e.g. the next token).</summary>
    public static SequenceDataset FromTokens(IReadOnlyList<int[]> sequences, IReadOnlyList<int[]> stepLabels) =>
        Create(sequences, 1, TargetKind.StepLabels, null, stepLabels, null, 0);

    /// <summary>Token sequences with a vector of <paramref name="valueSize"/> values each (e.g. a binary target), per sequence or per step.</summary>
    public static SequenceDataset FromTokens(IReadOnlyList<int[]> sequences, IReadOnlyList<float[]> values, int valueSize, bool perStep = false) =>
        Create(sequences, 1, perStep ? TargetKind.StepValues : TargetKind.Values, null, null, values, valueSize);

    /// <summary>Steps of sequence <paramref name="index"/>.</summary>
    public int StepsOf(int index) => Features is null ? Tokens![index].Length : Features[index].Length / FeatureSize;

    /// <summary>The sequences at <paramref name="indices"/>, in that order (shares the arrays, copies nothing large).</summary>
    public SequenceDataset Subset(ReadOnlySpan<int> indices)
    {
        var features = Features is null ? null : new float[indices.Length][];
        var tokens = Tokens is null ? null : new int[indices.Length][];
        var labels = Labels is null ? null : new int[indices.Length];
        var stepLabels = StepLabels is null ? null : new int[indices.Length][];
        var values = Values is null ? null : new float[indices.Length][];
        for (int i = 0; i < indices.Length; i++)
        {
            int source = indices[i];
            if ((uint)source >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), source, $"Index {i} is {source}, outside the dataset's {Count} sequences.");
            }

            if (features is not null)
            {
                features[i] = Features![source];
            }

            if (tokens is not null)
            {
                tokens[i] = Tokens![source];
            }

            if (labels is not null)
            {
                labels[i] = Labels![source];
            }

            if (stepLabels is not null)
            {
                stepLabels[i] = StepLabels![source];
            }

            if (values is not null)
            {
                values[i] = Values![source];
            }
        }

        return new SequenceDataset(features, tokens, FeatureSize, TargetKind, labels, stepLabels, values, ValueSize);
    }

    private static bool AllFinite(float[] values)
    {
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }
        }

        return true;
    }

    // T is float for feature sequences and int for token sequences; the parameters are named as the public factories
    // name them, so that every exception names the caller's argument.
    private static SequenceDataset Create<T>(IReadOnlyList<T[]> sequences, int featureSize, TargetKind kind, int[]? labels, IReadOnlyList<int[]>? stepLabels, IReadOnlyList<float[]>? values, int valueSize)
    {
        string targetName = kind switch
        {
            TargetKind.Label => nameof(labels),
            TargetKind.StepLabels => nameof(stepLabels),
            _ => nameof(values),
        };
        ArgumentNullException.ThrowIfNull(sequences);
        int count = sequences.Count;
        if (count == 0)
        {
            throw new ArgumentException("The dataset has no sequences.", nameof(sequences));
        }

        // The lists are copied (not the sequences), so adding to the caller's lists later cannot change this dataset.
        T[][] copy = sequences.ToArray();
        var features = copy as float[][];
        var tokens = copy as int[][];
        labels = labels?.ToArray();
        stepLabels = stepLabels?.ToArray();
        values = values?.ToArray();
        if (featureSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(featureSize), featureSize, "Each step needs at least one feature.");
        }

        int targets = labels?.Length ?? stepLabels?.Count ?? values?.Count ?? throw new ArgumentNullException(targetName, "The dataset needs targets.");
        if (targets != count)
        {
            throw new ArgumentException($"There {(count == 1 ? "is 1 sequence" : $"are {count} sequences")} but {targets} target{(targets == 1 ? string.Empty : "s")}: one each.", targetName);
        }

        if (values is not null && valueSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(valueSize), valueSize, "Each target needs at least one value.");
        }

        for (int i = 0; i < count; i++)
        {
            if (copy[i] is null)
            {
                throw new ArgumentException($"Sequence {i} is null.", nameof(sequences));
            }

            bool targetMissing = kind switch
            {
                TargetKind.Label => false,
                TargetKind.StepLabels => stepLabels![i] is null,
                _ => values![i] is null,
            };
            if (targetMissing)
            {
                throw new ArgumentException($"The target of sequence {i} is null.", targetName);
            }

            int length = copy[i].Length;
            if (length == 0 || length % featureSize != 0)
            {
                throw new ArgumentException(features is null
                    ? $"Sequence {i} is empty; it needs at least one token."
                    : $"Sequence {i} has {length} values; it needs at least one step of {featureSize} feature{(featureSize == 1 ? string.Empty : "s")} and a whole number of steps.", nameof(sequences));
            }

            int steps = length / featureSize;
            if (features is not null && !AllFinite(features[i]))
            {
                throw new ArgumentException($"Sequence {i} contains NaN or infinity.", nameof(sequences));
            }

            if (values is not null && !AllFinite(values[i]))
            {
                throw new ArgumentException($"Target {i} contains NaN or infinity.", nameof(values));
            }

            switch (kind)
            {
                case TargetKind.StepLabels when stepLabels![i].Length != steps:
                    throw new ArgumentException($"Sequence {i} has {steps} steps but {stepLabels[i].Length} step labels.", nameof(stepLabels));
                case TargetKind.Values when values![i].Length != valueSize:
                    throw new ArgumentException($"Target {i} has {values[i].Length} values; expected {valueSize}.", nameof(values));
                case TargetKind.StepValues when values![i].Length != steps * valueSize:
                    throw new ArgumentException($"Target {i} has {values[i].Length} values; expected {steps} steps × {valueSize}.", nameof(values));
            }
        }

        return new SequenceDataset(features, tokens, featureSize, kind, labels, stepLabels, values, valueSize);
    }
}
