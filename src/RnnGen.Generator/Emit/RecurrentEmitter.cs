using System.Collections.Generic;
using System.Linq;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Names;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Writes a recurrent layer: the cell's point-wise forward and backward (once per layer), then forward and
/// backward (BPTT) methods for every stacked layer and direction, specialised to their sizes.
/// </summary>
internal static class RecurrentEmitter
{
    public static void Write(SourceWriter w, LayerSpec layer, List<TensorSlot> slots)
    {
        WriteLayerForward(w, layer);
        WriteLayerBackward(w, layer);
        CellEmitter.WriteForward(w, layer);
        CellEmitter.WriteBackward(w, layer);
        for (int k = 0; k < layer.Stack; k++)
        {
            for (int d = 0; d < layer.Directions; d++)
            {
                WriteSublayerForward(w, layer, k, d, slots);
                WriteSublayerBackward(w, layer, k, d);
            }
        }
    }

    private static string Suffix(int k, int d) => "L" + Invariant(k) + Direction(d);

    /// <summary>Offset (per sequence) of h for layer k, direction d inside this layer's state; c follows all h.</summary>
    private static int HiddenOffset(LayerSpec layer, int k, int d) => ((k * layer.Directions) + d) * layer.Units;

    private static int CellOffset(LayerSpec layer, int k, int d) => ((layer.Stack + k) * layer.Directions + d) * layer.Units;

    /// <summary>Where direction d's features of sequence b start in a [batch, directions·H] vector output.</summary>
    private static string Column(LayerSpec layer, int d) =>
        d == 0 ? "b * " + Invariant(layer.OutputWidth) : "(b * " + Invariant(layer.OutputWidth) + ") + " + Invariant(d * layer.Units);

    private static string SublayerOutput(LayerSpec layer, int k) => "View(" + Field(layer, "Output" + Invariant(k)) + ", 0, rows * " + Invariant(layer.OutputWidth) + ")";

    private static void WriteLayerForward(SourceWriter w, LayerSpec layer)
    {
        w.Line("// " + layer.Name + ": every stacked layer and direction in turn; layer k reads layer k − 1's [forward, reverse] output.");
        using (w.Block("private void Forward" + layer.Identifier + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " initialState, int steps, int batch)"))
        {
            if (layer.Stack > 1)
            {
                w.Line("int rows = steps * batch;");
            }

            for (int k = 0; k < layer.Stack; k++)
            {
                string input = k == 0 ? "input" : SublayerOutput(layer, k - 1);
                for (int d = 0; d < layer.Directions; d++)
                {
                    w.Line("Forward" + layer.Identifier + Suffix(k, d) + "(" + input + ", initialState, steps, batch);");
                }
            }

            if (!layer.OutputIsSequence)
            {
                int top = layer.Stack - 1;
                w.Line();
                w.Line("// one vector per sequence: the top layer's final h, [forward, reverse]");
                w.Line("global::System.ReadOnlySpan<float> finalState = " + Field(layer, "FinalState") + ";");
                using (w.Block("for (int b = 0; b < batch; b++)"))
                {
                    for (int d = 0; d < layer.Directions; d++)
                    {
                        int offset = HiddenOffset(layer, top, d);
                        string row = (offset == 0 ? string.Empty : "(" + TimesBatch(offset) + ") + ") + "(b * " + Invariant(layer.Units) + ")";
                        w.Line("finalState.Slice(" + row + ", " + Invariant(layer.Units) + ")"
                            + ".CopyTo(" + "View(" + Field(layer, "Vector") + ", " + Column(layer, d) + ", " + Invariant(layer.Units) + "));");
                    }
                }
            }
        }

        w.Line();
    }

