using System;

namespace RnnGen;

/// <summary>The fixed sizes of a generated model, for code that works with any model.</summary>
/// <param name="TokenInput">The model reads token ids (a first Embedding layer) instead of feature vectors.</param>
/// <param name="InputSize">Features per time step, or the vocabulary size for token input.</param>
/// <param name="OutputSize">Features of the output, per step or per sequence.</param>
/// <param name="StateSize">Floats of recurrent state per sequence.</param>
/// <param name="ReturnsSequences">The output has one vector per time step ([T, B, OutputSize]) rather than one per sequence.</param>
/// <param name="ParameterCount">Trainable parameters.</param>
/// <param name="OutputActivation">Activation of a final Dense layer (<see cref="Activation.None"/> when the outputs are logits or recurrent states).</param>
public sealed record ModelShape(bool TokenInput, int InputSize, int OutputSize, int StateSize, bool ReturnsSequences, int ParameterCount, Activation OutputActivation = Activation.None)
{
    /// <summary>Values per time step of one sequence's input: InputSize features, or one token id.</summary>
    public int InputWidth => TokenInput ? 1 : InputSize;

    /// <summary>Length of a Forward output for a batch.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or the length is more than an int holds.</exception>
    public int OutputLength(int steps, int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        long length = (ReturnsSequences ? (long)steps * batch : batch) * (long)OutputSize;
        if (length > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(steps), steps, $"{steps} steps × {batch} sequences × {OutputSize} outputs are {length} values, more than one span holds.");
        }

        return (int)length;
    }
}
