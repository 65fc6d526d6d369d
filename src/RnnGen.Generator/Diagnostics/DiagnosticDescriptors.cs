using Microsoft.CodeAnalysis;

namespace RnnGen.Generator.Diagnostics;

/// <summary>Every diagnostic RnnGen reports. Each id has a page under docs/diagnostics with a wrong and a fixed example.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "RnnGen";
    // Relative to the repository root: the package ships no web site.
    private const string HelpRoot = "docs/diagnostics/";

    /// <summary>Largest model RnnGen generates: 2^28 parameters, 1 GiB of float32.</summary>
    public const long MaxParameterCount = 1L << 28;

    public static readonly DiagnosticDescriptor NotPartial = Error(
        "RNNG001",
        "Model type must be partial",
        "'{0}' must be declared 'partial' so RnnGen can add the generated members: write 'partial {1} {0}'");

    public static readonly DiagnosticDescriptor NoLayers = Error(
        "RNNG002",
        "Model has no layers",
        "Model '{0}' declares no layers: add at least one layer attribute after [RnnModel], e.g. [Lstm(128)]");

    public static readonly DiagnosticDescriptor SizeNotPositive = Error(
        "RNNG003",
        "Layer size must be positive",
        "[{0}]: {1} is {2}, but it must be at least 1");

    public static readonly DiagnosticDescriptor InputSizeMissing = Error(
        "RNNG004",
        "Input size missing",
        "Model '{0}' does not say how many features each time step has: write [RnnModel(InputSize = n)], or start with an [Embedding(vocabulary, dimension)] layer for token ids");

    public static readonly DiagnosticDescriptor EmbeddingNotFirst = Error(
        "RNNG005",
        "Embedding must be the first layer",
        "[Embedding] is layer {0}: an embedding reads token ids, so it must be the first layer; move it to the top");

    public static readonly DiagnosticDescriptor RecurrentNeedsSequence = Error(
        "RNNG006",
        "Recurrent layer needs a sequence",
        "[{0}] receives one vector per sequence because '{1}' sets ReturnSequences = false: remove that option (or set it to true) so the next recurrent layer gets every time step");

    public static readonly DiagnosticDescriptor DropoutRateOutOfRange = Error(
        "RNNG007",
        "Dropout rate out of range",
        "[Dropout({0})]: the rate must be at least 0 and below 1, e.g. [Dropout(0.2)]");

    public static readonly DiagnosticDescriptor DuplicateLayerName = Error(
        "RNNG008",
        "Duplicate layer name",
        "Layer name '{0}' is used twice: tensor names must be unique, so give one of the layers another Name");

    public static readonly DiagnosticDescriptor InvalidActivation = Error(
        "RNNG009",
        "Activation not supported here",
        "[{0}]: Activation {1} is not supported here; use {2}");

    public static readonly DiagnosticDescriptor GenericModel = Error(
        "RNNG010",
        "Model type cannot be generic",
        "'{0}' is generic (or nested in a generic type): a model has fixed sizes, so declare it as a non-generic class");

    public static readonly DiagnosticDescriptor ModelTooLarge = Error(
        "RNNG011",
        "Model too large",
        "{0} is too large: {1}; reduce the sizes");

    /// <summary>Largest hidden size, unit count, vocabulary, dimension or input size: 2^24.</summary>
    public const int MaxSize = 1 << 24;

    /// <summary>
    /// Most stacked layers in one recurrent attribute. With sizes ≤ 2^24 and ≤ 2^28 parameters this also keeps the
    /// streaming state (at most 2·64·H floats, H ≤ √(2^28 / 512)) far below the 1 MiB an inline array holds.
    /// </summary>
    public const int MaxStackedLayers = 64;

    public static readonly DiagnosticDescriptor InputSizeWithEmbedding = Error(
        "RNNG012",
        "InputSize conflicts with Embedding",
        "Model '{0}' starts with an [Embedding] layer, which reads token ids, so InputSize = {1} has no meaning: remove InputSize");

    public static readonly DiagnosticDescriptor InvalidLayerName = Error(
        "RNNG013",
        "Invalid layer name",
        "Layer name '{0}' is not a valid tensor-name prefix: use letters, digits, '_' and '.', starting with a letter or '_'");

    public static readonly DiagnosticDescriptor NotInstanceClass = Error(
        "RNNG014",
        "Model must be a plain class",
        "'{0}' is {1}: a model holds weights and buffers {2}, so declare it as 'partial class {0}'");

    public static readonly DiagnosticDescriptor ClashingLayerNames = Error(
        "RNNG015",
        "Layer names clash in generated code",
        "Layer names '{0}' and '{1}' give clashing generated member names ({2}…, {3}…): give one of them another Name, so that '{4}' no longer starts with '{5}' followed by a new word");

    public static readonly DiagnosticDescriptor ReservedTypeName = Error(
        "RNNG016",
        "Model name is a generated member's name",
        "A model cannot be named '{0}': RnnGen generates a member of that name inside it; rename the class");

    public static readonly DiagnosticDescriptor ConstructorMustChain = Error(
        "RNNG017",
        "Model constructor must call the generated one",
        "This constructor of '{0}' does not call the generated constructor, so the {1} would stay unallocated: add ': this(…)' with values for its parameters ({2}), your own parameters or constants");

    public static readonly DiagnosticDescriptor UnsupportedTypeShape = Error(
        "RNNG018",
        "Model type shape not supported",
        "'{0}' {1}: RnnGen generates the model's constructor, so declare a plain 'partial class {0}' without it");

    public static readonly DiagnosticDescriptor LayersInSeveralDeclarations = Error(
        "RNNG019",
        "Layers declared on several partial declarations",
        "The RnnGen attributes of '{0}' are split over several partial declarations, so the layer order would depend on the order of files: put them all on one declaration");

    public static readonly DiagnosticDescriptor NotAModel = Error(
        "RNNG020",
        "Encoder or decoder is not a model of this project",
        "[EncoderDecoder]: {0} '{1}' is not an RnnGen model declared in this project: pass a class that has RnnGen layer attributes, e.g. [Embedding(vocabulary, dimension)] [Lstm(128)]");

    public static readonly DiagnosticDescriptor StatesDoNotFit = Error(
        "RNNG021",
        "Encoder state does not fit decoder state",
        "[EncoderDecoder]: the final state of encoder '{0}' ({1}) does not fit the initial state of decoder '{2}' ({3}): {4}");

    public static readonly DiagnosticDescriptor DecoderCannotDecode = Error(
        "RNNG022",
        "Decoder cannot generate sequences",
        "[EncoderDecoder]: decoder '{0}' {1}: {2}");

    public static readonly DiagnosticDescriptor PairWithLayers = Error(
        "RNNG023",
        "Encoder–decoder class also declares layers",
        "'{0}' has [EncoderDecoder] and layer attributes: a class is either one model or a pair of models, so move the layers to a model class of their own");

    public static readonly DiagnosticDescriptor PairCannotUseModel = Error(
        "RNNG024",
        "Pair cannot create or expose its model",
        "[EncoderDecoder]: {0} '{1}' {2}: {3}");

    public static readonly DiagnosticDescriptor MemberNameClash = Error(
        "RNNG025",
        "Member name is a generated member's name",
        "'{0}' declares {1} '{2}', but RnnGen generates {3} of that name in it: give yours another name");

    public static readonly DiagnosticDescriptor InternalError = Error(
        "RNNG900",
        "RnnGen internal error",
        "RnnGen could not generate '{0}' ({1}); please report this with the declaration");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpRoot + id + ".md");
}
