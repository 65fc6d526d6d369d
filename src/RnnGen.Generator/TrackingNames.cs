namespace RnnGen.Generator;

/// <summary>Names of the incremental steps, so tests can assert that each one is cached after an unrelated edit.</summary>
internal static class TrackingNames
{
    /// <summary>Attribute → parse result (spec + diagnostics), one per attribute kind that can start a model.</summary>
    public const string ParseModel = "ParseModel";

    /// <summary>Parse results that belong to a model (non-null).</summary>
    public const string Models = "Models";

    /// <summary>[EncoderDecoder] attribute → the declared pair.</summary>
    public const string ParsePair = "ParsePair";

    /// <summary>A declared pair checked against the models' specs.</summary>
    public const string Pairs = "Pairs";
}
