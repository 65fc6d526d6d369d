using RnnGen;

namespace AotInference;

/// <summary>
/// Predicts the next character: ids → 32-d embeddings → two stacked LSTM(256) → one logit per id. The same shape as
/// examples/char-lm's model, so the weights that example trains (artifacts/char-lm/char-lm.safetensors) load here
/// (its Dropout layers hold no weights and pass values through at inference, so they are left out).
/// </summary>
[Embedding(83, 32)]
[Lstm(256, ReturnSequences = true)]
[Lstm(256, ReturnSequences = true)]
[Dense(83)]
public partial class CharacterModel;
