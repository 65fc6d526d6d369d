// Streams text from a character LSTM as a Native AOT binary: `dotnet publish -r linux-x64` compiles this program, the
// generated model and the RnnGen runtime ahead of time into one native executable that starts without a JIT. It loads
// safetensors weights (--weights <path>, with the vocabulary file their metadata names beside them; without the
// option it writes seeded initial weights to a temporary folder first and loads those), reads a prompt into the state
// and draws 200 characters, one Step per character, each printed as it is drawn.
using System.Diagnostics;
using System.Globalization;
using AotInference;
using RnnGen;
using RnnGen.Data;
using RnnGen.Sampling;

const int GeneratedLength = 200;
const ulong Seed = 1;
const string Prompt = "Call me Ishmael. ";

// Start-up is measured from the process's start as the kernel records it (10 ms resolution on Linux), then from
// here on with a Stopwatch.
var sinceMain = Stopwatch.StartNew();
double processToMainMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;

string? weightsPath;
if (args.Length == 0)
{
    weightsPath = null;
}
else if (args is ["--weights", string path])
{
    weightsPath = path;
}
else
{
    Console.Error.WriteLine("usage: AotInference [--weights <model.safetensors>]");
    return 2;
}

DirectoryInfo? temporary = weightsPath is null ? Directory.CreateTempSubdirectory("aot-inference-") : null;
try
{
    weightsPath ??= InitialWeights.Write(temporary!.FullName, Seed);
    SafetensorsFile weights = SafetensorsFile.Read(weightsPath);
    var model = new CharacterModel(maxBatch: 1, maxSteps: 1);
    model.Parameters.Load(weights);
    if (!weights.Metadata.TryGetValue("vocabulary", out string? vocabularyName))
    {
        Console.Error.WriteLine($"{weightsPath}: the metadata names no 'vocabulary' file (examples/char-lm writes one beside its weights).");
        return 2;
    }

    var vocabulary = Vocabulary.Load(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weightsPath))!, vocabularyName));
    if (vocabulary.Count != CharacterModel.VocabularySize)
    {
        Console.Error.WriteLine($"{vocabularyName}: {vocabulary.Count} ids, but the model has {CharacterModel.VocabularySize}.");
        return 2;
    }

    Console.WriteLine($"weights {(temporary is null ? weightsPath : $"initialised with seed {Seed}")}: {weights.Tensors.Count} tensors, {CharacterModel.ParameterCount:N0} parameters; vocabulary {vocabulary.Count} ids");
    var sampler = new TokenSampler(CharacterModel.VocabularySize, Seed) { Temperature = 0.8f, TopK = 10 };
    var state = new CharacterModel.State();
    Span<float> logits = stackalloc float[CharacterModel.OutputSize];
    foreach (int id in vocabulary.Encode(Tokenizer.Characters(Prompt)))
    {
        model.Step(id, ref state, logits);
    }

    Console.Write(Prompt);
    double firstTokenMs = 0;
    for (int i = 0; i < GeneratedLength; i++)
    {
        int id = sampler.Sample(logits);
        Console.Write(vocabulary.TokenOf(id));
        if (i == 0)
        {
            Console.Out.Flush();
            firstTokenMs = processToMainMs + sinceMain.Elapsed.TotalMilliseconds;
        }

        model.Step(id, ref state, logits);
    }

    Console.WriteLine();
    double seconds = (processToMainMs / 1000) + sinceMain.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"process start → Main {processToMainMs:0.#} ms, Main → first token {firstTokenMs - processToMainMs:0.#} ms, {GeneratedLength} characters in {seconds:0.###} s"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"RESULT task=aot-inference metric=first_token_ms value={firstTokenMs:0.#} seconds={seconds:0.###}"));
    return 0;
}
catch (Exception error) when (error is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}
finally
{
    temporary?.Delete(recursive: true);
}
