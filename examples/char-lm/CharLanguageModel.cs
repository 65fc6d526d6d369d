using RnnGen;

namespace CharLm;

/// <summary>
/// Predicts the next character at every step: ids → 32-d embeddings → LSTM(256) → one logit per character id.
/// 83 ids = padding + unknown + the 81 distinct characters of Moby-Dick's chapters (case and punctuation kept).
/// One layer of 256: an epoch over the book's 1.07 million training characters takes about 2 minutes of one core.
/// Two stacked layers of 192 cost a third more per epoch and were worse after two epochs (2.43 bits per character
/// on validation against 2.34), so stacking does not pay at this budget.
/// </summary>
[Embedding(83, 32)]
[Lstm(256, ReturnSequences = true)]
[Dense(83)]
public partial class CharLanguageModel;
