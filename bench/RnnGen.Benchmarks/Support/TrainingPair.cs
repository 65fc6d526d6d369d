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
        (float[] inputs, int[] labels) = Batch(batch);
        var model = new LstmClassifier(maxBatch: batch, maxSteps: Sizes.Steps, seed: 6);
        return Checked(
            $"LSTM(28→128) → Dense(10) logits, batch {batch}",
            new ClassifierTraining(model, inputs, labels),
            TorchClassifierTraining.Lstm(model.Parameters, Sizes.Input, LstmClassifier.LstmHiddenSize, Sizes.Classes, inputs, labels));
    }

    /// <summary>GRU(28→128) → Dense(10).</summary>
    public static TrainingPair Gru(int batch)
    {
        (float[] inputs, int[] labels) = Batch(batch);
        var model = new GruClassifier(maxBatch: batch, maxSteps: Sizes.Steps, seed: 7);
        return Checked(
            $"GRU(28→128) → Dense(10) logits, batch {batch}",
            new ClassifierTraining(model, inputs, labels),
            TorchClassifierTraining.Gru(model.Parameters, Sizes.Input, GruClassifier.GruHiddenSize, Sizes.Classes, inputs, labels));
    }

    public void Dispose() => LibTorch.Dispose();

    private static (float[] Inputs, int[] Labels) Batch(int batch) =>
        (TestData.Uniform(Sizes.Steps * batch * Sizes.Input, seed: 303), TestData.Labels(batch, Sizes.Classes, seed: 304));

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
