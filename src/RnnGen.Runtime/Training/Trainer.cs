using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace RnnGen.Training;

/// <summary>
/// Trains a generated model the way Keras' <c>fit</c> does: epochs of shuffled mini-batches, a loss, an optimizer,
/// validation, early stopping, best checkpoints and a history. Deterministic: the same seed and data give the same
/// weights bit for bit. A training step allocates nothing once the batch buffers exist.
/// </summary>
/// <typeparam name="TModel">A generated model class.</typeparam>
public sealed class Trainer<TModel>
    where TModel : IRnnModel
{
    private readonly int _ignoreLabel;
    private readonly float _initialLearningRate;
    private BatchBuffers? _buffers;
    private (int Batch, int Steps, int ValueSize) _capacity;

    /// <summary>
    /// Creates a trainer for <paramref name="model"/>. The optimizer's learning rate now is the base of any schedule
    /// (create the trainer before loading a checkpoint into the optimizer, which restores the rate it had then).
    /// </summary>
    /// <param name="model">The model; its MaxBatch and MaxSteps bound the batches.</param>
    /// <param name="optimizer">Updates the weights after every batch.</param>
    /// <param name="loss">What to minimise.</param>
    /// <param name="ignoreLabel">A per-step label that does not count (padding), as PyTorch's <c>ignore_index</c>.</param>
    public Trainer(TModel model, Optimizer optimizer, Loss loss, int ignoreLabel = SoftmaxCrossEntropy.DefaultIgnoreLabel)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (model is not (IDenseInputModel or ITokenInputModel))
        {
            throw new ArgumentException($"{model.GetType().Name} is not a generated model (IDenseInputModel or ITokenInputModel).", nameof(model));
        }

        if (!Enum.IsDefined(loss))
        {
            throw new ArgumentOutOfRangeException(nameof(loss), loss, "Unknown loss.");
        }

        // The losses take logits and apply softmax / sigmoid themselves (like PyTorch's CrossEntropyLoss and
        // BCEWithLogitsLoss); a model that applies it too would be trained on softmax(softmax(z)).
        var activation = model.Shape.OutputActivation;
        if ((loss == Loss.SoftmaxCrossEntropy && activation == Activation.Softmax) || (loss == Loss.BinaryCrossEntropy && activation == Activation.Sigmoid))
        {
            throw new ArgumentException($"{typeof(TModel).Name} ends with a {activation} Dense layer, but {loss} applies {activation.ToString().ToLowerInvariant()} itself to logits: declare the last layer without Activation (logits) and apply {activation} only when you read predictions.", nameof(model));
        }

        Model = model;
        Optimizer = optimizer;
        Loss = loss;
        _ignoreLabel = ignoreLabel;
        _initialLearningRate = optimizer.LearningRate;
        Objective = new Objective(loss, model.Shape.OutputSize, ignoreLabel);
    }

    /// <summary>The model being trained.</summary>
    public TModel Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The loss.</summary>
    public Loss Loss { get; }

    /// <summary><c>accuracy</c> for classification losses, <c>mae</c> for mean squared error.</summary>
    public string MetricName => Objective.MetricName;

    private Objective Objective { get; }

    /// <summary>Trains for <paramref name="epochs"/> epochs of <paramref name="batchSize"/> sequences.</summary>
    public TrainingHistory Fit(SequenceDataset train, int epochs, int batchSize, SequenceDataset? validation = null, ulong seed = 0) =>
        Fit(train, new FitOptions { Epochs = epochs, BatchSize = batchSize, Validation = validation, Seed = seed });

    /// <summary>Trains with every option of <see cref="FitOptions"/>.</summary>
    public TrainingHistory Fit(SequenceDataset train, FitOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        var validation = options.Validation;
        if (validation is null && options.ValidationSplit > 0)
        {
            // Keras keeps floor(n·(1 − split)) for training and validates on the rest.
            int held = train.Count - (int)Math.Floor(train.Count * (1 - options.ValidationSplit));
            if (held < 1 || held >= train.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(options), options.ValidationSplit, $"ValidationSplit {options.ValidationSplit} of {train.Count} sequences leaves no validation or no training data.");
            }

            validation = train.Subset(Range(train.Count - held, train.Count));
            train = train.Subset(Range(0, train.Count - held));
        }

        CheckCompatible(train, nameof(train));
        if (validation is not null)
        {
            CheckCompatible(validation, nameof(options));
        }

        if (options.InitialBest is { } initialBest && !double.IsFinite(initialBest))
        {
            throw new ArgumentOutOfRangeException(nameof(options), initialBest, "InitialBest must be finite.");
        }

        if (options.CheckpointPath is not null)
        {
            // last of the checks, so a refused Fit leaves no folder behind; before any training, so a path that
            // cannot be written is not found out after an epoch
            Checkpoint.CreateFolder(options.CheckpointPath);
        }

        var buffers = Buffers(options.BatchSize, Math.Max(train.LongestSequence, validation?.LongestSequence ?? 0), train.ValueSize);
        int[] order = new int[train.Count];
        var seeds = new SeededRandom(options.Seed);
        var parameters = Model.Parameters;
        var epochs = new List<EpochRecord>();
        float[]? bestWeights = options.EarlyStopping is { RestoreBestWeights: true } ? new float[parameters.Count] : null;
        // A run resumed from a best checkpoint starts from that epoch's monitored value and weights, as the
        // uninterrupted run had them then.
        double best = options.InitialBest ?? double.NaN;
        int bestEpoch = options.InitialBest.HasValue ? options.InitialEpoch : 0;
        bestWeights?.AsSpan().Clear();
        if (bestWeights is not null && options.InitialBest.HasValue)
        {
            parameters.Values.CopyTo(bestWeights);
        }

        int sinceBest = 0;
        bool stoppedEarly = false;
        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;

        for (int epoch = options.InitialEpoch + 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            if (options.Schedule is not null)
            {
                Optimizer.LearningRate = options.Schedule.LearningRateAt(epoch - 1, _initialLearningRate);
            }

            // Everything random in an epoch derives from (seed, epoch) alone, so a resumed run repeats it exactly.
            var epochRandom = seeds.Fork((ulong)epoch);
            Model.SeedDropout(epochRandom.NextUInt64());
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            if (options.Shuffle)
            {
                epochRandom.Shuffle(order.AsSpan());
            }

            var totals = default(RunningTotals);
            int skipped = 0;
            for (int batch = 0; batch < batches; batch++)
            {
                int start = batch * options.BatchSize;
                ReadOnlySpan<int> indices = order.AsSpan(start, Math.Min(options.BatchSize, train.Count - start));
                buffers.Fill(train, indices, _ignoreLabel);
                parameters.ZeroGradients();
                buffers.Forward(training: true);
                var step = Objective.Compute(buffers);

                // A batch whose every target is ignored counts nothing: its gradient is zero, and a step would still
                // move the weights by the optimizer's momentum or weight decay.
                if (step.LossCount > 0)
                {
                    if (BackwardChecked(buffers, options, epoch, batch + 1, step))
                    {
                        Optimizer.Step(parameters);
                        totals.Add(step);
                    }
                    else
                    {
                        skipped++;
                    }
                }

                options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, batch + 1, batches, totals.Loss, totals.Metric));
            }

            Evaluation? validated = validation is null ? null : Evaluate(validation, options.BatchSize);
            var record = new EpochRecord(epoch, totals.Loss, totals.Metric, validated?.Loss, validated?.Metric, Optimizer.LearningRate, clock.Elapsed.TotalSeconds, skipped);
            epochs.Add(record);

            double monitored = Monitored(record, options.Monitor);
            bool improved = double.IsFinite(monitored) && (!double.IsFinite(best) || IsBetter(monitored, best, options));
            if (improved)
            {
                best = monitored;
                bestEpoch = epoch;
                sinceBest = 0;
                if (bestWeights is not null)
                {
                    parameters.Values.CopyTo(bestWeights);
                }
                if (options.CheckpointPath is not null)
                {
                    Checkpoint.Save(options.CheckpointPath, parameters, Optimizer, Checkpoint.Metadata(record.Epoch, options.Monitor, monitored));
                }
            }
            else
            {
                sinceBest++;
            }

            options.EpochEnd?.Invoke(record);
            // Patience running out on the last epoch stops nothing, so it is not reported as an early stop.
            if (options.EarlyStopping is { } stopping && sinceBest >= stopping.Patience && epoch < options.Epochs)
            {
                stoppedEarly = true;
                break;
            }
        }

        if (bestWeights is not null && bestEpoch > 0)
        {
            bestWeights.AsSpan().CopyTo(parameters.Values);
        }

        return new TrainingHistory(MetricName, epochs, bestEpoch, stoppedEarly);
    }

    /// <summary>Mean loss and metric of the model on <paramref name="data"/>, dropout off, in batches of <paramref name="batchSize"/> (default: the model's maxBatch).</summary>
    public Evaluation Evaluate(SequenceDataset data, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        int size = batchSize ?? Model.MaxBatch;
        CheckCompatible(data, nameof(data));
        var buffers = Buffers(size, data.LongestSequence, data.ValueSize);
        var totals = default(RunningTotals);
        int[] all = Range(0, data.Count);
        for (int start = 0; start < data.Count; start += size)
        {
            buffers.Fill(data, all.AsSpan(start, Math.Min(size, data.Count - start)), _ignoreLabel);
            buffers.Forward(training: false);
            totals.Add(Objective.Compute(buffers));
        }

        return new Evaluation(totals.Loss, totals.Metric, totals.Counted);
    }

    /// <summary>
    /// The model's outputs for every sequence of <paramref name="data"/> (targets are ignored), dropout off, in batches of
    /// <paramref name="batchSize"/> (default: the model's maxBatch):
    /// [OutputSize] per sequence, or [steps, OutputSize] for a model that returns sequences.
    /// </summary>
    public IReadOnlyList<float[]> Predict(SequenceDataset data, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckInputs(data, nameof(data));
        int size = batchSize ?? Model.MaxBatch;
        var buffers = Buffers(size, data.LongestSequence, data.ValueSize);
        var results = new float[data.Count][];
        int[] all = Range(0, data.Count);
        int width = Model.Shape.OutputSize;
        for (int start = 0; start < data.Count; start += size)
        {
            var indices = all.AsSpan(start, Math.Min(size, data.Count - start));
            buffers.FillInputs(data, indices);
            buffers.Forward(training: false);
            ReadOnlySpan<float> outputs = buffers.Outputs;
            for (int b = 0; b < indices.Length; b++)
            {
                int steps = Model.Shape.ReturnsSequences ? buffers.Lengths[b] : 1;
                var result = new float[steps * width];
                for (int t = 0; t < steps; t++)
                {
                    int row = Model.Shape.ReturnsSequences ? (t * buffers.Batch) + b : b;
                    outputs.Slice(row * width, width).CopyTo(result.AsSpan(t * width));
                }

                results[buffers.Order[b]] = result;
            }
        }

        return results;
    }

    private static int[] Range(int start, int end)
    {
        var range = new int[end - start];
        for (int i = 0; i < range.Length; i++)
        {
            range[i] = start + i;
        }

        return range;
    }

    private static double Monitored(EpochRecord record, MonitoredQuantity monitor) => monitor == MonitoredQuantity.Loss
        ? record.ValidationLoss ?? record.Loss
        : record.ValidationMetric ?? record.Metric;

    private bool IsBetter(double value, double best, FitOptions options)
    {
        double delta = Math.Abs(options.EarlyStopping?.MinimumDelta ?? 0);
        bool lowerIsBetter = options.Monitor == MonitoredQuantity.Loss || Loss == Loss.MeanSquaredError;
        return lowerIsBetter ? value < best - delta : value > best + delta;
    }

    private void ValidateOptions(FitOptions options)
    {
        if (options.Epochs < 1 || options.InitialEpoch < 0 || options.InitialEpoch >= options.Epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, $"Epochs ({options.Epochs}) must be at least 1 and above InitialEpoch ({options.InitialEpoch}), which must be at least 0.");
        }

        if (options.CheckpointPath is { Length: 0 })
        {
            throw new ArgumentException("CheckpointPath is empty: give a file path, or null to save nothing.", nameof(options));
        }

        if (options.BatchSize < 1 || options.BatchSize > Model.MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, $"BatchSize must be in [1, {Model.MaxBatch}] (the model's maxBatch).");
        }

        if (!(options.ValidationSplit >= 0 && options.ValidationSplit < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ValidationSplit, "ValidationSplit must be in [0, 1).");
        }

        if (options.ClipGradientNorm is { } clip && !(clip > 0 && float.IsFinite(clip)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), clip, "ClipGradientNorm must be positive and finite (leave it null not to clip).");
        }

        if (options.EarlyStopping is { Patience: < 1 })
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.EarlyStopping.Patience, "EarlyStopping.Patience must be at least 1.");
        }

        if (options.EarlyStopping is { } stopping && !double.IsFinite(stopping.MinimumDelta))
        {
            throw new ArgumentOutOfRangeException(nameof(options), stopping.MinimumDelta, "EarlyStopping.MinimumDelta must be finite.");
        }
    }

    /// <summary>Checks that the dataset's inputs fit the model, with a message that says how.</summary>
    private void CheckInputs(SequenceDataset data, string name)
    {
        var shape = Model.Shape;
        if (shape.TokenInput != (data.Tokens is not null))
        {
            throw new ArgumentException(shape.TokenInput
                ? $"{typeof(TModel).Name} reads token ids, but the dataset holds feature vectors: build it with SequenceDataset.FromTokens."
                : $"{typeof(TModel).Name} reads feature vectors, but the dataset holds token ids: build it with SequenceDataset.FromFeatures.", name);
        }

        if (!shape.TokenInput && data.FeatureSize != shape.InputSize)
        {
            throw new ArgumentException($"The dataset has {data.FeatureSize} features per step; {typeof(TModel).Name} takes {shape.InputSize}.", name);
        }

        if (data.LongestSequence > Model.MaxSteps)
        {
            throw new ArgumentException($"The dataset's longest sequence has {data.LongestSequence} steps; the model was built with maxSteps {Model.MaxSteps}.", name);
        }
    }

    /// <summary>How to turn per-sequence 0/1 labels into the values a one-output model's loss takes, or nothing.</summary>
    private static string ValuesHint(SequenceDataset data, ModelShape shape) =>
        data.TargetKind == TargetKind.Label && shape.OutputSize == 1
            ? $", e.g. From{(data.Tokens is null ? "Features(sequences, featureSize, " : "Tokens(sequences, ")}labels.Select(l => new[] {{ (float)l }}).ToList(), valueSize: 1)"
            : string.Empty;

    /// <summary>Checks that the dataset's inputs and targets fit the model and the loss, with a message that says how.</summary>
    private void CheckCompatible(SequenceDataset data, string name)
    {
        CheckInputs(data, name);
        var shape = Model.Shape;
        bool perStep = data.TargetKind is TargetKind.StepLabels or TargetKind.StepValues;
        if (perStep != shape.ReturnsSequences)
        {
            throw new ArgumentException(shape.ReturnsSequences
                ? $"{typeof(TModel).Name} outputs one vector per step, so the dataset needs one target per step (StepLabels or per-step values)."
                : $"{typeof(TModel).Name} outputs one vector per sequence, so the dataset needs one target per sequence.", name);
        }

        bool labels = data.TargetKind is TargetKind.Label or TargetKind.StepLabels;
        if (labels != (Loss == Loss.SoftmaxCrossEntropy))
        {
            throw new ArgumentException(labels
                ? $"Loss.{Loss} takes real-valued targets, one per output ({(Loss == Loss.BinaryCrossEntropy ? "0 or 1 for a yes/no label" : "the values to fit")}), but the dataset holds integer class labels, which go with Loss.SoftmaxCrossEntropy: build it with values{ValuesHint(data, shape)}."
                : $"Loss.SoftmaxCrossEntropy needs integer labels; the dataset has real-valued targets.", name);
        }

        if (!labels && data.ValueSize != shape.OutputSize)
        {
            throw new ArgumentException($"Targets have {data.ValueSize} values; {typeof(TModel).Name} outputs {shape.OutputSize}.", name);
        }

        if (labels)
        {
            for (int i = 0; i < data.Count; i++)
            {
                ReadOnlySpan<int> row = data.TargetKind == TargetKind.Label ? data.Labels.AsSpan(i, 1) : data.StepLabels![i];
                for (int t = 0; t < row.Length; t++)
                {
                    int label = row[t];
                    if ((label < 0 || label >= shape.OutputSize) && label != _ignoreLabel)
                    {
                        string where = data.TargetKind == TargetKind.Label ? string.Empty : $" at step {t}";
                        throw new ArgumentException($"Sequence {i} has label {label}{where}, outside the model's {shape.OutputSize} classes (or the ignore label {_ignoreLabel}).", name);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Back-propagates, then checks the gradient: a non-finite one throws or skips the batch (per the policy)
    /// before the optimizer touches the weights. Clips when asked. Returns false when the batch is skipped.
    /// </summary>
    private bool BackwardChecked(BatchBuffers buffers, FitOptions options, int epoch, int batch, BatchResult step)
    {
        var parameters = Model.Parameters;
        if (double.IsFinite(step.LossSum))
        {
            buffers.Backward();
            float norm = GradientClipping.GlobalNorm(parameters.Gradients);
            if (float.IsFinite(norm))
            {
                if (options.ClipGradientNorm is { } maximum)
                {
                    GradientClipping.Scale(parameters.Gradients, maximum, norm);
                }

                return true;
            }
        }

        if (options.NonFiniteBatches == NonFiniteBatchPolicy.Skip)
        {
            return false;
        }

        string? tensor = null;
        if (double.IsFinite(step.LossSum))
        {
            foreach (var descriptor in parameters.Tensors)
            {
                foreach (float g in parameters.GradientOf(descriptor.Name))
                {
                    if (!float.IsFinite(g))
                    {
                        tensor = descriptor.Name;
                        break;
                    }
                }

                if (tensor is not null)
                {
                    break;
                }
            }
        }

        string what = tensor is not null ? "the gradient of " + tensor + " is not finite"
            : double.IsFinite(step.LossSum) ? "every gradient is finite but their global norm overflows float32"
            : "the loss is " + step.LossSum.ToString(CultureInfo.InvariantCulture);
        throw new TrainingDivergedException($"Training diverged at epoch {epoch}, batch {batch}: {what}. The weights are those before this batch; lower the learning rate, clip gradients (ClipGradientNorm), or skip such batches (NonFiniteBatches = Skip).")
        {
            Epoch = epoch,
            Batch = batch,
            Tensor = tensor,
        };
    }

    // Named as Evaluate's and Predict's argument, which this checks (Fit has checked its BatchSize already).
    private BatchBuffers Buffers(int batchSize, int steps, int valueSize)
    {
        if (batchSize < 1 || batchSize > Model.MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"Batches must have 1 to {Model.MaxBatch} sequences (the model's maxBatch).");
        }

        if (_buffers is null || batchSize > _capacity.Batch || steps > _capacity.Steps || valueSize > _capacity.ValueSize)
        {
            _capacity = (Math.Max(batchSize, _capacity.Batch), Math.Max(steps, _capacity.Steps), Math.Max(valueSize, _capacity.ValueSize));
            _buffers = new BatchBuffers(Model, _capacity.Batch, _capacity.Steps, _capacity.ValueSize);
        }

        return _buffers;
    }
}
