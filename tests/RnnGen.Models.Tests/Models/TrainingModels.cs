using RnnGen;

namespace RnnGen.Models.Tests.Models;

/// <summary>Token sequences → one of 3 classes.</summary>
[Embedding(8, 6)]
[Gru(12)]
[Dense(3)]
public partial class TokenClassifier;

/// <summary>Feature sequences → one logit (binary target), with dropout.</summary>
[RnnModel(InputSize = 2)]
[Lstm(10)]
[Dropout(0.2)]
[Dense(1)]
public partial class FeatureDetector;

/// <summary>Tags every token (per-step labels).</summary>
[Embedding(6, 5)]
[SimpleRnn(8, ReturnSequences = true)]
[Dense(6)]
public partial class TokenTagger;