    private static void WriteLayerBackward(SourceWriter w, LayerSpec layer)
    {
        bool lstm = layer.Cell == CellKind.Lstm;
        int h = layer.Units;
        w.Line("// " + layer.Name + " backward: top layer first; each direction adds its part of the gradient of the layer below.");
        using (w.Block("private void Backward" + layer.Identifier + "(" + ReadOnlySpan + " outputGradient, " + ReadOnlySpan + " input, " + Span + " inputGradient, "
            + ReadOnlySpan + " finalStateGradient, " + Span + " initialStateGradient, int steps, int batch)"))
        {
            if (layer.Stack > 1)
            {
                w.Line("int rows = steps * batch;");
            }

            w.Line(Span + " dH = " + "View(" + Field(layer, "StateGradient") + ", 0, batch * " + Invariant(h) + ");");
            if (lstm)
            {
                w.Line(Span + " dC = View(" + Field(layer, "CellStateGradient") + ", 0, batch * " + Invariant(h) + ");");
            }

            for (int k = layer.Stack - 1; k >= 0; k--)
            {
                bool top = k == layer.Stack - 1;
                string sequenceGradient = top ? (layer.OutputIsSequence ? "outputGradient" : "default") : "View(" + Field(layer, "OutputGradient" + Invariant(k)) + ", 0, rows * " + Invariant(layer.OutputWidth) + ")";
                string below = k == 0 ? "inputGradient" : "View(" + Field(layer, "OutputGradient" + Invariant(k - 1)) + ", 0, rows * " + Invariant(layer.OutputWidth) + ")";
                string input = k == 0 ? "input" : SublayerOutput(layer, k - 1);
                w.Line();
                w.Line(k == 0 ? "inputGradient.Clear();" : below + ".Clear();");
                for (int d = 0; d < layer.Directions; d++)
                {
                    w.Line("// layer " + Invariant(k) + (d == 1 ? ", reverse direction" : string.Empty) + (lstm ? ": dH and dC start" : ": dH starts") + " from the gradient of its final state");
                    w.Line(Sequences + ".LoadState(finalStateGradient, " + TimesBatch(HiddenOffset(layer, k, d)) + ", dH);");
                    if (lstm)
                    {
                        w.Line(Sequences + ".LoadState(finalStateGradient, " + TimesBatch(CellOffset(layer, k, d)) + ", dC);");
                    }

                    if (top && !layer.OutputIsSequence)
                    {
                        w.Line("// the layer's vector output is this direction's final h");
                        using (w.Block("for (int b = 0; b < batch; b++)"))
                        {
                            w.Line(Kernels + ".Axpy(1f, outputGradient.Slice(" + Column(layer, d) + ", " + Invariant(h) + "), dH.Slice(b * " + Invariant(h) + ", " + Invariant(h) + "));");
                        }
                    }

                    w.Line();
                    w.Line("Backward" + layer.Identifier + Suffix(k, d) + "(" + sequenceGradient + ", " + input + ", " + below + ", steps, batch);");
                    w.Line(Sequences + ".StoreState(dH, initialStateGradient, " + TimesBatch(HiddenOffset(layer, k, d)) + ");");
                    if (lstm)
                    {
                        w.Line(Sequences + ".StoreState(dC, initialStateGradient, " + TimesBatch(CellOffset(layer, k, d)) + ");");
                    }
                }
            }
        }

        w.Line();
    }

    /// <summary>The sizes as constants: the input's for the input-side products, the output's for the time loop.</summary>
    private static void WriteSizes(SourceWriter w, LayerSpec layer, int k, int d, bool input)
    {
        if (input)
        {
            w.Line("const int InputWidth = " + Invariant(layer.SublayerInputWidth(k)) + ";");
        }

        w.Line("const int Hidden = " + Invariant(layer.Units) + ";");
        w.Line("const int GateWidth = " + Invariant(layer.Gates * layer.Units) + ";");
        if (!input)
        {
            w.Line("const int OutputWidth = " + Invariant(layer.OutputWidth) + ";");
            w.Line("const int Column = " + Invariant(d * layer.Units) + "; // this direction's features in the [forward, reverse] output");
        }
    }

