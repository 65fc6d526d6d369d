// Learning to add numbers from strings, the Keras "addition RNN" demo as a sequence-to-sequence model: an LSTM(128)
// encoder reads a question such as "535+61" (reversed, as Keras does), hands its final state to an LSTM(128) decoder,
// and the decoder writes the answer "596" one character at a time, trained with teacher forcing. Needs no download.
//
// 50,000 distinct questions with operands of 1–3 digits (a+b and b+a count as one question, as in Keras); 10% are
// held out, never trained on, and scored by exact match of the greedily decoded answer.
using System.Diagnostics;
using System.Globalization;
using Addition;
using RnnGen;
using RnnGen.Examples;
using RnnGen.Training;
using Spectre.Console;

var clock = Stopwatch.StartNew();
if (ExampleOptions.Parse(args, "addition", out int exitCode) is not { } options)
{
    return exitCode;
}

const int Start = 0, End = 1, Plus = 12;
int questions = options.Quick ? 6_000 : 50_000;
var random = new SeededRandom(options.Seed);
var (train, test) = MakeQuestions(questions, random);
Console.WriteLine($"{train.Count:N0} training and {test.Count:N0} held-out questions (seed {options.Seed}); no question, nor its mirror a+b ↔ b+a, is in both");

const int BatchSize = 32;
var pair = new Adder(maxBatch: BatchSize, maxSourceSteps: 7, maxTargetSteps: 5, seed: options.Seed);
var trainer = new EncoderDecoderTrainer<Adder>(pair, new Adam(learningRate: 2e-3f));
int epochs = options.EpochsOr(12, 2);
int reachedAt = 0;
double exact = 0;
Directory.CreateDirectory(options.OutputDirectory);
var history = ExampleConsole.Train((progress, epochEnd) => trainer.Fit(train, new EncoderDecoderFitOptions
{
    Epochs = epochs,
    BatchSize = BatchSize,
    Seed = options.Seed,
    ClipGradientNorm = 1f,
    Schedule = new CosineAnnealing(epochs, minimumLearningRate: 1e-5f),
    CheckpointPath = Path.Combine(options.OutputDirectory, "addition.safetensors"),
    Progress = progress,
    EpochEnd = record =>
    {
        epochEnd(record);
        // The held-out questions are only reported, never used to choose anything.
        exact = trainer.ExactMatch(test);
        if (reachedAt == 0 && exact >= 0.99)
        {
            reachedAt = record.Epoch;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"           held-out exact match {exact:P2}"));
        ShowSome(5);
    },
}), "token_accuracy");
ExampleOutputs.SaveHistory(history, options.OutputDirectory, "addition", "Addition: LSTM(128) encoder → LSTM(128) decoder");

string reached = reachedAt > 0 ? $"99% first reached at epoch {reachedAt}" : "99% not reached";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"held-out exact match {exact:P2} after {epochs} epochs; {reached}"));
int[] answer = new int[5];
int beamLength = pair.BeamSearch(Source("999+999"), Start, End, answer, width: 3);
Console.WriteLine($"beam search (width 3): 999+999 = {Text(answer.AsSpan(0, beamLength))}");
ExampleConsole.Result("addition", "exact_match", exact, clock);
return 0;

// Questions as Keras draws them: each operand has 1–3 digits, each digit uniform; a question and its mirror are one.
static (SequencePairDataset Train, SequencePairDataset Test) MakeQuestions(int count, SeededRandom random)
{
    var seen = new HashSet<(int, int)>();
    var sources = new List<int[]>();
    var targets = new List<int[]>();
    while (sources.Count < count)
    {
        int a = Operand(random), b = Operand(random);
        if (!seen.Add((Math.Min(a, b), Math.Max(a, b))))
        {
            continue;
        }

        sources.Add(Source(a.ToString(CultureInfo.InvariantCulture) + "+" + b.ToString(CultureInfo.InvariantCulture)));
        targets.Add(Encode((a + b).ToString(CultureInfo.InvariantCulture)));
    }

    // The last tenth is held out; the draw order is random, so that is a random tenth.
    int held = count / 10;
    int[] all = [.. Enumerable.Range(0, count)];
    var dataset = new SequencePairDataset(sources, targets, Start, End);
    return (dataset.Subset(all.AsSpan(0, count - held)), dataset.Subset(all.AsSpan(count - held)));
}

static int Operand(SeededRandom random)
{
    int digits = 1 + random.NextInt(3);
    int value = 0;
    for (int i = 0; i < digits; i++)
    {
        value = (value * 10) + random.NextInt(10);
    }

    return value;
}

// The encoder reads the question reversed, which shortens the path from the low digits to the first answer digit.
static int[] Source(string question)
{
    int[] ids = Encode(question);
    Array.Reverse(ids);
    return ids;
}

static int[] Encode(string text) => [.. text.Select(c => c == '+' ? Plus : 2 + (c - '0'))];

static string Text(ReadOnlySpan<int> ids)
{
    var text = new System.Text.StringBuilder();
    foreach (int id in ids)
    {
        text.Append(id switch { Start => '^', End => '$', Plus => '+', _ => (char)('0' + (id - 2)) });
    }

    return text.ToString();
}

// A few held-out questions with the model's answer, marked as the Keras demo does.
void ShowSome(int count)
{
    int[] answer = new int[5];
    for (int i = 0; i < count; i++)
    {
        int index = random.NextInt(test.Count);
        int[] source = test.Sources[index];
        int length = pair.Translate(source, Start, End, answer);
        string question = Text([.. source.Reverse()]);
        string truth = Text(test.Targets[index]);
        string guess = Text(answer.AsSpan(0, length));
        bool right = guess == truth;
        string line = $"           {question,7} = {truth,-4} {(right ? "✓" : "✗")} {guess}";
        if (Console.IsOutputRedirected)
        {
            Console.WriteLine(line);
        }
        else
        {
            AnsiConsole.MarkupLine($"[{(right ? "green" : "red")}]{Markup.Escape(line)}[/]");
        }
    }
}
