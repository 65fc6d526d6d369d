// Spam or ham? The IMDB recipe of the Keras RNN tutorials (Embedding → SimpleRNN → Dense, RMSprop, binary
// cross-entropy, validation_split 0.2) on the SpamAssassin public corpus, then the same with an LSTM. Each mail
// becomes the word ids of its subject and the start of its body; a fifth of the mails, chosen by the seed, is the
// test set. The model with the lower validation loss gives the RESULT line.
using System.Diagnostics;
using System.Globalization;
using RnnGen;
using RnnGen.Data;
using RnnGen.Examples;
using RnnGen.Training;
using Spam;

const int MaxTokens = 300, BatchSize = 32, QuickTrainCount = 1_200;
const double TestFraction = 0.2, ValidationFraction = 0.2;
const float LearningRate = 1e-3f, Rho = 0.9f, Epsilon = 1e-7f;   // Keras' rmsprop defaults
string[] hamFolders = ["easy-ham-1", "easy-ham-2", "hard-ham-1"], spamFolders = ["spam-1", "spam-2"];

var clock = Stopwatch.StartNew();
if (ExampleOptions.Parse(args, "spam", out int exitCode) is not { } options)
{
    return exitCode;
}

string corpus = Path.Combine(options.DataDirectory, "spam-assassin");
string[] folders = [.. hamFolders, .. spamFolders];
if (!ExampleConsole.RequireData("scripts/get-data.sh npm", folders.Select(f => Path.Combine(corpus, f)).ToArray()))
{
    return 2;
}

// Each mail: its folder, whether it is spam, and the first MaxTokens words of subject and body.
var folderOf = new List<string>();
var isSpam = new List<bool>();
var words = new List<string[]>();
foreach (string folder in folders)
{
    string[] files = Directory.GetFiles(Path.Combine(corpus, folder), "*.txt");
    Array.Sort(files, StringComparer.Ordinal);
    foreach (string file in files)
    {
        string[] tokens = Tokenizer.Words(MailText.SubjectAndBody(File.ReadAllText(file)));
        words.Add(tokens.Length > MaxTokens ? tokens[..MaxTokens] : tokens);
        folderOf.Add(folder);
        isSpam.Add(spamFolders.Contains(folder));
    }
}

// The held-out test set, fixed by the seed. The training part is shuffled because ValidationSplit takes its
// last sequences, and DataSplit returns ascending indices: ham first, then spam.
var (trainIndices, testIndices) = DataSplit.Split(words.Count, TestFraction, options.Seed);
new SeededRandom(options.Seed).Fork(1).Shuffle(trainIndices.AsSpan());
if (options.Quick)
{
    trainIndices = trainIndices[..QuickTrainCount];
}

// The vocabulary comes from the training part only, so no test word gets an id of its own.
var vocabulary = Vocabulary.Build(trainIndices.SelectMany(i => words[i]), maxSize: MailModel.Words);
SequenceDataset Dataset(int[] indices) => SequenceDataset.FromTokens(
    indices.Select(i => words[i].Length > 0 ? vocabulary.Encode(words[i]) : [Vocabulary.UnknownId]).ToArray(),
    indices.Select(i => new[] { isSpam[i] ? 1f : 0f }).ToArray(),
    valueSize: 1);
var train = Dataset(trainIndices);
var test = Dataset(testIndices);
int epochs = options.EpochsOr(full: 20, quick: 4);
Directory.CreateDirectory(options.OutputDirectory);

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"SpamAssassin: {words.Count:N0} mails ({isSpam.Count(s => s):N0} spam); {train.Count:N0} for training ({trainIndices.Count(i => isSpam[i]):N0} spam; the last {ValidationFraction:P0} validate), {test.Count:N0} for testing"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"subject + body, first {MaxTokens} words; vocabulary {vocabulary.Count:N0} ids; RMSprop lr {LearningRate:G3} rho {Rho:G3}, batch {BatchSize}, up to {epochs} epochs, stop after 4 without a lower validation loss"));

