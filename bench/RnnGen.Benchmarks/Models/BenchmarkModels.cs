namespace RnnGen.Benchmarks.Models;

// The networks the benchmark compiles, one per configuration of issue 4. The recurrent-only models output the
// final hidden state, which is what torch's LSTMCell/GRUCell (one step) and LSTM/GRU (a sequence) return too.

/// <summary>LSTM 28 → 32, streamed one step at a time.</summary>
[RnnModel(InputSize = 28)]
[Lstm(32)]
public partial class Lstm32;

/// <summary>LSTM 28 → 128, streamed one step at a time or run over a whole sequence.</summary>
[RnnModel(InputSize = 28)]
[Lstm(128)]
public partial class Lstm128;

/// <summary>GRU 28 → 128, streamed one step at a time or run over a whole sequence.</summary>
[RnnModel(InputSize = 28)]
[Gru(128)]
public partial class Gru128;

/// <summary>The training configuration: LSTM 28 → 128, then 10 class logits from the last hidden state.</summary>
[RnnModel(InputSize = 28)]
[Lstm(128)]
[Dense(10)]
public partial class LstmClassifier;

/// <summary>The training configuration with a GRU: GRU 28 → 128, then 10 class logits from the last hidden state.</summary>
[RnnModel(InputSize = 28)]
[Gru(128)]
[Dense(10)]
public partial class GruClassifier;
