using System.Collections.Generic;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Names;

namespace RnnGen.Generator.Emit;

/// <summary>Writes the layers without time recurrence: Dense, Dropout and Embedding, forward and backward.</summary>
internal static class FeedForwardEmitter
{
    public static void Write(SourceWriter w, LayerSpec layer, List<TensorSlot> slots)
    {
        switch (layer.Kind)
        {
            case LayerKind.Dense:
                WriteDense(w, layer);
                break;
            case LayerKind.Dropout:
                WriteDropout(w, layer);
                break;
            case LayerKind.Embedding:
                WriteEmbedding(w, layer);
                break;
        }
    }

    private static string RowCount(LayerSpec layer) => layer.OutputIsSequence ? "steps * batch" : "batch";

    private static void WriteDense(SourceWriter w, LayerSpec layer)
    {
        string where = layer.OutputIsSequence ? "every time step" : "one vector per sequence";
        w.Line("// " + layer.Name + ": y = " + (layer.Activation == ActivationKind.None ? "x·Wᵀ + b" : ActivationName(layer.Activation) + "(x·Wᵀ + b)") + ", on " + where + ".");
        using (w.Block("private void Forward" + layer.Identifier + "(" + ReadOnlySpan + " input, int steps, int batch)"))
        {
            w.Line("const int InputWidth = " + Invariant(layer.InputWidth) + ";");
            w.Line("const int Units = " + Invariant(layer.Units) + ";");
            w.Line("int rows = " + RowCount(layer) + ";");
            w.Line(ReadOnlySpan + " parameters = Parameters.Values;");
            w.Line(Span + " output = " + "View(" + Output(layer) + ", 0, rows * Units);");
            w.Line(Kernels + ".AffineRows(input, InputWidth, parameters.Slice(" + layer.Identifier + "Weight, Units * InputWidth), parameters.Slice(" + layer.Identifier + "Bias, Units), output, Units, rows, InputWidth, Units);");
            WriteActivation(w, layer, "output", "rows");
            if (layer.OutputIsSequence)
            {
                w.Line(Sequences + ".ZeroPadding(output, Units, steps, View(_lengths, 0, batch));");
            }
        }

        w.Line();
        w.Line("// " + layer.Name + " backward: through the activation in place, then dW += dyᵀ·x, db += Σ dy, dx = dy·W.");
        using (w.Block("private void Backward" + layer.Identifier + "(" + Span + " outputGradient, " + ReadOnlySpan + " input, " + Span + " inputGradient, int rows)"))
        {
            w.Line("const int InputWidth = " + Invariant(layer.InputWidth) + ";");
            w.Line("const int Units = " + Invariant(layer.Units) + ";");
            w.Line(ReadOnlySpan + " parameters = Parameters.Values;");
            w.Line(Span + " gradients = Parameters.Gradients;");
            if (layer.Activation != ActivationKind.None)
            {
                w.Line(ReadOnlySpan + " output = " + "View(" + Output(layer) + ", 0, rows * Units);");
                if (layer.Activation == ActivationKind.Softmax)
                {
                    using (w.Block("for (int r = 0; r < rows; r++)"))
                    {
                        w.Line("global::RnnGen.Kernels.Softmax.Backward(output.Slice(r * Units, Units), outputGradient.Slice(r * Units, Units));");
                    }
                }
                else
                {
                    using (w.Block("for (int i = 0; i < outputGradient.Length; i++)"))
                    {
                        w.Line("outputGradient[i] *= " + CellEmitter.DerivativeFromOutput(layer.Activation, "output[i]") + ";");
                    }
                }
            }

            w.Line("// dW += dyᵀ·x, and db += the column sums of dy on the way");
            w.Line(Kernels + ".AccumulateTransposedProduct(outputGradient, Units, input, InputWidth, gradients.Slice(" + layer.Identifier + "Weight, Units * InputWidth), rows, Units, InputWidth, gradients.Slice(" + layer.Identifier + "Bias, Units));");
            using (w.Block("if (!inputGradient.IsEmpty)"))
            {
                w.Line("inputGradient.Clear();");
                w.Line(Kernels + ".MultiplyAdd(outputGradient, Units, parameters.Slice(" + layer.Identifier + "Weight, Units * InputWidth), inputGradient, InputWidth, rows, Units, InputWidth);");
            }
        }

        w.Line();
    }

    /// <summary>Applies the layer's activation in place to <paramref name="target"/>, <paramref name="rows"/> rows of Units.</summary>
    public static void WriteActivation(SourceWriter w, LayerSpec layer, string target, string rows)
    {
        switch (layer.Activation)
        {
            case ActivationKind.None:
                return;
            case ActivationKind.Softmax:
                if (rows == "1")
                {
                    w.Line("global::RnnGen.Kernels.Softmax.Forward(" + target + ");");
                    return;
                }

                using (w.Block("for (int r = 0; r < " + rows + "; r++)"))
                {
                    w.Line("global::RnnGen.Kernels.Softmax.Forward(" + target + ".Slice(r * Units, Units));");
                }

                return;
            default:
                w.Line("global::RnnGen.Kernels.CellKernels.Activate(" + target + ", global::RnnGen.Activation." + CellEmitter.FunctionName(layer.Activation) + ");");
                return;
        }
    }

