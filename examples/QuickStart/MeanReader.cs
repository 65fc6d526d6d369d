using RnnGen;

namespace QuickStart;

/// <summary>LSTM(16) over one feature per step, then one linear output per sequence.</summary>
[RnnModel(InputSize = 1)]
[Lstm(16)]
[Dense(1)]
public partial class MeanReader;
