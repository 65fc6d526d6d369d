using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Names;

namespace RnnGen.Generator.Emit;

/// <summary>Writes the streaming API: a fixed-size <c>State</c> struct and <c>Step</c>, one time step of one sequence.</summary>
internal static class StepEmitter
{
    /// <summary>Scratch for one step, sized by the widest layer.</summary>
    public static IEnumerable<(string Field, string Rows, int Width)> Buffers(ModelSpec model)
    {
        var recurrent = model.Layers.Where(l => l.Kind == LayerKind.Recurrent).ToList();
        if (recurrent.Count > 0)
        {
            yield return ("_stepGates", "1", recurrent.Max(l => l.Gates * l.Units));
        }

        var gru = recurrent.Where(l => l.Cell == CellKind.Gru).ToList();
        if (gru.Count > 0)
        {
            yield return ("_stepRecurrentScratch", "1", gru.Max(l => l.Gates * l.Units));
            yield return ("_stepRecurrentN", "1", gru.Max(l => l.Units));
        }

        foreach (var dense in model.Layers.Where(l => l.Kind == LayerKind.Dense))
        {
            yield return (Field(dense, "Step"), "1", dense.Units);
        }
    }

    public static void Write(SourceWriter w, ModelSpec model, List<TensorSlot> slots)
    {
        bool hasState = model.StateSize > 0;
        if (hasState)
        {
            w.Lines(
                "/// <summary>",
                "/// The recurrent state of one sequence for <c>Step</c>: <see cref=\"StateSize\"/> floats laid out like one row of",
                "/// Forward's state (h per layer, then c for an LSTM). <c>default</c> is the zero state that starts a sequence.",
                "/// </summary>",
                "[global::System.Runtime.CompilerServices.InlineArray(StateSize)]");
            using (w.Block("public struct State"))
            {
                w.Line("private float _element0;");
            }

            w.Line();
        }

        string input = model.TokenInput ? "int token" : ReadOnlySpan + " input";
        string parameters = input + (hasState ? ", ref State state" : string.Empty) + ", " + Span + " output";
        string arguments = (model.TokenInput ? "token" : "input") + (hasState ? ", ref state" : string.Empty) + ", output";
        w.Lines(
            "/// <summary>",
            "/// Advances one sequence by one time step" + (hasState ? ", updating <paramref name=\"state\"/> in place," : string.Empty) + " and writes [OutputSize] into",
            "/// <paramref name=\"output\"/>: what the model outputs if the sequence ended here. Dropout is off. Allocates nothing;",
            "/// one model instance must not run Step on two threads at once.",
            "/// </summary>");
        w.Line("public void Step(" + parameters + ") => Step(" + arguments + ", null);");
        w.Line();
        WriteCreateStepWeights(w, model);
        w.Lines(
            "/// <summary>",
            "/// Step with the weights of <paramref name=\"weights\"/>, a copy made by <see cref=\"CreateStepWeights\"/> whose matrices are packed",
            "/// for this kernel (and in bfloat16 if made so), or with <see cref=\"Parameters\"/> as they are now if it is null; with a copy,",
            "/// nothing is read from this instance's Parameters. Allocates nothing; one model instance must not run Step on two threads",
            "/// at once (one copy may serve many instances).",
            "/// </summary>");
        using (w.Block("public void Step(" + parameters + ", global::RnnGen.StepWeights? weights)"))
        {
            if (model.TokenInput)
            {
                w.Line("if ((uint)token >= VocabularySize)");
                w.Line("{");
                w.Line("    throw new global::System.ArgumentOutOfRangeException(nameof(token), token, $\"Token ids must be in [0, {VocabularySize}).\");");
                w.Line("}");
                w.Line();
            }
            else
            {
                w.Line(Sequences + ".ValidateLength(input.Length, InputSize, nameof(input));");
            }

            w.Line(Sequences + ".ValidateLength(output.Length, OutputSize, nameof(output));");
            w.Line(ReadOnlySpan + " parameters = Parameters.Values;");
            w.Line("weights?.CheckModel(typeof(" + model.TypeName + "), nameof(weights));");
            if (hasState)
            {
                w.Line(Span + " s = state;");
            }

            w.Line("scoped " + ReadOnlySpan + " x = " + (model.TokenInput ? "default" : "input") + ";");
            int matrix = 0, unpacked = 0, lstm = 0;
            foreach (var layer in model.Layers)
            {
                w.Line();
                w.Line("// " + layer.Name);
                switch (layer.Kind)
                {
                    case LayerKind.Embedding:
                        string table = "parameters.Slice(" + layer.Identifier + "Weight, " + Invariant(layer.Vocabulary * layer.Units) + ")";
                        w.Line("x = (weights is null ? " + table + " : " + CopiedSpan(ref unpacked) + ").Slice(token * " + Invariant(layer.Units) + ", " + Invariant(layer.Units) + ");");
                        break;
                    case LayerKind.Dropout:
                        w.Line("// identity at inference");
                        break;
                    case LayerKind.Dense:
                        WriteDense(w, layer, ref matrix, ref unpacked);
                        break;
                    default:
                        WriteRecurrent(w, layer, ref matrix, ref unpacked, ref lstm);
                        break;
                }
            }

            w.Line();
            w.Line("x.CopyTo(output);");
        }

        w.Line();
    }