var scores = new[]
{
    TrainAndTest(new SimpleRnnSpamClassifier(maxBatch: BatchSize, maxSteps: MaxTokens, seed: options.Seed), "SimpleRNN(32)", "spam-simplernn", SimpleRnnSpamClassifier.ParameterCount),
    TrainAndTest(new LstmSpamClassifier(maxBatch: BatchSize, maxSteps: MaxTokens, seed: options.Seed), "LSTM(32)", "spam-lstm", LstmSpamClassifier.ParameterCount),
};

Console.WriteLine();
foreach (var score in scores)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{score.Model,-14} validation loss {score.ValidationLoss:F4}  test accuracy {score.Confusion.Accuracy:F4}  precision {score.Confusion.Precision:F4}  recall {score.Confusion.Recall:F4}  F1 {score.Confusion.F1:F4}"));
}

var chosen = scores.MinBy(s => s.ValidationLoss)!;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{chosen.Model} (lower validation loss): test F1 {chosen.Confusion.F1:F4}"));
ExampleConsole.Result("spam", "test_accuracy", chosen.Confusion.Accuracy, clock);
return 0;

// Trains one classifier (best epoch by validation loss restored), writes its curves and checkpoint, and scores
// it once on the test set with spam as the positive class.
TestScore TrainAndTest<TModel>(TModel model, string name, string fileStem, int parameterCount)
    where TModel : IRnnModel
{
    Console.WriteLine();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Embedding → {name} → Dense(1): {parameterCount:N0} parameters"));
    var trainer = new Trainer<TModel>(model, new RmsProp(LearningRate, alpha: Rho, epsilon: Epsilon), Loss.BinaryCrossEntropy);
    string checkpoint = Path.Combine(options.OutputDirectory, fileStem + "-best.safetensors");
    var history = ExampleConsole.Train(
        (progress, epochEnd) => trainer.Fit(train, new FitOptions
        {
            Epochs = epochs,
            BatchSize = BatchSize,
            Seed = options.Seed,
            ValidationSplit = ValidationFraction,
            EarlyStopping = new EarlyStopping(Patience: 4, RestoreBestWeights: true),
            CheckpointPath = checkpoint,
            Progress = progress,
            EpochEnd = epochEnd,
        }),
        "accuracy");
    ExampleOutputs.SaveHistory(history, options.OutputDirectory, fileStem, $"SpamAssassin: Embedding → {name} → Dense(1)");
    double validationLoss = history.Epochs[history.BestEpoch - 1].ValidationLoss!.Value;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"best epoch {history.BestEpoch} of {history.Epochs.Count} (validation loss {validationLoss:F4}); weights restored, checkpoint {checkpoint}"));

    var logits = trainer.Predict(test);
    var confusion = default(BinaryConfusion);
    var perFolder = new SortedDictionary<string, (int Right, int Count)>(StringComparer.Ordinal);
    for (int k = 0; k < testIndices.Length; k++)
    {
        int i = testIndices[k];
        confusion.Add(logits[k], [isSpam[i] ? 1f : 0f]);
        var (right, count) = perFolder.GetValueOrDefault(folderOf[i]);
        perFolder[folderOf[i]] = (right + ((logits[k][0] > 0) == isSpam[i] ? 1 : 0), count + 1);
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"test: {confusion.TruePositives} spam caught, {confusion.FalseNegatives} missed; {confusion.TrueNegatives} ham passed, {confusion.FalsePositives} flagged; right per folder: ")
        + string.Join("  ", perFolder.Select(f => string.Create(CultureInfo.InvariantCulture, $"{f.Key} {f.Value.Right}/{f.Value.Count}"))));
    return new TestScore(name, validationLoss, confusion);
}

/// <summary>A trained classifier's best validation loss and its confusion counts on the test set.</summary>
internal sealed record TestScore(string Model, double ValidationLoss, BinaryConfusion Confusion);
