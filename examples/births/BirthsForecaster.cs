using RnnGen;

namespace Births;

/// <summary>
/// Reads 56 days (8 weeks), each the standardized births and the one-hot day of the week (8 features), through a GRU(32)
/// and predicts the standardized births one week after the last day read.
/// </summary>
[RnnModel(InputSize = DailyBirths.FeaturesPerDay)]
[Gru(32)]
[Dense(1)]
public partial class BirthsForecaster;
