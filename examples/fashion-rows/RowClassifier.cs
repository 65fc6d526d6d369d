using RnnGen;

namespace FashionRows;

/// <summary>Reads a 28 × 28 image one pixel row per step with an LSTM(128), then scores the 10 classes from its last state.</summary>
[RnnModel(InputSize = 28)]
[Lstm(128)]
[Dense(10)]
public partial class RowClassifier;