    private static void WriteGradientViews(SourceWriter w, LayerSpec layer, int k, int d)
    {
        string suffix = Suffix(k, d);
        w.Line("var dWeightIh = gradients.Slice(" + layer.Identifier + "WeightIh" + suffix + ", GateWidth * InputWidth);");
        w.Line("var dWeightHh = gradients.Slice(" + layer.Identifier + "WeightHh" + suffix + ", GateWidth * Hidden);");
        w.Line("var dBiasIh = gradients.Slice(" + layer.Identifier + "BiasIh" + suffix + ", GateWidth);");
        w.Line("var dBiasHh = gradients.Slice(" + layer.Identifier + "BiasHh" + suffix + ", GateWidth);");
    }

    /// <summary>
    /// The per-step product h_{t-1}·W_hhᵀ for this part's running rows. With a batch it streams the weight packed
    /// once for the loop, on the packed kernel for any number of rows, so that each row's result depends neither on
    /// how many rows still run nor on how the batch is split between threads.
    /// </summary>
    private static void WriteRecurrentProduct(SourceWriter w, LayerSpec layer, string target)
    {
        using (w.Block("if (packed)"))
        {
            w.Line(Kernels + ".MultiplyAddPrepacked(h.Slice(first * Hidden), Hidden, packedWeightHh, " + target + ".Slice(first * GateWidth), GateWidth, count, Hidden, GateWidth);");
        }

        using (w.Block("else"))
        {
            w.Line(Kernels + ".MultiplyTransposedAdd(h.Slice(first * Hidden), Hidden, wWeightHh, " + target + ".Slice(first * GateWidth), GateWidth, count, Hidden, GateWidth);");
        }
    }

    /// <summary>
    /// With a batch of rows, the rows method packs the recurrent weight once into tiles of its thread's own, which every
    /// step's product streams: one copy written on one core and read on the other cost more to pass between them than
    /// packing it twice, once per thread.
    /// </summary>
    private static void WritePackedWeight(SourceWriter w, string weight, bool transposed)
    {
        w.Line("// with a batch of rows, " + weight + " packed once, by this thread for its sequences, into the tiles every step's product streams");
        w.Line(ReadOnlySpan + " packedWeightHh = packed ? " + Kernels + ".PackWeightsForThisThread(wWeightHh, GateWidth, Hidden, transposed: " + (transposed ? "true" : "false") + ") : default;");
    }

    /// <summary>Splits the time loop's sequences between the kernel threads; the rows method reads its buffers from fields.</summary>
    private static void WriteRowSplit(SourceWriter w, string rowsMethod, string data)
    {
        w.Line("// the time loop, the batch's sequences split between the kernel threads (Parallelism.Threads): sequences do not");
        w.Line("// interact, and every row is computed the same way whatever the split, so results do not depend on it");
        w.Line(RowSplit + ".For(this, " + data + ", View(_lengths, 0, batch), steps, batch, static (model, data, steps, batch, first, end) => model." + rowsMethod + "(data, steps, batch, first, end));");
    }

    /// <summary>The rows of this part still running at step t (longest-first batches skip finished sequences).</summary>
    private static void WriteRunningCount(SourceWriter w) =>
        w.Line("int count = global::System.Math.Max(0, global::System.Math.Min(" + Sequences + ".RunningRows(View(_lengths, 0, batch), t, _longestFirst), end) - first);");

    private static string Time(int d) => d == 1 ? "steps - 1 - s" : "s";

