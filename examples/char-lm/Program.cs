// A character-level LSTM language model on Moby-Dick (min-char-rnn / char-rnn): it learns to predict the next
// character of the book, is scored in bits per character on the last 10% of the text, and then writes 400 characters
// of its own, one Step at a time, streamed to the console as they are drawn; last, it times that Step with the weights
// in place and packed (StepWeights, float32 and bfloat16).
using System.Diagnostics;
using System.Globalization;
using CharLm;
using RnnGen;
using RnnGen.Data;
using RnnGen.Examples;
using RnnGen.Sampling;
using RnnGen.Training;

const int ChunkLength = 100, BatchSize = 16, GeneratedLength = 400;
const string Prompt = "Call me Ishmael. ";
var clock = Stopwatch.StartNew();
if (ExampleOptions.Parse(args, "char-lm", out int exitCode) is not { } options)
{
    return exitCode;
}

string bookDirectory = Path.Combine(options.DataDirectory, "moby-dick");
if (!ExampleConsole.RequireData("scripts/get-data.sh npm", Path.Combine(bookDirectory, "chapter_1.txt")))
{
    return 2;
}

string[] chapters = Directory.GetFiles(bookDirectory, "chapter_*.txt");

// chapter_2 before chapter_10: order by the number, and leave a blank line between chapters.
string book = string.Join("\n", chapters.OrderBy(ChapterNumber).Select(File.ReadAllText));
string text = options.Quick ? book[..100_000] : book;
string[] characters = Tokenizer.Characters(text);
var vocabulary = Vocabulary.Build(characters, maxSize: CharLanguageModel.VocabularySize);
int[] ids = vocabulary.Encode(characters);
Console.WriteLine($"{chapters.Length} chapters, {book.Length:N0} characters{(options.Quick ? $", of which the first {text.Length:N0} (--quick)" : string.Empty)}; {vocabulary.Count} ids for {CharLanguageModel.VocabularySize} model inputs");

// The last 10% of the text is validation: the model never trains on its chapters.
int boundary = (int)(ids.Length * 0.9);
var train = Chunks(ids.AsSpan(0, boundary));
var validation = Chunks(ids.AsSpan(boundary));
Console.WriteLine($"train {train.Count:N0} chunks of {ChunkLength} characters, validation {validation.Count:N0}");

// Batches of 16 chunks: twice the updates per epoch of 32 learn faster (with one LSTM(256) layer, 2.52 bits per
// character after one epoch against 2.84 with 32 chunks at 2e-3). Clipping the global gradient norm at 5
// (char-rnn's value) guards against the rare exploding batch.
var model = new CharLanguageModel(maxBatch: BatchSize, maxSteps: ChunkLength, seed: options.Seed);
var trainer = new Trainer<CharLanguageModel>(model, new Adam(learningRate: 3e-3f), Loss.SoftmaxCrossEntropy);
int epochs = options.EpochsOr(12, 1);
Directory.CreateDirectory(options.OutputDirectory);
string checkpoint = Path.Combine(options.OutputDirectory, "char-lm-best.safetensors");
var history = ExampleConsole.Train((progress, epochEnd) => trainer.Fit(train, new FitOptions
{
    Epochs = epochs,
    BatchSize = BatchSize,
    Seed = options.Seed,
    Validation = validation,
    ClipGradientNorm = 5f,
    Schedule = new CosineAnnealing(epochs, minimumLearningRate: 3e-4f),
    EarlyStopping = new EarlyStopping(Patience: 2, RestoreBestWeights: true),
    CheckpointPath = checkpoint,
    Progress = progress,
    EpochEnd = epochEnd,
}), "accuracy");

var evaluation = trainer.Evaluate(validation);
double bitsPerCharacter = evaluation.Loss / Math.Log(2);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"validation: {bitsPerCharacter:F3} bits per character (cross-entropy {evaluation.Loss:F4} nats), next-character accuracy {evaluation.Metric:P1}; best epoch {history.BestEpoch}"));

ExampleOutputs.SaveHistory(history, options.OutputDirectory, "char-lm", "Moby-Dick: character LSTM, 2 × 256");
string weightsPath = Path.Combine(options.OutputDirectory, "char-lm.safetensors");
model.Parameters.SaveSafetensors(weightsPath, new Dictionary<string, string>
{
    ["vocabulary"] = "char-lm.vocab.txt",
    ["val_bits_per_char"] = bitsPerCharacter.ToString("R", CultureInfo.InvariantCulture),
});
vocabulary.Save(Path.Combine(options.OutputDirectory, "char-lm.vocab.txt"));
Console.WriteLine($"weights and vocabulary saved in {options.OutputDirectory}");

