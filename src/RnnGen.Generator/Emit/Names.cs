using System.Globalization;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>Names of generated members, in one place so every emitter refers to the same field.</summary>
internal static class Names
{
    public const string Span = "global::System.Span<float>";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
    public const string Kernels = "global::RnnGen.Kernels.MatrixKernels";
    public const string StepKernels = "global::RnnGen.Kernels.StepKernels";
    public const string Sequences = "global::RnnGen.Kernels.SequenceKernels";
    public const string RowSplit = "global::RnnGen.Kernels.BatchRows";

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A float literal that round-trips, e.g. <c>0.2f</c>.</summary>
    public static string Float(double value)
    {
        string text = ((float)value).ToString("R", CultureInfo.InvariantCulture);
        return text + (text.Contains(".") || text.Contains("E") ? "f" : ".0f");
    }

    /// <summary>An offset in a batch-major state block: <c>0</c> or <c>n * batch</c>.</summary>
    public static string TimesBatch(int n) => n == 0 ? "0" : Invariant(n) + " * batch";

    public static string Direction(int d) => d == 1 ? "Reverse" : string.Empty;

    /// <summary>PyTorch suffix of a stacked layer and direction, e.g. <c>_l1_reverse</c>.</summary>
    public static string TensorSuffix(int k, int d) => "_l" + Invariant(k) + (d == 1 ? "_reverse" : string.Empty);

    public static string Field(LayerSpec layer, string what) => FieldPrefix(layer.Identifier) + what;

    /// <summary>How the private fields of the layer with this identifier start: <c>_lstm</c> for <c>Lstm</c>.</summary>
    public static string FieldPrefix(string identifier) => "_" + char.ToLowerInvariant(identifier[0]) + identifier.Substring(1);

    /// <summary>The buffer that holds a layer's output: a sequence [T·B, width] or one vector per sequence [B, width].</summary>
    public static string Output(LayerSpec layer) =>
        layer.Kind == LayerKind.Recurrent
            ? (layer.OutputIsSequence ? Field(layer, "Output" + Invariant(layer.Stack - 1)) : Field(layer, "Vector"))
            : Field(layer, "Output");

    public static string OutputGradient(LayerSpec layer) => Field(layer, "OutputGradient");

    /// <summary>Rows of a layer's output for the current batch.</summary>
    public static string Rows(bool sequence) => sequence ? "rows" : "batch";

    public static string ActivationName(ActivationKind activation) => activation switch
    {
        ActivationKind.Tanh => "tanh",
        ActivationKind.Sigmoid => "sigmoid",
        ActivationKind.Relu => "relu",
        ActivationKind.Softmax => "softmax",
        _ => "none",
    };

    public static string CellTitle(CellKind cell) => cell switch
    {
        CellKind.Lstm => "LSTM",
        CellKind.Gru => "GRU",
        _ => "SimpleRNN",
    };
}