    private static void WriteSublayerForward(SourceWriter w, LayerSpec layer, int k, int d, List<TensorSlot> slots)
    {
        bool lstm = layer.Cell == CellKind.Lstm;
        string suffix = Suffix(k, d);
        string names = string.Join(", ", slots.Where(s => s.Layer == layer && s.Name.EndsWith(TensorSuffix(k, d), System.StringComparison.Ordinal)).Select(s => s.Name.Substring(layer.Name.Length + 1)));
        w.Line("// " + layer.Name + " layer " + Invariant(k) + (d == 1 ? ", reverse direction (t = T − 1 … 0)" : ", forward direction") + ": " + names);
        using (w.Block("private void Forward" + layer.Identifier + suffix + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " initialState, int steps, int batch)"))
        {
            WriteSizes(w, layer, k, d, input: true);
            w.Line(ReadOnlySpan + " parameters = Parameters.Values;");
            w.Line("var wWeightIh = parameters.Slice(" + layer.Identifier + "WeightIh" + suffix + ", GateWidth * InputWidth);");
            w.Line("var wWeightHh = parameters.Slice(" + layer.Identifier + "WeightHh" + suffix + ", GateWidth * Hidden);");
            w.Line("var wBiasIh = parameters.Slice(" + layer.Identifier + "BiasIh" + suffix + ", GateWidth);");
            w.Line("int rows = steps * batch;");
            w.Line(Span + " gates = " + "View(" + Field(layer, "Gates" + Invariant(k) + Direction(d)) + ", 0, rows * GateWidth);");
            w.Line(Span + " h = " + "View(" + Field(layer, "State") + ", 0, batch * Hidden);");
            if (lstm)
            {
                w.Line(Span + " c = " + "View(" + Field(layer, "CellState") + ", 0, batch * Hidden);");
            }

            w.Line();
            w.Line("// gates = x_t·W_ihᵀ + b_ih for every step at once");
            w.Line(Kernels + ".FillRows(gates, GateWidth, wBiasIh, rows, GateWidth);");
            w.Line(Kernels + ".MultiplyTransposedAdd(input, InputWidth, wWeightIh, gates, GateWidth, rows, InputWidth, GateWidth);");
            w.Line();
            w.Line("// the state starts from the initial state, or zero");
            w.Line(Sequences + ".LoadState(initialState, " + TimesBatch(HiddenOffset(layer, k, d)) + ", h);");
            if (lstm)
            {
                w.Line(Sequences + ".LoadState(initialState, " + TimesBatch(CellOffset(layer, k, d)) + ", c);");
            }

            w.Line();
            WriteRowSplit(w, "Forward" + layer.Identifier + suffix + "Rows", "default");
            w.Line();
            w.Line("// final state: after each sequence's last step" + (d == 1 ? " (the reverse direction ends after t = 0)" : string.Empty));
            w.Line("h.CopyTo(" + "View(" + Field(layer, "FinalState") + ", " + TimesBatch(HiddenOffset(layer, k, d)) + ", batch * Hidden));");
            if (lstm)
            {
                w.Line("c.CopyTo(" + "View(" + Field(layer, "FinalState") + ", " + TimesBatch(CellOffset(layer, k, d)) + ", batch * Hidden));");
            }
        }

        w.Line();
        WriteSublayerForwardRows(w, layer, k, d);
    }