    /// <summary>
    /// The weight matrices Step multiplies by apart from an LSTM's, in the order it asks <c>StepWeights</c> for them: each
    /// Dense's weight, and each other recurrent sublayer's W_ih then W_hh (offset constant, rows, columns).
    /// </summary>
    private static IEnumerable<(string Offset, int Rows, int Columns)> Matrices(ModelSpec model)
    {
        foreach (var layer in model.Layers)
        {
            if (layer.Kind == LayerKind.Dense)
            {
                yield return (layer.Identifier + "Weight", layer.Units, layer.InputWidth);
            }
            else if (layer.Kind == LayerKind.Recurrent && layer.Cell != CellKind.Lstm)
            {
                for (int k = 0; k < layer.Stack; k++)
                {
                    yield return (layer.Identifier + "WeightIhL" + Invariant(k), layer.Gates * layer.Units, layer.SublayerInputWidth(k));
                    yield return (layer.Identifier + "WeightHhL" + Invariant(k), layer.Gates * layer.Units, layer.Units);
                }
            }
        }
    }

    /// <summary>
    /// The other spans Step reads, as they are, in the order it asks <c>StepWeights</c> for them: each Embedding's table,
    /// each Dense's bias, and each recurrent sublayer's b_ih then b_hh, except an LSTM's (offset constant, length).
    /// </summary>
    private static IEnumerable<(string Offset, int Length)> UnpackedSpans(ModelSpec model)
    {
        foreach (var layer in model.Layers)
        {
            switch (layer.Kind)
            {
                case LayerKind.Embedding:
                    yield return (layer.Identifier + "Weight", layer.Vocabulary * layer.Units);
                    break;
                case LayerKind.Dense:
                    yield return (layer.Identifier + "Bias", layer.Units);
                    break;
                case LayerKind.Recurrent when layer.Cell != CellKind.Lstm:
                    for (int k = 0; k < layer.Stack; k++)
                    {
                        yield return (layer.Identifier + "BiasIhL" + Invariant(k), layer.Gates * layer.Units);
                        yield return (layer.Identifier + "BiasHhL" + Invariant(k), layer.Gates * layer.Units);
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Each LSTM sublayer, in the order Step asks <c>StepWeights</c> for them: the offset constants of W_ih, b_ih, W_hh
    /// and b_hh, its input width and its units.
    /// </summary>
    private static IEnumerable<(string InputWeight, string InputBias, string RecurrentWeight, string RecurrentBias, int Inputs, int Units)> LstmLayers(ModelSpec model)
    {
        foreach (var layer in model.Layers.Where(l => l.Kind == LayerKind.Recurrent && l.Cell == CellKind.Lstm))
        {
            for (int k = 0; k < layer.Stack; k++)
            {
                string suffix = "L" + Invariant(k);
                yield return (
                    layer.Identifier + "WeightIh" + suffix, layer.Identifier + "BiasIh" + suffix,
                    layer.Identifier + "WeightHh" + suffix, layer.Identifier + "BiasHh" + suffix,
                    layer.SublayerInputWidth(k), layer.Units);
            }
        }
    }

    private static void WriteCreateStepWeights(SourceWriter w, ModelSpec model)
    {
        w.Lines(
            "/// <summary>",
            "/// A copy of <see cref=\"Parameters\"/> for Step, its weight matrices packed in the order Step's kernel streams them and held",
            "/// in <paramref name=\"precision\"/>, its biases" + (model.TokenInput ? " and embeddings" : string.Empty) + " copied as they are: pass it to Step to read them from there.",
            "/// Later changes to the parameters do not reach the copy; create it again after training or loading weights.",
            "/// </summary>");
        string matrices = string.Join(", ", Matrices(model).Select(m => "(" + m.Offset + ", " + Invariant(m.Rows) + ", " + Invariant(m.Columns) + ")"));
        string unpacked = string.Join(", ", UnpackedSpans(model).Select(u => "(" + u.Offset + ", " + Invariant(u.Length) + ")"));
        string lstmLayers = string.Join(", ", LstmLayers(model).Select(l =>
            "(" + l.InputWeight + ", " + l.InputBias + ", " + l.RecurrentWeight + ", " + l.RecurrentBias + ", " + Invariant(l.Inputs) + ", " + Invariant(l.Units) + ")"));
        w.Line("public global::RnnGen.StepWeights CreateStepWeights(global::RnnGen.StepPrecision precision) =>");
        w.Line("    global::RnnGen.StepWeights.Create(");
        w.Line("        typeof(" + model.TypeName + "), Parameters.Values, precision,");
        w.Line("        [" + matrices + "],");
        w.Line("        [" + unpacked + "],");
        w.Line("        [" + lstmLayers + "]);");
        w.Line();
    }

    // The statements through the parameters in place, or through the packed copies of the weights.
    private static void WriteEitherWeights(SourceWriter w, string[] inPlace, string[] packed)
    {
        w.Line("if (weights is null)");
        w.Line("{");
        foreach (string statement in inPlace)
        {
            w.Line("    " + statement);
        }

        w.Line("}");
        w.Line("else");
        w.Line("{");
        foreach (string statement in packed)
        {
            w.Line("    " + statement);
        }

        w.Line("}");
    }

    private static string Affine(string arguments) => StepKernels + ".Affine(" + arguments + ");";

    // The copy's next packed matrix and next unpacked span, in the order CreateStepWeights lists them.
    private static string PackedMatrix(ref int matrix) => "weights.Matrix(" + Invariant(matrix++) + ")";

    private static string CopiedSpan(ref int unpacked) => "weights.Unpacked(" + Invariant(unpacked++) + ")";

    private static void WriteDense(SourceWriter w, LayerSpec layer, ref int matrix, ref int unpacked)
    {
        using (w.Block(string.Empty))
        {
            w.Line("const int InputWidth = " + Invariant(layer.InputWidth) + ";");
            w.Line("const int Units = " + Invariant(layer.Units) + ";");
            w.Line(Span + " y = " + Field(layer, "Step") + ";");
            WriteEitherWeights(
                w,
                [Affine("parameters.Slice(" + layer.Identifier + "Weight, Units * InputWidth), x, parameters.Slice(" + layer.Identifier + "Bias, Units), y")],
                [Affine(PackedMatrix(ref matrix) + ", x, " + CopiedSpan(ref unpacked) + ", y")]);
            FeedForwardEmitter.WriteActivation(w, layer, "y", "1");
            w.Line("x = y;");
        }
    }

    private static void WriteRecurrent(SourceWriter w, LayerSpec layer, ref int matrix, ref int unpacked, ref int lstm)
    {
        int h = layer.Units;
        int gateWidth = layer.Gates * h;
        for (int k = 0; k < layer.Stack; k++)
        {
            string suffix = "L" + Invariant(k);
            int inputWidth = layer.SublayerInputWidth(k);
            w.Line("// layer " + Invariant(k) + ": gates = W_ih·x + b_ih" + (layer.Cell == CellKind.Gru ? ", recurrent = W_hh·h + b_hh" : " + W_hh·h + b_hh"));
            using (w.Block(string.Empty))
            {
                w.Line(Span + " gates = View(_stepGates, 0, " + Invariant(gateWidth) + ");");
                w.Line(Span + " h = s.Slice(" + Invariant(layer.StateOffset + (k * h)) + ", " + Invariant(h) + ");");
                string weightIh = "parameters.Slice(" + layer.Identifier + "WeightIh" + suffix + ", " + Invariant(gateWidth * inputWidth) + ")";
                string biasIh = "parameters.Slice(" + layer.Identifier + "BiasIh" + suffix + ", " + Invariant(gateWidth) + ")";
                string weightHh = "parameters.Slice(" + layer.Identifier + "WeightHh" + suffix + ", " + Invariant(gateWidth * h) + ")";
                string biasHh = "parameters.Slice(" + layer.Identifier + "BiasHh" + suffix + ", " + Invariant(gateWidth) + ")";
                switch (layer.Cell)
                {
                    case CellKind.Gru:
                        // The cell needs W_hn·h + b_hn apart from the input's share, so the two maps stay apart.
                        w.Line(Span + " recurrent = View(_stepRecurrentScratch, 0, " + Invariant(gateWidth) + ");");
                        WriteEitherWeights(
                            w,
                            [Affine(weightIh + ", x, " + biasIh + ", gates"), Affine(weightHh + ", h, " + biasHh + ", recurrent")],
                            [Affine(PackedMatrix(ref matrix) + ", x, " + CopiedSpan(ref unpacked) + ", gates"), Affine(PackedMatrix(ref matrix) + ", h, " + CopiedSpan(ref unpacked) + ", recurrent")]);
                        w.Line(layer.Identifier + "CellForward(gates, recurrent, h, View(_stepRecurrentN, 0, " + Invariant(h) + "));");
                        break;
                    case CellKind.Lstm:
                        // The copy's LSTM layers go through the fused step (StepKernels.LstmStep).
                        w.Line(Span + " c = s.Slice(" + Invariant(layer.StateOffset + ((layer.Stack + k) * h)) + ", " + Invariant(h) + ");");
                        WriteEitherWeights(
                            w,
                            [Affine(weightIh + ", x, " + biasIh + ", " + weightHh + ", h, " + biasHh + ", gates"), layer.Identifier + "CellForward(gates, c, h, default);"],
                            [StepKernels + ".LstmStep(weights.Lstm(" + Invariant(lstm++) + "), x, h, c, gates);"]);
                        break;
                    default:
                        WriteEitherWeights(
                            w,
                            [Affine(weightIh + ", x, " + biasIh + ", " + weightHh + ", h, " + biasHh + ", gates")],
                            [Affine(PackedMatrix(ref matrix) + ", x, " + CopiedSpan(ref unpacked) + ", " + PackedMatrix(ref matrix) + ", h, " + CopiedSpan(ref unpacked) + ", gates")]);
                        w.Line(layer.Identifier + "CellForward(gates, h);");
                        break;
                }

                w.Line("x = h;");
            }
        }
    }
}
