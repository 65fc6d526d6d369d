using System.IO;
using RnnGen.Models.Tests.Models;
using RnnGen.Training;

namespace RnnGen.Models.Tests;

/// <summary>Fit / Evaluate / Predict on small tasks with known answers, determinism, early stopping, checkpoints, divergence.</summary>
public sealed class TrainerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rnngen-trainer-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Label = how many times token 1 occurs, capped at 2; lengths 1..8 (needs counting across the sequence).</summary>
    private static SequenceDataset CountingTask(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var sequences = new int[count][];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            var sequence = new int[1 + random.NextInt(8)];
            for (int t = 0; t < sequence.Length; t++)
            {
                sequence[t] = random.NextInt(4) == 0 ? 1 : 2 + random.NextInt(6);
            }

            sequences[i] = sequence;
            labels[i] = Math.Min(2, sequence.Count(token => token == 1));
        }

        return SequenceDataset.FromTokens(sequences, labels);
    }

    /// <summary>Target 1 when the sum of the first feature is positive.</summary>
    private static SequenceDataset SignTask(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var sequences = new float[count][];
        var targets = new float[count][];
        for (int i = 0; i < count; i++)
        {
            int steps = 2 + random.NextInt(6);
            var sequence = new float[steps * 2];
            float sum = 0;
            for (int t = 0; t < steps; t++)
            {
                sequence[2 * t] = random.NextUniform(-1f, 1f);
                sequence[(2 * t) + 1] = random.NextUniform(-1f, 1f);
                sum += sequence[2 * t];
            }

            sequences[i] = sequence;
            targets[i] = [sum > 0 ? 1f : 0f];
        }

        return SequenceDataset.FromFeatures(sequences, 2, targets, 1);
    }

    [Fact]
    public void Fit_learns_a_counting_task_with_validation_split_and_reports_history()
    {
        var model = new TokenClassifier(maxBatch: 32, maxSteps: 8, seed: 1);
        var trainer = new Trainer<TokenClassifier>(model, new Adam(learningRate: 1e-2f), Loss.SoftmaxCrossEntropy);
        var progress = new List<TrainingProgress>();
        var history = trainer.Fit(CountingTask(1200, 2), new FitOptions
        {
            Epochs = 12,
            BatchSize = 32,
            ValidationSplit = 0.2,
            Seed = 3,
            Progress = new SynchronousProgress<TrainingProgress>(progress.Add),
        });

        Assert.Equal(12, history.Epochs.Count);
        Assert.Equal("accuracy", history.MetricName);
        Assert.Equal(12 * 30, progress.Count); // 960 training sequences / 32
        var last = history.Epochs[^1];
        Assert.True(last.Loss < history.Epochs[0].Loss / 3, $"training loss {history.Epochs[0].Loss:F3} → {last.Loss:F3}");
        Assert.True(last.ValidationMetric > 0.95, $"validation accuracy {last.ValidationMetric:F3}");
        var test = trainer.Evaluate(CountingTask(300, 4));
        Assert.True(test.Metric > 0.95, $"test accuracy {test.Metric:F3}");
        Assert.Equal(300, test.Counted);
    }

    [Fact]
    public void Binary_cross_entropy_with_dropout_learns_and_predict_returns_one_logit_per_sequence()
    {
        var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 5);
        var trainer = new Trainer<FeatureDetector>(model, new RmsProp(learningRate: 1e-2f), Loss.BinaryCrossEntropy);
        trainer.Fit(SignTask(800, 6), epochs: 8, batchSize: 16, seed: 7);
        var test = SignTask(200, 8);
        Assert.True(trainer.Evaluate(test).Metric > 0.9);
        var logits = trainer.Predict(test);
        Assert.Equal(200, logits.Count);
        Assert.All(logits, l => Assert.Single(l));
        int correct = Enumerable.Range(0, 200).Count(i => (logits[i][0] > 0) == (test.Values![i][0] > 0.5f));
        Assert.Equal(trainer.Evaluate(test).Metric, correct / 200.0, 6);
    }

    [Fact]
    public void Per_step_labels_with_padding_train_a_tagger()
    {
        // tag = the previous token (0 at the first step): needs the recurrent state
        var random = new SeededRandom(9);
        var sequences = new int[600][];
        var tags = new int[600][];
        for (int i = 0; i < sequences.Length; i++)
        {
            int steps = 1 + random.NextInt(7);
            sequences[i] = Enumerable.Range(0, steps).Select(_ => 1 + random.NextInt(5)).ToArray();
            tags[i] = Enumerable.Range(0, steps).Select(t => t == 0 ? 0 : sequences[i][t - 1]).ToArray();
        }

        var data = SequenceDataset.FromTokens(sequences, tags);
        var trainer = new Trainer<TokenTagger>(new TokenTagger(maxBatch: 20, maxSteps: 7, seed: 2), new Adam(learningRate: 2e-2f), Loss.SoftmaxCrossEntropy);
        var history = trainer.Fit(data, epochs: 15, batchSize: 20, seed: 1);
        Assert.True(history.Epochs[^1].Metric > 0.97, $"tagging accuracy {history.Epochs[^1].Metric:F3}");
        var evaluation = trainer.Evaluate(data);
        Assert.Equal(sequences.Sum(s => s.Length), evaluation.Counted); // every real step counted, no padding
        var predicted = trainer.Predict(data.Subset([0]));
        Assert.Equal(sequences[0].Length * TokenTagger.OutputSize, predicted[0].Length);
    }

    /// <summary>Per-step class labels on feature input (frames, say), as FromTokens has them for tokens.</summary>
    [Fact]
    public void Per_step_labels_train_a_tagger_of_feature_sequences()
    {
        // tag = the sign of the previous step's first feature (0 at the first step): needs the recurrent state
        var random = new SeededRandom(10);
        var sequences = new float[400][];
        var tags = new int[400][];
        for (int i = 0; i < sequences.Length; i++)
        {
            int steps = 1 + random.NextInt(6);
            sequences[i] = Enumerable.Range(0, steps * 2).Select(_ => random.NextUniform(-1f, 1f)).ToArray();
            tags[i] = Enumerable.Range(0, steps).Select(t => t == 0 ? 0 : sequences[i][2 * (t - 1)] > 0 ? 1 : 2).ToArray();
        }

        var data = SequenceDataset.FromFeatures(sequences, 2, tags);
        var trainer = new Trainer<FeatureTagger>(new FeatureTagger(maxBatch: 20, maxSteps: 6, seed: 3), new Adam(learningRate: 2e-2f), Loss.SoftmaxCrossEntropy);
        var history = trainer.Fit(data, epochs: 12, batchSize: 20, seed: 1);
        Assert.True(history.Epochs[^1].Metric > 0.95, $"tagging accuracy {history.Epochs[^1].Metric:F3}");
        Assert.Equal(sequences.Sum(s => s.Length / 2), trainer.Evaluate(data).Counted);
        Assert.Equal("stepLabels", Assert.Throws<ArgumentException>(() => SequenceDataset.FromFeatures(sequences, 2, [new int[1]])).ParamName);
        var outside = Assert.Throws<ArgumentException>(() => trainer.Fit(SequenceDataset.FromFeatures([new float[4]], 2, [[0, 7]]), 1, 1));
        Assert.Contains("Sequence 0 has label 7 at step 1, outside the model's 3 classes", outside.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_seed_gives_identical_weights_and_another_seed_does_not()
    {
        float[] Train(ulong seed)
        {
            var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
            new Trainer<FeatureDetector>(model, new Adam(), Loss.BinaryCrossEntropy).Fit(SignTask(160, 2), epochs: 2, batchSize: 16, seed: seed);
            return model.Parameters.Values.ToArray();
        }

        Assert.Equal(Train(4), Train(4));
        Assert.NotEqual(Train(4), Train(5));
    }

    [Fact]
    public void Resuming_from_the_best_checkpoint_continues_bit_identically()
    {
        var data = SignTask(160, 3);
        var validation = SignTask(48, 4);
        FitOptions Options(int epochs, string checkpoint, CheckpointInfo? resume = null) => new()
        {
            Epochs = epochs,
            InitialEpoch = resume?.Epoch ?? 0,
            InitialBest = resume?.MonitoredValue,
            BatchSize = 16,
            Seed = 11,
            Validation = validation,
            Schedule = new StepDecay(stepSize: 2, gamma: 0.5f),
            CheckpointPath = checkpoint,
            Monitor = MonitoredQuantity.Metric,
            EarlyStopping = new EarlyStopping(Patience: 8, RestoreBestWeights: false),
        };

        var uninterrupted = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
        var full = new Trainer<FeatureDetector>(uninterrupted, new Adam(learningRate: 3e-2f), Loss.BinaryCrossEntropy)
            .Fit(data, Options(7, Path.Combine(_folder, "full.safetensors")));

        // Interrupted after 4 epochs; the best checkpoint may be older, and then the resumed run replays from there.
        string path = Path.Combine(_folder, "best.safetensors");
        new Trainer<FeatureDetector>(new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1), new Adam(learningRate: 3e-2f), Loss.BinaryCrossEntropy)
            .Fit(data, Options(4, path));

        var resumed = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 99);
        var optimizer = new Adam(learningRate: 3e-2f);
        var trainer = new Trainer<FeatureDetector>(resumed, optimizer, Loss.BinaryCrossEntropy);
        var info = Checkpoint.Load(path, resumed.Parameters, optimizer);
        Assert.InRange(info.Epoch, 1, 4);
        Assert.NotNull(info.MonitoredValue);
        var rest = trainer.Fit(data, Options(7, path, info));

        Assert.Equal(uninterrupted.Parameters.Values.ToArray(), resumed.Parameters.Values.ToArray());
        Assert.Equal(full.BestEpoch, rest.BestEpoch);
        Assert.Equal(full.Epochs[^1], rest.Epochs[^1] with { Seconds = full.Epochs[^1].Seconds });
    }

    /// <summary>
    /// A checkpoint folder that does not exist yet is created before the first epoch, as Keras' ModelCheckpoint
    /// does (it used to fail after the first epoch's training, naming a temporary file); one that cannot be created
    /// is refused then, by the path given, with no epoch run.
    /// </summary>
    [Fact]
    public void The_checkpoint_folder_is_created_or_refused_before_training()
    {
        string path = Path.Combine(_folder, "runs", "one", "best.safetensors");
        var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
        var trainer = new Trainer<FeatureDetector>(model, new Adam(), Loss.BinaryCrossEntropy);
        trainer.Fit(SignTask(32, 1), new FitOptions { Epochs = 1, BatchSize = 16, CheckpointPath = path });
        Assert.True(File.Exists(path));
        Assert.True(File.Exists(Checkpoint.OptimizerPath(path)));

        // refused before the first batch: the weights are those the first Fit left
        string blocked = Path.Combine(_folder, "a-file");
        File.WriteAllText(blocked, "not a folder");
        float[] weights = model.Parameters.Values.ToArray();
        var error = Assert.Throws<IOException>(() => trainer.Fit(SignTask(32, 1), new FitOptions
        {
            Epochs = 1,
            BatchSize = 16,
            CheckpointPath = Path.Combine(blocked, "best.safetensors"),
        }));
        Assert.Contains("Cannot save checkpoints to " + Path.Combine(blocked, "best.safetensors"), error.Message, StringComparison.Ordinal);
        Assert.Equal(weights, model.Parameters.Values.ToArray());

        // a Fit refused for its data leaves no folder behind; an empty path is refused as an option
        string unused = Path.Combine(_folder, "unused", "best.safetensors");
        Assert.Throws<ArgumentException>(() => trainer.Fit(SequenceDataset.FromFeatures([new float[3]], 3, [0]), new FitOptions { Epochs = 1, BatchSize = 1, CheckpointPath = unused }));
        Assert.False(Directory.Exists(Path.GetDirectoryName(unused)));
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => trainer.Fit(SignTask(32, 1), new FitOptions { Epochs = 1, BatchSize = 16, CheckpointPath = string.Empty })).ParamName);

        var missing = Assert.Throws<DirectoryNotFoundException>(() => model.Parameters.SaveSafetensors(Path.Combine(_folder, "nowhere", "w.safetensors")));
        Assert.Contains("Cannot write " + Path.Combine(_folder, "nowhere", "w.safetensors"), missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_torn_checkpoint_pair_is_refused()
    {
        string path = Path.Combine(_folder, "torn.safetensors");
        var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
        var optimizer = new Adam();
        var trainer = new Trainer<FeatureDetector>(model, optimizer, Loss.BinaryCrossEntropy);
        trainer.Fit(SignTask(32, 1), new FitOptions { Epochs = 1, BatchSize = 16, CheckpointPath = path });
        File.Copy(Checkpoint.OptimizerPath(path), Path.Combine(_folder, "old.optimizer"));
        trainer.Fit(SignTask(32, 1), new FitOptions { Epochs = 1, BatchSize = 16, CheckpointPath = path });
        File.Copy(Path.Combine(_folder, "old.optimizer"), Checkpoint.OptimizerPath(path), overwrite: true);

        Assert.Equal(Path.Combine(_folder, "torn.optimizer.safetensors"), Checkpoint.OptimizerPath(path));
        var fresh = new FeatureDetector(maxBatch: 16, maxSteps: 8);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, fresh.Parameters, new Adam()));
        Assert.Contains("torn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_checkpoint_for_another_optimizer_changes_neither_the_weights_nor_the_optimizer()
    {
        string path = Path.Combine(_folder, "adam.safetensors");
        var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
        var trainer = new Trainer<FeatureDetector>(model, new Adam(), Loss.BinaryCrossEntropy);
        trainer.Fit(SignTask(32, 1), new FitOptions { Epochs = 1, BatchSize = 16, CheckpointPath = path });

        // the weights fit; the optimizer state does not (another beta2, then another optimizer)
        var fresh = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 2);
        float[] before = fresh.Parameters.Values.ToArray();
        var other = new Adam(beta2: 0.99f);
        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, fresh.Parameters, other));
        Assert.Contains("beta2", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, fresh.Parameters.Values.ToArray());
        Assert.Equal(0, other.Steps);
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, fresh.Parameters, new Sgd(learningRate: 0.1f)));
        Assert.Equal(before, fresh.Parameters.Values.ToArray());

        // and the optimizer that wrote it loads both
        var same = new Adam();
        Checkpoint.Load(path, fresh.Parameters, same);
        Assert.Equal(model.Parameters.Values.ToArray(), fresh.Parameters.Values.ToArray());
        Assert.Equal(2, same.Steps);
    }

    [Fact]
    public void A_softmax_output_layer_with_cross_entropy_is_refused_because_the_loss_applies_softmax()
    {
        var error = Assert.Throws<ArgumentException>(() => new Trainer<EmbeddingGruSoftmax>(new EmbeddingGruSoftmax(), new Adam(), Loss.SoftmaxCrossEntropy));
        Assert.Contains("logits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_split_holds_out_what_keras_holds_out()
    {
        var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
        var trainer = new Trainer<FeatureDetector>(model, new Adam(), Loss.BinaryCrossEntropy);
        int validated = 0;
        // Keras trains on floor(7 · 0.8) = 5 and validates on 2; with 4 sequences it validates on 1.
        trainer.Fit(SignTask(7, 1), new FitOptions { Epochs = 1, BatchSize = 16, ValidationSplit = 0.2, EpochEnd = r => validated = r.ValidationLoss.HasValue ? 1 : 0 });
        Assert.Equal(1, validated);
        Assert.Equal(2, trainer.Evaluate(SignTask(7, 1).Subset([5, 6])).Counted);
        trainer.Fit(SignTask(4, 1), new FitOptions { Epochs = 1, BatchSize = 16, ValidationSplit = 0.2 });
    }

    [Fact]
    public void Early_stopping_stops_after_patience_and_restores_the_best_weights()
    {
        var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
        var before = model.Parameters.Values.ToArray();
        // A learning rate of zero never improves the validation loss after epoch 1.
        var trainer = new Trainer<FeatureDetector>(model, new Sgd(learningRate: 0f), Loss.BinaryCrossEntropy);
        var history = trainer.Fit(SignTask(64, 1), new FitOptions
        {
            Epochs = 20,
            BatchSize = 16,
            Validation = SignTask(32, 2),
            EarlyStopping = new EarlyStopping(Patience: 3),
        });

        Assert.True(history.StoppedEarly);
        Assert.Equal(4, history.Epochs.Count);
        var exactlyRunOut = new Trainer<FeatureDetector>(new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1), new Sgd(learningRate: 0f), Loss.BinaryCrossEntropy)
            .Fit(SignTask(64, 1), new FitOptions { Epochs = 4, BatchSize = 16, Validation = SignTask(32, 2), EarlyStopping = new EarlyStopping(Patience: 3) });
        Assert.False(exactlyRunOut.StoppedEarly); // every asked epoch ran
        Assert.Equal(1, history.BestEpoch);
        Assert.Equal(before, model.Parameters.Values.ToArray());
        string csv = Path.Combine(_folder, "history.csv");
        history.SaveCsv(csv);
        Assert.Equal(5, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public void A_nan_weight_stops_training_with_the_epoch_and_batch_or_skips_the_batch()
    {
        var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
        model.Parameters["dense.bias"][0] = float.NaN;
        var trainer = new Trainer<FeatureDetector>(model, new Adam(), Loss.BinaryCrossEntropy);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(SignTask(64, 1), epochs: 2, batchSize: 16));
        Assert.Equal(1, error.Epoch);
        Assert.Equal(1, error.Batch);
        Assert.Contains("epoch 1, batch 1", error.Message, StringComparison.Ordinal);

        var history = trainer.Fit(SignTask(64, 1), new FitOptions { Epochs = 1, BatchSize = 16, NonFiniteBatches = NonFiniteBatchPolicy.Skip });
        Assert.Equal(4, history.Epochs[0].SkippedBatches);
    }

    [Fact]
    public void A_batch_whose_labels_are_all_ignored_leaves_the_weights_and_the_optimizer_alone()
    {
        // the second batch of eight has only ignored labels: its gradient is zero, but an Adam step would still move
        // the weights by the momentum the first batch left
        SequenceDataset counted = CountingTask(8, 3);
        var sequences = new List<int[]>();
        var labels = new List<int>();
        for (int i = 0; i < 8; i++)
        {
            sequences.Add(counted.Tokens![i]);
            labels.Add(counted.Labels![i]);
        }

        for (int i = 0; i < 8; i++)
        {
            sequences.Add([1, 2, 3]);
            labels.Add(SoftmaxCrossEntropy.DefaultIgnoreLabel);
        }

        var both = new TokenClassifier(maxBatch: 8, maxSteps: 8, seed: 4);
        var optimizer = new Adam(learningRate: 1e-2f, weightDecay: 0.1f);
        var progress = new List<TrainingProgress>();
        new Trainer<TokenClassifier>(both, optimizer, Loss.SoftmaxCrossEntropy).Fit(SequenceDataset.FromTokens(sequences, labels.ToArray()), new FitOptions
        {
            Epochs = 1, BatchSize = 8, Shuffle = false, Progress = new SynchronousProgress<TrainingProgress>(progress.Add),
        });

        var first = new TokenClassifier(maxBatch: 8, maxSteps: 8, seed: 4);
        new Trainer<TokenClassifier>(first, new Adam(learningRate: 1e-2f, weightDecay: 0.1f), Loss.SoftmaxCrossEntropy).Fit(counted, new FitOptions { Epochs = 1, BatchSize = 8, Shuffle = false });

        Assert.Equal(1, optimizer.Steps);
        Assert.Equal(first.Parameters.Values.ToArray(), both.Parameters.Values.ToArray());
        Assert.Equal(new[] { 1, 2 }, progress.Select(p => p.Batch));
    }

    [Fact]
    public void Predict_does_not_read_the_targets()
    {
        // per-step labels for a model with one output per sequence: they are not the model's targets, and Predict
        // ignores targets (before, filling them overran the batch's label buffer)
        var sequences = Enumerable.Range(0, 16).Select(i => new[] { 1 + (i % 7), 2 }).ToList();
        var stepLabels = sequences.Select(_ => new[] { 0, 1 }).ToList();
        var model = new TokenClassifier(maxBatch: 16, maxSteps: 8, seed: 1);
        var trainer = new Trainer<TokenClassifier>(model, new Adam(), Loss.SoftmaxCrossEntropy);
        IReadOnlyList<float[]> predicted = trainer.Predict(SequenceDataset.FromTokens(sequences, stepLabels));
        IReadOnlyList<float[]> plain = trainer.Predict(SequenceDataset.FromTokens(sequences, new int[16]));
        Assert.Equal(16, predicted.Count);
        Assert.Equal(plain, predicted);
    }

    [Fact]
    public void Options_that_could_only_fail_later_are_refused_before_training()
    {
        var model = new FeatureDetector(maxBatch: 16, maxSteps: 8, seed: 1);
        float[] before = model.Parameters.Values.ToArray();
        var trainer = new Trainer<FeatureDetector>(model, new Adam(), Loss.BinaryCrossEntropy);
        var infinite = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(SignTask(32, 1), new FitOptions { Epochs = 1, BatchSize = 16, ClipGradientNorm = float.PositiveInfinity }));
        Assert.Equal("options", infinite.ParamName);
        Assert.Contains("ClipGradientNorm", infinite.Message, StringComparison.Ordinal);
        var delta = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(SignTask(32, 1), new FitOptions { Epochs = 1, BatchSize = 16, EarlyStopping = new EarlyStopping(MinimumDelta: double.NaN) }));
        Assert.Contains("MinimumDelta", delta.Message, StringComparison.Ordinal);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Evaluate(SignTask(32, 1), batchSize: 0)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Predict(SignTask(32, 1), batchSize: 17)).ParamName);
        Assert.Equal(before, model.Parameters.Values.ToArray());
    }

    [Fact]
    public void A_dataset_that_does_not_fit_the_model_is_refused_with_a_reason()
    {
        var tokens = new Trainer<TokenClassifier>(new TokenClassifier(maxBatch: 8, maxSteps: 8), new Adam(), Loss.SoftmaxCrossEntropy);
        Assert.Contains("FromTokens", Assert.Throws<ArgumentException>(() => tokens.Fit(SignTask(8, 1), 1, 8)).Message, StringComparison.Ordinal);
        Assert.Contains("outside the model's 3 classes", Assert.Throws<ArgumentException>(() => tokens.Fit(SequenceDataset.FromTokens([[1, 2]], [3]), 1, 1)).Message, StringComparison.Ordinal);
        Assert.Contains("maxSteps", Assert.Throws<ArgumentException>(() => tokens.Fit(SequenceDataset.FromTokens([new int[9]], [0]), 1, 1)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => tokens.Fit(CountingTask(8, 1), 1, 9));

        var detector = new Trainer<FeatureDetector>(new FeatureDetector(maxBatch: 8, maxSteps: 8), new Adam(), Loss.SoftmaxCrossEntropy);
        Assert.Contains("integer labels", Assert.Throws<ArgumentException>(() => detector.Fit(SignTask(8, 1), 1, 8)).Message, StringComparison.Ordinal);

        // 0/1 labels with binary cross-entropy, as Keras takes them: the message shows how to pass them as values
        var binary = new Trainer<FeatureDetector>(new FeatureDetector(maxBatch: 8, maxSteps: 8), new Adam(), Loss.BinaryCrossEntropy);
        string message = Assert.Throws<ArgumentException>(() => binary.Fit(SequenceDataset.FromFeatures([new float[4]], 2, [1]), 1, 1)).Message;
        Assert.Contains("0 or 1 for a yes/no label", message, StringComparison.Ordinal);
        Assert.Contains("FromFeatures(sequences, featureSize, labels.Select(l => new[] { (float)l }).ToList(), valueSize: 1)", message, StringComparison.Ordinal);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