var sampler = new TokenSampler(CharLanguageModel.VocabularySize, options.Seed) { Temperature = 0.8f, TopK = 10 };
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampled: temperature {sampler.Temperature}, top-k {sampler.TopK}, seed {options.Seed}, {GeneratedLength} characters"));
Generate(logits => sampler.Sample(logits), GeneratedLength, weights: null, Console.Write);
Console.WriteLine();
Console.WriteLine("greedy (temperature 0: always the most likely character), 200 characters");
string greedy = Generate(logits => TokenSampler.ArgMax(logits), 200, weights: null, Console.Write);
Console.WriteLine();

// Streaming speed: the greedy text again, stepped with the weights where training left them, then with StepWeights,
// the weights packed once for the one-sequence step kernel, in float32 and in bfloat16 (half the bytes to stream per
// step, within 1e-2 of float32). The fastest of 20 repetitions, each after a warm-up, and whether the text is the same.
double inPlace = FastestStep(null, out _);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Step, fastest of 20 greedy runs of 200 characters: weights in place {inPlace:F1} µs per character"));
foreach (var precision in new[] { StepPrecision.Float32, StepPrecision.BFloat16 })
{
    StepWeights packed = model.CreateStepWeights(precision);
    double perCharacter = FastestStep(packed, out string packedText);
    int firstDifference = packedText.Zip(greedy).TakeWhile(pair => pair.First == pair.Second).Count();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  StepWeights {precision} ({packed.Bytes / 1024.0:N0} KiB): {perCharacter:F1} µs per character, {inPlace / perCharacter:F2}× in place; {(packedText == greedy ? "the same 200 characters" : $"the same first {firstDifference} characters")}"));
}

Console.WriteLine();

ExampleConsole.Result("char-lm", "val_bits_per_char", bitsPerCharacter, clock);
return 0;

// Non-overlapping chunks; the target at each step is the character after it.
SequenceDataset Chunks(ReadOnlySpan<int> part)
{
    var inputs = new List<int[]>();
    var targets = new List<int[]>();
    for (int start = 0; start + ChunkLength < part.Length; start += ChunkLength)
    {
        inputs.Add(part.Slice(start, ChunkLength).ToArray());
        targets.Add(part.Slice(start + 1, ChunkLength).ToArray());
    }

    return SequenceDataset.FromTokens(inputs, targets);
}

// Reads the prompt into a fresh state, then draws one character at a time, handing each to `show` as it comes and
// feeding it back; returns the characters drawn.
string Generate(Func<float[], int> next, int length, StepWeights? weights, Action<string>? show)
{
    var state = new CharLanguageModel.State();
    float[] logits = new float[CharLanguageModel.OutputSize];
    show?.Invoke(Prompt);
    foreach (int id in vocabulary.Encode(Tokenizer.Characters(Prompt)))
    {
        model.Step(id, ref state, logits, weights);
    }

    var drawn = new System.Text.StringBuilder(length);
    for (int i = 0; i < length; i++)
    {
        int id = next(logits);
        string character = vocabulary.TokenOf(id);
        drawn.Append(character);
        show?.Invoke(character);
        model.Step(id, ref state, logits, weights);
    }

    show?.Invoke(Environment.NewLine);
    return drawn.ToString();
}

// Microseconds per character of the fastest of 20 greedy runs (prompt and 200 characters), after one to warm up.
double FastestStep(StepWeights? weights, out string text)
{
    int steps = Tokenizer.Characters(Prompt).Length + 200;
    text = Generate(logits => TokenSampler.ArgMax(logits), 200, weights, show: null);
    double fastest = double.MaxValue;
    for (int run = 0; run < 20; run++)
    {
        long start = Stopwatch.GetTimestamp();
        Generate(logits => TokenSampler.ArgMax(logits), 200, weights, show: null);
        fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(start).TotalMicroseconds / steps);
    }

    return fastest;
}

static int ChapterNumber(string path) =>
    int.Parse(Path.GetFileNameWithoutExtension(path).AsSpan("chapter_".Length), CultureInfo.InvariantCulture);