    private static void WriteDropout(SourceWriter w, LayerSpec layer)
    {
        string training = Field(layer, "Training");
        w.Line("// " + layer.Name + ": in training each feature is kept with probability 1 − p and scaled by 1 / (1 − p); otherwise a copy.");
        using (w.Block("private void Forward" + layer.Identifier + "(" + ReadOnlySpan + " input, int rows, bool training)"))
        {
            w.Line("const int Width = " + Invariant(layer.OutputWidth) + ";");
            w.Line("const float Rate = " + Float(layer.Rate) + ";");
            w.Line(Span + " output = " + "View(" + Output(layer) + ", 0, rows * Width);");
            w.Line(training + " = training && Rate > 0f;");
            using (w.Block("if (!" + training + ")"))
            {
                w.Line("input.CopyTo(output);");
                w.Line("return;");
            }

            w.Line();
            w.Line(Span + " mask = " + "View(" + Field(layer, "Mask") + ", 0, rows * Width);");
            w.Line("float scale = 1f / (1f - Rate);");
            using (w.Block("for (int i = 0; i < output.Length; i++)"))
            {
                w.Line("mask[i] = _dropoutRandom.NextSingle() < Rate ? 0f : scale;");
                w.Line("output[i] = input[i] * mask[i];");
            }
        }

        w.Line();
        w.Line("// " + layer.Name + " backward: the same mask scales the gradient; without training it passes through.");
        using (w.Block("private void Backward" + layer.Identifier + "(" + ReadOnlySpan + " outputGradient, " + Span + " inputGradient, int rows)"))
        {
            w.Line("const int Width = " + Invariant(layer.OutputWidth) + ";");
            using (w.Block("if (inputGradient.IsEmpty)"))
            {
                w.Line("return;");
            }

            w.Line();
            using (w.Block("if (!" + training + ")"))
            {
                w.Line("outputGradient.CopyTo(inputGradient);");
                w.Line("return;");
            }

            w.Line();
            w.Line(ReadOnlySpan + " mask = " + "View(" + Field(layer, "Mask") + ", 0, rows * Width);");
            using (w.Block("for (int i = 0; i < inputGradient.Length; i++)"))
            {
                w.Line("inputGradient[i] = outputGradient[i] * mask[i];");
            }
        }

        w.Line();
    }

    private static void WriteEmbedding(SourceWriter w, LayerSpec layer)
    {
        w.Line("// " + layer.Name + ": each token id selects a row of the [" + Invariant(layer.Vocabulary) + ", " + Invariant(layer.Units) + "] table; padded steps give zeros.");
        using (w.Block("private void Forward" + layer.Identifier + "(global::System.ReadOnlySpan<int> tokens, int steps, int batch)"))
        {
            w.Line("const int Dimension = " + Invariant(layer.Units) + ";");
            w.Line(ReadOnlySpan + " table = Parameters.Values.Slice(" + layer.Identifier + "Weight, " + Invariant(layer.Vocabulary) + " * Dimension);");
            w.Line(Span + " output = " + "View(" + Output(layer) + ", 0, steps * batch * Dimension);");
            using (w.Block("for (int t = 0; t < steps; t++)"))
            {
                using (w.Block("for (int b = 0; b < batch; b++)"))
                {
                    w.Line("int row = (t * batch) + b;");
                    w.Line(Span + " vector = output.Slice(row * Dimension, Dimension);");
                    using (w.Block("if (t < _lengths[b])"))
                    {
                        w.Line("table.Slice(tokens[row] * Dimension, Dimension).CopyTo(vector);");
                    }

                    using (w.Block("else"))
                    {
                        w.Line("vector.Clear();");
                    }
                }
            }
        }

        w.Line();
        w.Line("// " + layer.Name + " backward: each used row of the table accumulates the gradient of every step that selected it.");
        using (w.Block("private void Backward" + layer.Identifier + "(" + ReadOnlySpan + " outputGradient, global::System.ReadOnlySpan<int> tokens, int steps, int batch)"))
        {
            w.Line("const int Dimension = " + Invariant(layer.Units) + ";");
            w.Line(Span + " dTable = Parameters.Gradients.Slice(" + layer.Identifier + "Weight, " + Invariant(layer.Vocabulary) + " * Dimension);");
            using (w.Block("for (int t = 0; t < steps; t++)"))
            {
                using (w.Block("for (int b = 0; b < batch; b++)"))
                {
                    w.Line("int row = (t * batch) + b;");
                    using (w.Block("if (t < _lengths[b])"))
                    {
                        w.Line(Kernels + ".Axpy(1f, outputGradient.Slice(row * Dimension, Dimension), dTable.Slice(tokens[row] * Dimension, Dimension));");
                    }
                }
            }
        }

        w.Line();
    }
}
