namespace RnnGen.Generator;

/// <summary>
/// Metadata names of the runtime's attributes. The generator finds them by name and never references the
/// runtime assembly; a test checks these against <c>typeof(...).FullName</c>.
/// </summary>
internal static class AttributeNames
{
    public const string RnnModel = "RnnGen.RnnModelAttribute";
    public const string SimpleRnn = "RnnGen.SimpleRnnAttribute";
    public const string Lstm = "RnnGen.LstmAttribute";
    public const string Gru = "RnnGen.GruAttribute";
    public const string Dense = "RnnGen.DenseAttribute";
    public const string Embedding = "RnnGen.EmbeddingAttribute";
    public const string Dropout = "RnnGen.DropoutAttribute";
    public const string EncoderDecoder = "RnnGen.EncoderDecoderAttribute";

    /// <summary>Every attribute that can make a class a model; the first one on a class triggers generation.</summary>
    public static readonly string[] All = [RnnModel, Embedding, SimpleRnn, Lstm, Gru, Dense, Dropout];
}
