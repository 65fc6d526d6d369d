using RnnGen;

namespace RnnGen.Models.Tests.Models;

// One model per libtorch fixture, declared exactly like the PyTorch module that wrote it: a recurrent module held
// as attribute `rnn` of size I=5, H=7, returning every step like torch.nn.RNN/LSTM/GRU.

[RnnModel(InputSize = 5)]
[SimpleRnn(7, ReturnSequences = true, Name = "rnn")]
public partial class RnnTanhUni;

[RnnModel(InputSize = 5)]
[SimpleRnn(7, Layers = 2, ReturnSequences = true, Name = "rnn")]
public partial class RnnTanhTwoLayers;

[RnnModel(InputSize = 5)]
[SimpleRnn(7, Bidirectional = true, ReturnSequences = true, Name = "rnn")]
public partial class RnnTanhBidirectional;

[RnnModel(InputSize = 5)]
[SimpleRnn(7, Activation = Activation.Relu, ReturnSequences = true, Name = "rnn")]
public partial class RnnReluUni;

[RnnModel(InputSize = 5)]
[Lstm(7, ReturnSequences = true, Name = "rnn")]
public partial class LstmUni;

[RnnModel(InputSize = 5)]
[Lstm(7, Layers = 2, ReturnSequences = true, Name = "rnn")]
public partial class LstmTwoLayers;

[RnnModel(InputSize = 5)]
[Lstm(7, Bidirectional = true, ReturnSequences = true, Name = "rnn")]
public partial class LstmBidirectional;

/// <summary>The same LSTM returning one vector per sequence: [h_n forward, h_n reverse].</summary>
[RnnModel(InputSize = 5)]
[Lstm(7, Bidirectional = true, Name = "rnn")]
public partial class LstmBidirectionalVector;

[RnnModel(InputSize = 5)]
[Gru(7, ReturnSequences = true, Name = "rnn")]
public partial class GruUni;

[RnnModel(InputSize = 5)]
[Gru(7, Layers = 2, ReturnSequences = true, Name = "rnn")]
public partial class GruTwoLayers;

[RnnModel(InputSize = 5)]
[Gru(7, Bidirectional = true, ReturnSequences = true, Name = "rnn")]
public partial class GruBidirectional;

/// <summary>torch.nn.Linear(7, 5) on a batch of 4 vectors: a one-step sequence here.</summary>
[RnnModel(InputSize = 7)]
[Dense(5, Name = "linear")]
public partial class LinearModel;

[Embedding(11, 5, Name = "embedding")]
public partial class EmbeddingModel;
