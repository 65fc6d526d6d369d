using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>
/// Two LSTM layers of 32 units: units that fill whole panels of Step's fused cell at every vector width (a panel holds
/// 8, 16 or 32 units with 4-, 8- or 16-float vectors), and a second layer that reads the first's new h.
/// </summary>
[RnnModel(InputSize = 3)]
[Lstm(32, Layers = 2)]
[Dense(2)]
public partial class StackedLstm;

/// <summary>No recurrent layer: Step has no state, and each step's output stands alone.</summary>
[RnnModel(InputSize = 3)]
[Dense(4, Activation = Activation.Tanh)]
[Dense(2)]
public partial class DenseStepper;