    private static void WriteSublayerForwardRows(SourceWriter w, LayerSpec layer, int k, int d)
    {
        bool lstm = layer.Cell == CellKind.Lstm;
        bool gru = layer.Cell == CellKind.Gru;
        string suffix = Suffix(k, d);
        w.Line("// " + layer.Name + " layer " + Invariant(k) + (d == 1 ? ", reverse direction" : string.Empty) + ": every time step of sequences [first, end)");
        using (w.Block("private void Forward" + layer.Identifier + suffix + "Rows(" + ReadOnlySpan + " unused, int steps, int batch, int first, int end)"))
        {
            WriteSizes(w, layer, k, d, input: false);
            w.Line(ReadOnlySpan + " parameters = Parameters.Values;");
            w.Line("var wWeightHh = parameters.Slice(" + layer.Identifier + "WeightHh" + suffix + ", GateWidth * Hidden);");
            w.Line("var wBiasHh = parameters.Slice(" + layer.Identifier + "BiasHh" + suffix + ", GateWidth);");
            w.Line("int rows = steps * batch;");
            w.Line(Span + " gates = " + "View(" + Field(layer, "Gates" + Invariant(k) + Direction(d)) + ", 0, rows * GateWidth);");
            w.Line(Span + " output = " + "View(" + Field(layer, "Output" + Invariant(k)) + ", 0, rows * OutputWidth);");
            w.Line(Span + " hiddenPrevious = " + "View(" + Field(layer, "HiddenPrevious" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
            w.Line(Span + " h = " + "View(" + Field(layer, "State") + ", 0, batch * Hidden);");
            if (lstm)
            {
                w.Line(Span + " cellPrevious = " + "View(" + Field(layer, "CellPrevious" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
                w.Line(Span + " tanhCells = " + "View(" + Field(layer, "TanhCell" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
                w.Line(Span + " c = " + "View(" + Field(layer, "CellState") + ", 0, batch * Hidden);");
            }
            else if (gru)
            {
                w.Line(Span + " recurrentN = " + "View(" + Field(layer, "RecurrentN" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
                w.Line(Span + " recurrent = " + "View(" + Field(layer, "Recurrent") + ", 0, batch * GateWidth);");
            }

            w.Line("bool packed = " + Kernels + ".PrefersPackedWeights(batch);");
            WritePackedWeight(w, "W_hhᵀ", transposed: true);
            w.Line("int width = end - first;");
            using (w.Block("for (int s = 0; s < steps; s++)"))
            {
                w.Line("int t = " + Time(d) + ";");
                WriteRunningCount(w);
                w.Line(Span + " stepGates = gates.Slice(t * batch * GateWidth, batch * GateWidth);");
                w.Line("h.Slice(first * Hidden, width * Hidden).CopyTo(hiddenPrevious.Slice(((t * batch) + first) * Hidden));");
                if (lstm)
                {
                    w.Line("c.Slice(first * Hidden, width * Hidden).CopyTo(cellPrevious.Slice(((t * batch) + first) * Hidden));");
                }

                if (gru)
                {
                    w.Line("// recurrent = h_{t-1}·W_hhᵀ + b_hh, kept apart: the reset gate scales its n block");
                    w.Line(Kernels + ".FillRows(recurrent.Slice(first * GateWidth), GateWidth, wBiasHh, width, GateWidth);");
                    WriteRecurrentProduct(w, layer, "recurrent");
                }
                else
                {
                    w.Line("// gates += h_{t-1}·W_hhᵀ + b_hh");
                    WriteRecurrentProduct(w, layer, "stepGates");
                    w.Line(Kernels + ".AddRowVector(stepGates.Slice(first * GateWidth), GateWidth, wBiasHh, count, GateWidth);");
                }

                using (w.Block("for (int b = first; b < end; b++)"))
                {
                    w.Line(Span + " outputRow = output.Slice(((t * batch) + b) * OutputWidth + Column, Hidden);");
                    using (w.Block("if (t >= _lengths[b])"))
                    {
                        w.Line("outputRow.Clear(); // past this sequence's end: the state carries over unchanged");
                        w.Line("continue;");
                    }

                    w.Line();
                    w.Line(Span + " hRow = h.Slice(b * Hidden, Hidden);");
                    if (lstm)
                    {
                        w.Line(Span + " cRow = c.Slice(b * Hidden, Hidden);");
                        w.Line(layer.Identifier + "CellForward(stepGates.Slice(b * GateWidth, GateWidth), cRow, hRow, tanhCells.Slice(((t * batch) + b) * Hidden, Hidden));");
                    }
                    else if (gru)
                    {
                        w.Line(layer.Identifier + "CellForward(stepGates.Slice(b * GateWidth, GateWidth), recurrent.Slice(b * GateWidth, GateWidth), hRow, recurrentN.Slice(((t * batch) + b) * Hidden, Hidden));");
                    }
                    else
                    {
                        w.Line(layer.Identifier + "CellForward(stepGates.Slice(b * GateWidth, GateWidth), hRow);");
                    }

                    w.Line("hRow.CopyTo(outputRow);");
                }
            }
        }

        w.Line();
    }

    private static void WriteSublayerBackward(SourceWriter w, LayerSpec layer, int k, int d)
    {
        bool gru = layer.Cell == CellKind.Gru;
        string suffix = Suffix(k, d);
        w.Line("// " + layer.Name + " layer " + Invariant(k) + (d == 1 ? ", reverse direction" : string.Empty) + " backward: steps in the opposite order of forward.");
        using (w.Block("private void Backward" + layer.Identifier + suffix + "(" + ReadOnlySpan + " outputGradient, " + ReadOnlySpan + " input, " + Span + " inputGradient, int steps, int batch)"))
        {
            WriteSizes(w, layer, k, d, input: true);
            w.Line(ReadOnlySpan + " parameters = Parameters.Values;");
            w.Line(Span + " gradients = Parameters.Gradients;");
            w.Line("var wWeightIh = parameters.Slice(" + layer.Identifier + "WeightIh" + suffix + ", GateWidth * InputWidth);");
            w.Line("var wWeightHh = parameters.Slice(" + layer.Identifier + "WeightHh" + suffix + ", GateWidth * Hidden);");
            WriteGradientViews(w, layer, k, d);
            w.Line("int rows = steps * batch;");
            w.Line(ReadOnlySpan + " hiddenPrevious = " + "View(" + Field(layer, "HiddenPrevious" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
            w.Line(ReadOnlySpan + " dGates = " + "View(" + Field(layer, "GateGradients") + ", 0, rows * GateWidth);");
            string dRecurrent = gru ? "dRecurrent" : "dGates";
            if (gru)
            {
                w.Line(ReadOnlySpan + " dRecurrent = " + "View(" + Field(layer, "RecurrentGradients") + ", 0, rows * GateWidth);");
            }

            w.Line();
            WriteRowSplit(w, "Backward" + layer.Identifier + suffix + "Rows", "outputGradient");
            w.Line();
            w.Line("// parameter gradients, all steps at once: dW_hh += " + dRecurrent + "ᵀ·h_{t-1}, dW_ih += dGatesᵀ·x; each product also adds");
            w.Line("// the column sums of the gradient it reads, which are the bias gradient, on the same pass");
            if (gru)
            {
                w.Line("// (b_hh's r and z sums, from dRecurrent, are b_ih's: the same gradients on both sides; their n sums differ)");
                w.Line(Kernels + ".AccumulateTransposedProduct(dRecurrent, GateWidth, hiddenPrevious, Hidden, dWeightHh, rows, GateWidth, Hidden, dBiasHh);");
                w.Line(Kernels + ".AccumulateTransposedProduct(dGates, GateWidth, input, InputWidth, dWeightIh, rows, GateWidth, InputWidth, dBiasIh);");
            }
            else
            {
                w.Line("// (both weights multiply dGates, which one call reads once; b_ih and b_hh get the same sums)");
                w.Line(Kernels + ".AccumulateTransposedProducts(dGates, GateWidth, hiddenPrevious, Hidden, dWeightHh, Hidden, input, InputWidth, dWeightIh, InputWidth, rows, GateWidth, dBiasIh, dBiasHh);");
            }

            using (w.Block("if (!inputGradient.IsEmpty)"))
            {
                w.Line("// dx += dGates·W_ih");
                w.Line(Kernels + ".MultiplyAdd(dGates, GateWidth, wWeightIh, inputGradient, InputWidth, rows, GateWidth, InputWidth);");
            }
        }

        w.Line();
        WriteSublayerBackwardRows(w, layer, k, d);
    }

    private static void WriteSublayerBackwardRows(SourceWriter w, LayerSpec layer, int k, int d)
    {
        bool lstm = layer.Cell == CellKind.Lstm;
        bool gru = layer.Cell == CellKind.Gru;
        string suffix = Suffix(k, d);
        w.Line("// " + layer.Name + " layer " + Invariant(k) + (d == 1 ? ", reverse direction" : string.Empty) + " backward: every time step of sequences [first, end), last step first");
        using (w.Block("private void Backward" + layer.Identifier + suffix + "Rows(" + ReadOnlySpan + " outputGradient, int steps, int batch, int first, int end)"))
        {
            WriteSizes(w, layer, k, d, input: false);
            w.Line("var wWeightHh = Parameters.Values.Slice(" + layer.Identifier + "WeightHh" + suffix + ", GateWidth * Hidden);");
            w.Line("int rows = steps * batch;");
            w.Line(ReadOnlySpan + " gates = " + "View(" + Field(layer, "Gates" + Invariant(k) + Direction(d)) + ", 0, rows * GateWidth);");
            if (lstm)
            {
                w.Line(ReadOnlySpan + " cellPrevious = " + "View(" + Field(layer, "CellPrevious" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
                w.Line(ReadOnlySpan + " tanhCells = " + "View(" + Field(layer, "TanhCell" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
            }
            else if (gru)
            {
                w.Line(ReadOnlySpan + " hiddenPrevious = " + "View(" + Field(layer, "HiddenPrevious" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
                w.Line(ReadOnlySpan + " recurrentN = " + "View(" + Field(layer, "RecurrentN" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
            }

            w.Line(Span + " dGates = " + "View(" + Field(layer, "GateGradients") + ", 0, rows * GateWidth);");
            string dRecurrent = gru ? "dRecurrent" : "dGates";
            if (gru)
            {
                w.Line(Span + " dRecurrent = " + "View(" + Field(layer, "RecurrentGradients") + ", 0, rows * GateWidth);");
            }

            w.Line(Span + " dH = View(" + Field(layer, "StateGradient") + ", 0, batch * Hidden);");
            if (lstm)
            {
                w.Line(Span + " dC = View(" + Field(layer, "CellStateGradient") + ", 0, batch * Hidden);");
            }

            w.Line("bool packed = " + Kernels + ".PrefersPackedWeights(batch); // as forward: each row's product the same whatever the split");
            WritePackedWeight(w, "W_hh", transposed: false);
            using (w.Block("for (int s = steps - 1; s >= 0; s--)"))
            {
                w.Line("int t = " + Time(d) + ";");
                WriteRunningCount(w);
                using (w.Block("for (int b = first; b < end; b++)"))
                {
                    w.Line("int row = (t * batch) + b;");
                    w.Line(Span + " dGatesRow = dGates.Slice(row * GateWidth, GateWidth);");
                    if (gru)
                    {
                        w.Line(Span + " dRecurrentRow = dRecurrent.Slice(row * GateWidth, GateWidth);");
                    }

                    using (w.Block("if (t >= _lengths[b])"))
                    {
                        w.Line("dGatesRow.Clear(); // padding: " + (lstm ? "dH and dC pass" : "dH passes") + " through to the previous step unchanged");
                        if (gru)
                        {
                            w.Line("dRecurrentRow.Clear();");
                        }

                        w.Line("continue;");
                    }

                    w.Line();
                    w.Line(ReadOnlySpan + " dOutput = outputGradient.IsEmpty ? default : outputGradient.Slice((row * OutputWidth) + Column, Hidden);");
                    string state = "dH.Slice(b * Hidden, Hidden)";
                    if (lstm)
                    {
                        w.Line(layer.Identifier + "CellBackward(gates.Slice(row * GateWidth, GateWidth), tanhCells.Slice(row * Hidden, Hidden), cellPrevious.Slice(row * Hidden, Hidden), dOutput, " + state + ", dC.Slice(b * Hidden, Hidden), dGatesRow);");
                    }
                    else if (gru)
                    {
                        w.Line(layer.Identifier + "CellBackward(gates.Slice(row * GateWidth, GateWidth), recurrentN.Slice(row * Hidden, Hidden), hiddenPrevious.Slice(row * Hidden, Hidden), dOutput, " + state + ", dGatesRow, dRecurrentRow);");
                    }
                    else
                    {
                        w.Line(layer.Identifier + "CellBackward(gates.Slice(row * GateWidth, GateWidth), dOutput, " + state + ", dGatesRow);");
                    }
                }

                w.Line();
                w.Line("// dH_{t-1} += " + dRecurrent + "_t·W_hh for this part's running rows");
                w.Line(ReadOnlySpan + " stepGradients = " + dRecurrent + ".Slice(((t * batch) + first) * GateWidth, count * GateWidth);");
                using (w.Block("if (packed)"))
                {
                    w.Line(Kernels + ".MultiplyAddPrepacked(stepGradients, GateWidth, packedWeightHh, dH.Slice(first * Hidden), Hidden, count, GateWidth, Hidden);");
                }

                using (w.Block("else"))
                {
                    w.Line(Kernels + ".MultiplyAdd(stepGradients, GateWidth, wWeightHh, dH.Slice(first * Hidden), Hidden, count, GateWidth, Hidden);");
                }
            }
        }

        w.Line();
    }
}
