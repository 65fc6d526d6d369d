using RnnGen;

namespace CharLm;

/// <summary>
/// Predicts the next character at every step: ids → 32-d embeddings → two stacked LSTM(256) → one logit per character id.
/// 83 ids = padding + unknown + the 81 distinct characters of Moby-Dick's chapters (case and punctuation kept).
/// Dropout between the layers and before the head (as char-rnn's dropout between LSTM layers) keeps the
/// ~830,000 weights from memorising 1.07 million training characters once the run is long enough to matter.
/// </summary>
[Embedding(83, 32)]
[Lstm(256, ReturnSequences = true)]
[Dropout(0.2)]
[Lstm(256, ReturnSequences = true)]
[Dropout(0.2)]
[Dense(83)]
public partial class CharLanguageModel;
