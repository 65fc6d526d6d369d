using RnnGen;

namespace AotInference;

/// <summary>
/// Predicts the next character: ids → 32-d embeddings → LSTM(256) → one logit per id. The same shape as
/// examples/char-lm's model, so the weights that example trains (artifacts/char-lm/char-lm.safetensors) load here.
/// </summary>
[Embedding(83, 32)]
[Lstm(256, ReturnSequences = true)]
[Dense(83)]
public partial class CharacterModel;
