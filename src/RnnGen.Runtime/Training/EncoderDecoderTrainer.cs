using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;

namespace RnnGen.Training;

/// <summary>
/// Trains a generated encoder–decoder pair end to end with teacher forcing: the decoder reads the start token and
/// the true target, learns to predict the target and the end token (softmax cross-entropy, padding masked), and the
/// gradient of its initial state flows back into the encoder. Deterministic like <see cref="Trainer{TModel}"/>: the
/// same seed and data give the same weights bit for bit. A training step allocates nothing once the buffers exist.
/// </summary>
/// <typeparam name="TModel">A generated <c>[EncoderDecoder]</c> class whose encoder reads token ids.</typeparam>
public sealed class EncoderDecoderTrainer<TModel>
    where TModel : IEncoderDecoderModel
{
    private const int IgnoreLabel = SoftmaxCrossEntropy.DefaultIgnoreLabel;
    private readonly float _initialLearningRate;
    private readonly SoftmaxCrossEntropy _crossEntropy = new(IgnoreLabel);
    private Batch? _batch;
    private int[] _decoded = [];

    /// <summary>
    /// Creates a trainer for <paramref name="model"/>. The optimizer's learning rate now is the base of any schedule.
    /// </summary>
    public EncoderDecoderTrainer(TModel model, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        Model = model;
        Optimizer = optimizer;
        _initialLearningRate = optimizer.LearningRate;
    }

    /// <summary>The pair being trained.</summary>
    public TModel Model { get; }

    /// <summary>The optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>
    /// Trains epochs <see cref="EncoderDecoderFitOptions.InitialEpoch"/> + 1 … <see cref="EncoderDecoderFitOptions.Epochs"/>;
    /// the history's metric is token accuracy.
    /// </summary>
    public TrainingHistory Fit(SequencePairDataset train, EncoderDecoderFitOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptions(options);
        CheckCompatible(train, nameof(train));
        if (options.Validation is { } validationData)
        {
            CheckCompatible(validationData, nameof(options));
        }

        double[] samplingByEpoch = SamplingByEpoch(options);
        if (options.CheckpointPath is not null)
        {
            Checkpoint.CreateFolder(options.CheckpointPath);
        }

        var batch = Buffers(options.BatchSize, train, options.Validation);
        var parameters = Model.Parameters;
        var seeds = new SeededRandom(options.Seed);
        int[] order = new int[train.Count];
        int batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var epochs = new List<EpochRecord>();
        // A run resumed from a checkpoint compares against that epoch's loss, as the uninterrupted run did.
        double best = options.InitialBest ?? double.NaN;
        int bestEpoch = options.InitialBest.HasValue ? options.InitialEpoch : 0;
        for (int epoch = options.InitialEpoch + 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            if (options.Schedule is not null)
            {
                Optimizer.LearningRate = options.Schedule.LearningRateAt(epoch - 1, _initialLearningRate);
            }

            var random = seeds.Fork((ulong)epoch);
            Model.SeedDropout(random.NextUInt64());
            double sampling = samplingByEpoch[epoch - 1];
            for (int i = 0; i < order.Length; i++)
            {
                order[i] = i;
            }

            if (options.Shuffle)
            {
                random.Shuffle(order.AsSpan());
            }

            var totals = default(RunningTotals);
            for (int b = 0; b < batches; b++)
            {
                int start = b * options.BatchSize;
                batch.Fill(train, order.AsSpan(start, Math.Min(options.BatchSize, train.Count - start)));
                if (sampling > 0)
                {
                    Model.Forward(batch.Sources, batch.SourceLengths, batch.TargetInputs, batch.TargetLengths, batch.Logits, training: false);
                    batch.SampleInputs(random, sampling);
                }

                parameters.ZeroGradients();
                Model.Forward(batch.Sources, batch.SourceLengths, batch.TargetInputs, batch.TargetLengths, batch.Logits, training: true);
                var loss = _crossEntropy.Compute(batch.Logits, batch.Vocabulary, batch.Labels, batch.Gradient);
                int correct = Metrics.CountCorrectLabels(batch.Logits, batch.Vocabulary, batch.Labels, IgnoreLabel, out int counted);
                if (!double.IsFinite(loss.Sum))
                {
                    throw Diverged(epoch, b + 1, "the loss is " + loss.Sum.ToString(CultureInfo.InvariantCulture));
                }

                Model.Backward(batch.Gradient);
                float norm = options.ClipGradientNorm is { } maximum
                    ? GradientClipping.ClipByGlobalNorm(parameters.Gradients, maximum)
                    : GradientClipping.GlobalNorm(parameters.Gradients);
                if (!float.IsFinite(norm))
                {
                    throw Diverged(epoch, b + 1, "the gradient norm is " + norm.ToString(CultureInfo.InvariantCulture));
                }

                Optimizer.Step(parameters);
                totals.Add(new BatchResult(loss.Sum, loss.Count, correct, counted));
                options.Progress?.Report(new TrainingProgress(epoch, options.Epochs, b + 1, batches, totals.Loss, totals.Metric));
            }

            Evaluation? validated = options.Validation is null ? null : Evaluate(options.Validation, options.BatchSize);
            var record = new EpochRecord(epoch, totals.Loss, totals.Metric, validated?.Loss, validated?.Metric, Optimizer.LearningRate, clock.Elapsed.TotalSeconds, 0);
            epochs.Add(record);
            double monitored = record.ValidationLoss ?? record.Loss;
            if (double.IsFinite(monitored) && (!double.IsFinite(best) || monitored < best))
            {
                best = monitored;
                bestEpoch = epoch;
                if (options.CheckpointPath is not null)
                {
                    Checkpoint.Save(options.CheckpointPath, parameters, Optimizer, Checkpoint.Metadata(epoch, MonitoredQuantity.Loss, monitored));
                }
            }

            options.EpochEnd?.Invoke(record);
        }

        return new TrainingHistory("accuracy", epochs, bestEpoch, stoppedEarly: false);
    }

    /// <summary>
    /// Teacher-forced mean loss and token accuracy (end tokens included) on <paramref name="data"/>, dropout off,
    /// in batches of <paramref name="batchSize"/> (default: the model's maxBatch).
    /// </summary>
    public Evaluation Evaluate(SequencePairDataset data, int? batchSize = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckCompatible(data, nameof(data));
        int size = batchSize ?? Model.MaxBatch;
        if (size < 1 || size > Model.MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), size, $"Batches must have 1 to {Model.MaxBatch} pairs (the model's maxBatch).");
        }

        var batch = Buffers(size, data, null);
        var totals = default(RunningTotals);
        int[] all = new int[data.Count];
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }

        for (int start = 0; start < data.Count; start += size)
        {
            batch.Fill(data, all.AsSpan(start, Math.Min(size, data.Count - start)));
            Model.Forward(batch.Sources, batch.SourceLengths, batch.TargetInputs, batch.TargetLengths, batch.Logits, training: false);
            var loss = _crossEntropy.Compute(batch.Logits, batch.Vocabulary, batch.Labels, batch.Gradient);
            int correct = Metrics.CountCorrectLabels(batch.Logits, batch.Vocabulary, batch.Labels, IgnoreLabel, out int counted);
            totals.Add(new BatchResult(loss.Sum, loss.Count, correct, counted));
        }

        return new Evaluation(totals.Loss, totals.Metric, totals.Counted);
    }

    /// <summary>
    /// Fraction of <paramref name="data"/>'s pairs whose target the model reproduces exactly by greedy decoding
    /// (<c>Translate</c>, no teacher forcing): the honest accuracy of a sequence-to-sequence model.
    /// </summary>
    public double ExactMatch(SequencePairDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckCompatible(data, nameof(data));
        if (_decoded.Length < data.LongestTarget + 1)
        {
            _decoded = new int[data.LongestTarget + 1];
        }

        int matches = 0;
        for (int i = 0; i < data.Count; i++)
        {
            int[] target = data.Targets[i];
            // One slot more than the target, so an answer that runs on is seen as wrong rather than cut to fit.
            int length = Model.Translate(data.Sources[i], data.StartToken, data.EndToken, _decoded.AsSpan(0, target.Length + 1));
            if (_decoded.AsSpan(0, length).SequenceEqual(target))
            {
                matches++;
            }
        }

        return data.Count == 0 ? double.NaN : (double)matches / data.Count;
    }

    private static TrainingDivergedException Diverged(int epoch, int batch, string what) =>
        new($"Training diverged at epoch {epoch}, batch {batch}: {what}. The weights are those before this batch; lower the learning rate or clip gradients (ClipGradientNorm).")
        {
            Epoch = epoch,
            Batch = batch,
        };

    /// <summary>
    /// The scheduled-sampling probability of every epoch to run, asked of the option once each before training starts,
    /// so that a value outside [0, 1] in a late epoch is refused before any epoch has run.
    /// </summary>
    private static double[] SamplingByEpoch(EncoderDecoderFitOptions options)
    {
        var probabilities = new double[options.Epochs];
        for (int epoch = options.InitialEpoch + 1; epoch <= options.Epochs; epoch++)
        {
            double probability = options.SamplingProbability?.Invoke(epoch) ?? 0;
            if (!(probability >= 0 && probability <= 1))
            {
                throw new ArgumentOutOfRangeException(nameof(options), probability, $"SamplingProbability({epoch}) must be in [0, 1].");
            }

            probabilities[epoch - 1] = probability;
        }

        return probabilities;
    }

    private void ValidateOptions(EncoderDecoderFitOptions options)
    {
        if (options.CheckpointPath is { Length: 0 })
        {
            throw new ArgumentException("CheckpointPath is empty: give a file path, or null to save nothing.", nameof(options));
        }

        if (options.Epochs < 1 || options.InitialEpoch < 0 || options.InitialEpoch >= options.Epochs)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, $"Epochs ({options.Epochs}) must be at least 1 and above InitialEpoch ({options.InitialEpoch}), which must be at least 0.");
        }

        if (options.InitialBest is { } initialBest && !double.IsFinite(initialBest))
        {
            throw new ArgumentOutOfRangeException(nameof(options), initialBest, "InitialBest must be finite.");
        }

        if (options.BatchSize < 1 || options.BatchSize > Model.MaxBatch)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, $"BatchSize must be in [1, {Model.MaxBatch}] (the model's maxBatch).");
        }

        if (options.ClipGradientNorm is { } clip && !(clip > 0 && float.IsFinite(clip)))
        {
            throw new ArgumentOutOfRangeException(nameof(options), clip, "ClipGradientNorm must be positive and finite (leave it null not to clip).");
        }
    }

    /// <summary>Checks that every token and length fits the model, with a message that names the pair.</summary>
    private void CheckCompatible(SequencePairDataset data, string name)
    {
        if (data.LongestSource > Model.MaxSourceSteps)
        {
            throw new ArgumentException($"The longest source has {data.LongestSource} tokens; the model was built with maxSourceSteps {Model.MaxSourceSteps}.", name);
        }

        if (data.LongestTarget + 1 > Model.MaxTargetSteps)
        {
            throw new ArgumentException($"The longest target has {data.LongestTarget} tokens, so the decoder runs {data.LongestTarget + 1} steps; the model was built with maxTargetSteps {Model.MaxTargetSteps}.", name);
        }

        CheckToken(data.StartToken, Model.TargetVocabularySize, "The start token", name);
        CheckToken(data.EndToken, Model.TargetVocabularySize, "The end token", name);
        for (int i = 0; i < data.Count; i++)
        {
            foreach (int token in data.Sources[i])
            {
                CheckToken(token, Model.SourceVocabularySize, $"Source {i} has a token that", name);
            }

            foreach (int token in data.Targets[i])
            {
                CheckToken(token, Model.TargetVocabularySize, $"Target {i} has a token that", name);
            }
        }
    }

    private static void CheckToken(int token, int vocabulary, string what, string name)
    {
        if ((uint)token >= (uint)vocabulary)
        {
            throw new ArgumentException($"{what} is {token}, outside the vocabulary [0, {vocabulary}).", name);
        }
    }

    private Batch Buffers(int batchSize, SequencePairDataset data, SequencePairDataset? other)
    {
        int sourceSteps = Math.Max(data.LongestSource, other?.LongestSource ?? 0);
        int targetSteps = Math.Max(data.LongestTarget, other?.LongestTarget ?? 0) + 1;
        if (_batch is null || _batch.Capacity < batchSize || _batch.SourceCapacity < sourceSteps || _batch.TargetCapacity < targetSteps)
        {
            _batch = new Batch(
                Math.Max(batchSize, _batch?.Capacity ?? 0),
                Math.Max(sourceSteps, _batch?.SourceCapacity ?? 0),
                Math.Max(targetSteps, _batch?.TargetCapacity ?? 0),
                Model.TargetVocabularySize);
        }

        return _batch;
    }

    /// <summary>One time-major batch: sources, decoder inputs (start + target) and labels (target + end, padding ignored).</summary>
    private sealed class Batch(int capacity, int sourceCapacity, int targetCapacity, int vocabulary)
    {
        private readonly int[] _sources = new int[capacity * sourceCapacity];
        private readonly int[] _sourceLengths = new int[capacity];
        private readonly int[] _targetInputs = new int[capacity * targetCapacity];
        private readonly int[] _targetLengths = new int[capacity];
        private readonly int[] _labels = new int[capacity * targetCapacity];
        private readonly float[] _logits = new float[capacity * targetCapacity * vocabulary];
        private readonly float[] _gradient = new float[capacity * targetCapacity * vocabulary];
        private readonly int[] _order = new int[capacity];
        private int _size;
        private int _sourceSteps;
        private int _targetSteps;

        public int Capacity => capacity;

        public int SourceCapacity => sourceCapacity;

        public int TargetCapacity => targetCapacity;

        public int Vocabulary => vocabulary;

        public ReadOnlySpan<int> Sources => _sources.AsSpan(0, _sourceSteps * _size);

        public ReadOnlySpan<int> SourceLengths => _sourceLengths.AsSpan(0, _size);

        public ReadOnlySpan<int> TargetInputs => _targetInputs.AsSpan(0, _targetSteps * _size);

        public ReadOnlySpan<int> TargetLengths => _targetLengths.AsSpan(0, _size);

        public ReadOnlySpan<int> Labels => _labels.AsSpan(0, _targetSteps * _size);

        public Span<float> Logits => _logits.AsSpan(0, _targetSteps * _size * vocabulary);

        public Span<float> Gradient => _gradient.AsSpan(0, _targetSteps * _size * vocabulary);

        /// <summary>Lays out the pairs at <paramref name="indices"/>, longest source first so the encoder skips finished rows.</summary>
        public void Fill(SequencePairDataset data, ReadOnlySpan<int> indices)
        {
            _size = indices.Length;
            var order = _order.AsSpan(0, _size);
            indices.CopyTo(order);
            // Insertion sort by descending source length: stable, allocation-free, and batches are small.
            for (int i = 1; i < order.Length; i++)
            {
                int item = order[i];
                int length = data.Sources[item].Length;
                int j = i - 1;
                while (j >= 0 && data.Sources[order[j]].Length < length)
                {
                    order[j + 1] = order[j];
                    j--;
                }

                order[j + 1] = item;
            }

            _sourceSteps = 0;
            _targetSteps = 0;
            foreach (int index in order)
            {
                _sourceSteps = Math.Max(_sourceSteps, data.Sources[index].Length);
                _targetSteps = Math.Max(_targetSteps, data.Targets[index].Length + 1);
            }

            int batch = _size;
            for (int b = 0; b < batch; b++)
            {
                int[] source = data.Sources[order[b]];
                int[] target = data.Targets[order[b]];
                _sourceLengths[b] = source.Length;
                _targetLengths[b] = target.Length + 1;
                for (int t = 0; t < _sourceSteps; t++)
                {
                    _sources[(t * batch) + b] = t < source.Length ? source[t] : 0;
                }

                for (int t = 0; t < _targetSteps; t++)
                {
                    // Padding reads the start token (any valid id does: padded steps are never used) and is not labelled.
                    _targetInputs[(t * batch) + b] = t == 0 || t > target.Length ? data.StartToken : target[t - 1];
                    _labels[(t * batch) + b] = t < target.Length ? target[t] : t == target.Length ? data.EndToken : IgnoreLabel;
                }
            }
        }

        /// <summary>
        /// Scheduled sampling: replaces each decoder input after the first, with probability <paramref name="probability"/>,
        /// by the most likely token of the previous step's logits (from a Forward over this batch).
        /// </summary>
        public void SampleInputs(SeededRandom random, double probability)
        {
            int batch = _size;
            for (int b = 0; b < batch; b++)
            {
                for (int t = 1; t < _targetLengths[b]; t++)
                {
                    if (random.NextDouble() < probability)
                    {
                        int row = ((t - 1) * batch) + b;
                        _targetInputs[(t * batch) + b] = Decoding.LogitMath.ArgMax(_logits.AsSpan(row * vocabulary, vocabulary));
                    }
                }
            }
        }
    }
}
