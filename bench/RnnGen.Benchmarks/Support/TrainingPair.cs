using RnnGen.Benchmarks.LibTorch;
using RnnGen.Benchmarks.Models;

namespace RnnGen.Benchmarks.Support;

/// <summary>
/// Both sides of a training case, recurrent(128) → Dense(10) on one batch of 28-step sequences: the same weights
/// (copied from the RnnGen model into the torch modules), the same seeded batch, and logits checked to agree.
/// </summary>
internal sealed class TrainingPair : IDisposable
{
    private TrainingPair(ClassifierTraining rnnGen, TorchClassifierTraining libTorch) => (RnnGen, LibTorch) = (rnnGen, libTorch);

    public ClassifierTraining RnnGen { get; }

    public TorchClassifierTraining LibTorch { get; }

    /// <summary>LSTM(28→128) → Dense(10).</summary>
    public static TrainingPair Lstm(int batch)
    {
        var rnnGen = ClassifierTraining.Lstm(batch);
        return Checked(
            $"LSTM(28→128) → Dense(10) logits, batch {batch}",
            rnnGen,
            TorchClassifierTraining.Lstm(rnnGen.Parameters, Sizes.Input, LstmClassifier.LstmHiddenSize, Sizes.Classes, rnnGen.Inputs, rnnGen.Labels));
    }

    /// <summary>GRU(28→128) → Dense(10).</summary>
    public static TrainingPair Gru(int batch)
    {
        var rnnGen = ClassifierTraining.Gru(batch);
        return Checked(
            $"GRU(28→128) → Dense(10) logits, batch {batch}",
            rnnGen,
            TorchClassifierTraining.Gru(rnnGen.Parameters, Sizes.Input, GruClassifier.GruHiddenSize, Sizes.Classes, rnnGen.Inputs, rnnGen.Labels));
    }

    public void Dispose() => LibTorch.Dispose();

    private static TrainingPair Checked(string what, ClassifierTraining rnnGen, TorchClassifierTraining libTorch)
    {
        try
        {
            Agreement.Require(what, rnnGen.Logits(), libTorch.Logits());
        }
        catch
        {
            libTorch.Dispose();
            throw;
        }

        return new TrainingPair(rnnGen, libTorch);
    }
}
