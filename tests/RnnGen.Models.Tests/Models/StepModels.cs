using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>
/// Two LSTM layers of 32 units: units that fill whole panels of Step's fused cell at every vector width (16 with 4- or
/// 8-float vectors, 32 with 16-float ones), and a second layer that reads the first's new h.
/// </summary>
[RnnModel(InputSize = 3)]
[Lstm(32, Layers = 2)]
[Dense(2)]
public partial class StackedLstm;
