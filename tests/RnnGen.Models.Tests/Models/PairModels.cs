using RnnGen;

namespace RnnGen.Models.Tests.Models;

// Encoder–decoder pairs: token → token with LSTM state (h and c), a bidirectional two-layer GRU encoder on feature
// vectors whose directions are concatenated into the decoder, and two recurrent attributes per model mixing both.

[Embedding(7, 4)]
[Lstm(6)]
public partial class TokenEncoder;

[Embedding(7, 3)]
[Lstm(6, ReturnSequences = true)]
[Dense(7)]
public partial class TokenDecoder;

[EncoderDecoder(typeof(TokenEncoder), typeof(TokenDecoder))]
public partial class TokenPair;

[RnnModel(InputSize = 3)]
[Gru(4, Layers = 2, Bidirectional = true)]
public partial class BidirectionalEncoder;

[Embedding(6, 3)]
[Gru(8, Layers = 2, ReturnSequences = true)]
[Dense(6)]
public partial class WideDecoder;

[EncoderDecoder(typeof(BidirectionalEncoder), typeof(WideDecoder))]
public partial class BidirectionalPair;

[Embedding(5, 3)]
[Lstm(4, Bidirectional = true)]
[SimpleRnn(5, Name = "top")]
[Dense(2)]
public partial class MixedEncoder;

[Embedding(5, 3)]
[Lstm(8)]
[Gru(5, Name = "top", ReturnSequences = true)]
[Dropout(0.25)]
[Dense(5)]
public partial class MixedDecoder;

[EncoderDecoder(typeof(MixedEncoder), typeof(MixedDecoder))]
public partial class MixedPair;

// The copy task: tokens 0 (start) and 1 (end), symbols 2..7.

[Embedding(8, 16)]
[Lstm(64)]
public partial class CopyEncoder;

[Embedding(8, 16)]
[Lstm(64, ReturnSequences = true)]
[Dense(8)]
public partial class CopyDecoder;

[EncoderDecoder(typeof(CopyEncoder), typeof(CopyDecoder))]
public partial class Copier;

/// <summary>A token model that outputs probabilities, not logits: not a decoder for SequenceDecoder.</summary>
[Embedding(5, 3)]
[Lstm(4, ReturnSequences = true)]
[Dense(5, Activation = Activation.Softmax)]
public partial class SoftmaxTokenDecoder;
