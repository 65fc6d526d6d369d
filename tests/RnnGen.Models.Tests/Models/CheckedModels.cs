using RnnGen;

namespace RnnGen.Models.Tests.Models;

// Models without a public reference: their gradients are proved by finite differences. Sizes are deliberately
// not multiples of any vector width.

[RnnModel(InputSize = 3)]
[Lstm(5, Layers = 2, Bidirectional = true, ReturnSequences = true)]
public partial class StackedBidirectionalLstm;

[RnnModel(InputSize = 4)]
[Gru(6, Layers = 2, Bidirectional = true)]
[Dense(3, Activation = Activation.Tanh)]
public partial class BidirectionalGruClassifier;

[RnnModel(InputSize = 3)]
[SimpleRnn(5, Activation = Activation.Sigmoid, Layers = 2)]
[Dense(4)]
public partial class SigmoidRnnClassifier;

[RnnModel(InputSize = 2)]
[SimpleRnn(4, Activation = Activation.Tanh, Bidirectional = true, ReturnSequences = true)]
[Dense(3, Activation = Activation.Sigmoid)]
public partial class BidirectionalRnnTagger;

[Embedding(13, 4)]
[Gru(6)]
[Dense(3, Activation = Activation.Softmax)]
public partial class EmbeddingGruSoftmax;

[Embedding(9, 3)]
[Lstm(5, ReturnSequences = true)]
[Dense(4, Activation = Activation.Softmax)]
public partial class EmbeddingLstmTagger;

[RnnModel(InputSize = 6)]
[Lstm(9)]
[Dropout(0.3)]
[Dense(5, Activation = Activation.Sigmoid)]
public partial class LstmDropoutHead;

/// <summary>A recurrent layer followed by another: the first returns sequences by default.</summary>
[RnnModel(InputSize = 3)]
[Lstm(6)]
[Gru(5, Bidirectional = true)]
[Dense(2)]
public partial class LstmIntoGru;

/// <summary>A per-step Dense and Dropout in front of the recurrence.</summary>
[RnnModel(InputSize = 3)]
[Dense(6, Activation = Activation.Tanh)]
[Dropout(0.25)]
[Lstm(4, ReturnSequences = true)]
public partial class DenseFrontLstm;

/// <summary>The README's example shape.</summary>
[RnnModel(InputSize = 28)]
[Lstm(128)]
[Dense(10)]
public partial class RowClassifier;

/// <summary>Every kind of matrix Step multiplies by, in one model: two Dense layers, a stacked GRU, an LSTM.</summary>
[RnnModel(InputSize = 5)]
[Dense(7, Activation = Activation.Tanh)]
[Gru(6, Layers = 2)]
[Lstm(9)]
[Dense(4)]
public partial class MixedLayers;

/// <summary>Tags every step of dense input (per-step class labels from feature sequences).</summary>
[RnnModel(InputSize = 2)]
[Gru(8, ReturnSequences = true)]
[Dense(3)]
public partial class FeatureTagger;
