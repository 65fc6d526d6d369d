using RnnGen.Data;

namespace AotInference;

/// <summary>Weights for a run with nothing downloaded: the model's own seeded initialisation and a fixed alphabet.</summary>
internal static class InitialWeights
{
    /// <summary>
    /// 81 characters, which with the padding and unknown ids fill the model's 83 ids exactly as Moby-Dick's 81
    /// distinct characters do for examples/char-lm.
    /// </summary>
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n.,;:!?'\"-()[]&*/_";

    /// <summary>
    /// Writes <paramref name="folder"/>/aot-inference.safetensors, initialised from <paramref name="seed"/>, with a
    /// vocabulary file beside it named in the weights' metadata (as examples/char-lm saves its own), and returns the
    /// weights' path.
    /// </summary>
    public static string Write(string folder, ulong seed)
    {
        var vocabulary = Vocabulary.Build(Tokenizer.Characters(Alphabet));
        if (vocabulary.Count != CharacterModel.VocabularySize)
        {
            throw new InvalidOperationException($"The alphabet gives {vocabulary.Count} ids; the model has {CharacterModel.VocabularySize}.");
        }

        const string VocabularyFile = "aot-inference.vocab.txt";
        vocabulary.Save(Path.Combine(folder, VocabularyFile));
        string weights = Path.Combine(folder, "aot-inference.safetensors");
        new CharacterModel(maxBatch: 1, maxSteps: 1, seed: seed).Parameters.SaveSafetensors(
            weights, new Dictionary<string, string> { ["vocabulary"] = VocabularyFile });
        return weights;
    }
}
