using RnnGen;

namespace Spam;

/// <summary>Sizes both classifiers share: the Keras IMDB recipe's 10,000-word vocabulary and 32-wide layers.</summary>
public static class MailModel
{
    /// <summary>Vocabulary size, the padding and unknown ids included.</summary>
    public const int Words = 10_000;

    /// <summary>Width of a word vector.</summary>
    public const int EmbeddingDimension = 32;

    /// <summary>Width of the recurrent state.</summary>
    public const int HiddenSize = 32;
}

/// <summary>
/// The recipe itself: word ids → Embedding(10,000, 32) → SimpleRNN(32) → one logit, spam when positive
/// (the sigmoid lives in the binary cross-entropy loss).
/// </summary>
[Embedding(MailModel.Words, MailModel.EmbeddingDimension)]
[SimpleRnn(MailModel.HiddenSize)]
[Dense(1)]
public partial class SimpleRnnSpamClassifier;

/// <summary>The same with an LSTM(32), whose gated cell carries evidence across a 300-word mail.</summary>
[Embedding(MailModel.Words, MailModel.EmbeddingDimension)]
[Lstm(MailModel.HiddenSize)]
[Dense(1)]
public partial class LstmSpamClassifier;
