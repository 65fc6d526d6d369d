using System;

namespace RnnGen;

/// <summary>
/// Makes a <c>partial class</c> the composition of two generated models: an encoder whose final recurrent state
/// becomes the initial state of a decoder (sequence to sequence). The generator checks at compile time that the
/// states fit (cell kind, layers, hidden size; a bidirectional encoder's two directions are concatenated into a
/// decoder of twice the hidden size) and writes teacher-forced <c>Forward</c>/<c>Backward</c> through the state
/// hand-off, one <see cref="ParameterSet"/> over both models, and greedy and beam-search decoding.
/// <code>
/// [Embedding(12, 16)] [Lstm(128)] public partial class Encoder;
/// [Embedding(12, 16)] [Lstm(128)] [Dense(12)] public partial class Decoder;
/// [EncoderDecoder(typeof(Encoder), typeof(Decoder))] public partial class Adder;
/// </code>
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class EncoderDecoderAttribute : Attribute
{
    /// <summary>Composes <paramref name="encoder"/> and <paramref name="decoder"/>, two RnnGen models of this project.</summary>
    /// <param name="encoder">Reads the source sequence; only its final recurrent state is used.</param>
    /// <param name="decoder">
    /// Reads target token ids (a first Embedding layer), returns a sequence and ends with a Dense layer without
    /// activation whose outputs are logits over the same vocabulary.
    /// </param>
    public EncoderDecoderAttribute(Type encoder, Type decoder)
    {
        Encoder = encoder;
        Decoder = decoder;
    }

    /// <summary>The encoder model type.</summary>
    public Type Encoder { get; }

    /// <summary>The decoder model type.</summary>
    public Type Decoder { get; }
}
