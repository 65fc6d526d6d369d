using RnnGen;

namespace Births;

/// <summary>
/// Reads 28 days, each the standardized births and the one-hot day of the week (8 features), through a GRU(32)
/// and predicts the next day's standardized births.
/// </summary>
[RnnModel(InputSize = DailyBirths.FeaturesPerDay)]
[Gru(32)]
[Dense(1)]
public partial class BirthsForecaster;
