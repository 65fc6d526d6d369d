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

    /// <summary>
    /// Sublayer k's output is read by the layer above it in sequence-major order, as the time loops keep their rows; the
    /// top layer's, which the next layer of the model reads, is time-major (it exists only when it is a sequence).
    /// </summary>
    private static bool OutputIsTimeMajor(LayerSpec layer, int k) => k == layer.Stack - 1;

    /// <summary>Whether sublayer k's output is read at all: by the layer above it, or as the layer's sequence output.</summary>
    public static bool WritesOutput(LayerSpec layer, int k) => k < layer.Stack - 1 || layer.OutputIsSequence;

    /// <summary>Layer 0's input in the time loops' order, copied once per forward pass (both directions read it).</summary>
    private static string SequenceInput(LayerSpec layer) =>
        "View(" + Field(layer, "SequenceInput") + ", 0, rows * " + Invariant(layer.SublayerInputWidth(0)) + ")";

    private static void WriteLayerForward(SourceWriter w, LayerSpec layer)
    {
        w.Line("// " + layer.Name + ": every stacked layer and direction in turn; layer k reads layer k − 1's [forward, reverse] output.");
        using (w.Block("private void Forward" + layer.Identifier + "(" + ReadOnlySpan + " input, " + ReadOnlySpan + " initialState, int steps, int batch)"))
        {
            w.Line("int rows = steps * batch;");
            w.Line("// the time loops keep each sequence's steps together (row b·steps + t), so that the sequences one kernel");
            w.Line("// thread runs lie in one region of memory, away from the other thread's");
            w.Line(Sequences + ".ToSequenceMajor(input, " + SequenceInput(layer) + ", steps, batch, " + Invariant(layer.SublayerInputWidth(0)) + ");");
            for (int k = 0; k < layer.Stack; k++)
            {
                string input = k == 0 ? SequenceInput(layer) : SublayerOutput(layer, k - 1);
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
        w.Line("// Layer 0's weight gradients read the input as Forward copied it, in the time loops' order.");
        using (w.Block("private void Backward" + layer.Identifier + "(" + ReadOnlySpan + " outputGradient, " + Span + " inputGradient, "
            + ReadOnlySpan + " finalStateGradient, " + Span + " initialStateGradient, int steps, int batch)"))
        {
            w.Line("int rows = steps * batch;");
            w.Line(Span + " dH = " + "View(" + Field(layer, "StateGradient") + ", 0, batch * " + Invariant(h) + ");");
            if (lstm)
            {
                w.Line(Span + " dC = View(" + Field(layer, "CellStateGradient") + ", 0, batch * " + Invariant(h) + ");");
            }

            for (int k = layer.Stack - 1; k >= 0; k--)
            {
                bool top = k == layer.Stack - 1;
                string sequenceGradient = top ? (layer.OutputIsSequence ? "outputGradient" : "default") : "View(" + Field(layer, "OutputGradient" + Invariant(k)) + ", 0, rows * " + Invariant(layer.OutputWidth) + ")";
                string below = k == 0 ? "sequenceInputGradient" : "View(" + Field(layer, "OutputGradient" + Invariant(k - 1)) + ", 0, rows * " + Invariant(layer.OutputWidth) + ")";
                string input = k == 0 ? SequenceInput(layer) : SublayerOutput(layer, k - 1);
                w.Line();
                if (k == 0)
                {
                    w.Line("// the input gradient, sequence-major as the time loops' rows, then in the caller's time-major order");
                    w.Line(Span + " sequenceInputGradient = inputGradient.IsEmpty ? default : View(" + Field(layer, "SequenceInputGradient") + ", 0, rows * " + Invariant(layer.SublayerInputWidth(0)) + ");");
                }

                w.Line(below + ".Clear();");
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

            w.Line();
            using (w.Block("if (!inputGradient.IsEmpty)"))
            {
                w.Line(Sequences + ".ToTimeMajor(sequenceInputGradient, inputGradient, steps, batch, " + Invariant(layer.SublayerInputWidth(0)) + ");");
            }
        }

        w.Line();
    }

    /// <summary>The sizes as constants: the input's for the input-side products, the output's where a time loop reads or writes the output.</summary>
    private static void WriteSizes(SourceWriter w, LayerSpec layer, int k, int d, bool input, bool output = false)
    {
        if (input)
        {
            w.Line("const int InputWidth = " + Invariant(layer.SublayerInputWidth(k)) + ";");
        }

        w.Line("const int Hidden = " + Invariant(layer.Units) + ";");
        w.Line("const int GateWidth = " + Invariant(layer.Gates * layer.Units) + ";");
        w.Line("const int GateStride = " + Invariant(GateStride(layer)) + "; // a row of the gates buffers: the gates and one spare cache line");

        if (output)
        {
            w.Line("const int OutputWidth = " + Invariant(layer.OutputWidth) + ";");
            w.Line("const int Column = " + Invariant(d * layer.Units) + "; // this direction's features in the [forward, reverse] output");
        }
    }

    /// <summary>
    /// Row stride of a layer's gates and gate-gradient buffers: the gates and one spare cache line. The time loops keep
    /// each sequence's steps together, so a step's rows lie steps · stride apart; with 2 KB rows (an LSTM of 128 units)
    /// that would be a multiple of 2 KB at any step count (of 4 KB at an even one), and a step's rows would fall in one or
    /// two groups of sets of the L1 cache.
    /// </summary>
    public static int GateStride(LayerSpec layer) => (layer.Gates * layer.Units) + 16;

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
    /// how many rows still run nor on how the batch is split between threads. The same call puts b_hh into the rows:
    /// added to the product (into gates that hold the input projection), or in place of the rows' old values.
    /// </summary>
    private static void WriteRecurrentProduct(SourceWriter w, string target, string targetStride, bool overwrite)
    {
        using (w.Block("if (packed)"))
        {
            w.Line(overwrite
                ? Kernels + ".AffineRowsPrepacked(h, Hidden, packedWeightHh, wBiasHh, " + target + ", " + targetStride + ", count, Hidden, GateWidth);"
                : Kernels + ".MultiplyAddPrepacked(h, Hidden, packedWeightHh, " + target + ", " + targetStride + ", count, Hidden, GateWidth, wBiasHh);");
        }

        using (w.Block("else"))
        {
            w.Line(overwrite
                ? Kernels + ".AffineRows(h, Hidden, wWeightHh, wBiasHh, " + target + ", " + targetStride + ", count, Hidden, GateWidth);"
                : Kernels + ".MultiplyTransposedAdd(h, Hidden, wWeightHh, " + target + ", " + targetStride + ", count, Hidden, GateWidth, wBiasHh);");
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

    /// <summary>
    /// The part's running state (h and c forward, dH and dC backward; forward, a GRU's recurrent product too) in a
    /// buffer of its thread's own while the loop runs, row 0 for sequence <c>first</c>: two threads that write
    /// neighbouring rows of one array at every step slow each other down (BatchRows.StateForThisThread).
    /// </summary>
    private static void WritePartState(SourceWriter w, LayerSpec layer, bool backward)
    {
        bool lstm = layer.Cell == CellKind.Lstm;
        bool recurrent = !backward && layer.Cell == CellKind.Gru;
        string h = backward ? "dH" : "h";
        string c = backward ? "dC" : "c";
        string capacity = "MaxBatch * " + (lstm ? "2 * Hidden" : recurrent ? "(Hidden + GateWidth)" : "Hidden");
        w.Line("// this part's " + (backward ? "dH" + (lstm ? " and dC" : string.Empty) : "h" + (lstm ? " and c" : recurrent ? " and recurrent product" : string.Empty))
            + " in a buffer of this thread's own while the loop runs (row 0 is sequence first)");
        w.Line(Span + " partState = " + RowSplit + ".StateForThisThread(" + capacity + "); // room for any part, so it never grows again");
        w.Line(Span + " " + h + " = partState.Slice(0, sequences * Hidden);");
        w.Line("View(" + Field(layer, backward ? "StateGradient" : "State") + ", first * Hidden, sequences * Hidden).CopyTo(" + h + ");");
        if (lstm)
        {
            w.Line(Span + " " + c + " = partState.Slice(sequences * Hidden, sequences * Hidden);");
            w.Line("View(" + Field(layer, backward ? "CellStateGradient" : "CellState") + ", first * Hidden, sequences * Hidden).CopyTo(" + c + ");");
        }

        if (recurrent)
        {
            w.Line(Span + " recurrent = partState.Slice(sequences * Hidden, sequences * GateWidth);");
        }
    }

    /// <summary>The part's state back into the layer's state arrays, where the final state and the next layer read it.</summary>
    private static void WritePartStateBack(SourceWriter w, LayerSpec layer, bool backward)
    {
        w.Line((backward ? "dH" : "h") + ".CopyTo(View(" + Field(layer, backward ? "StateGradient" : "State") + ", first * Hidden, sequences * Hidden));");
        if (layer.Cell == CellKind.Lstm)
        {
            w.Line((backward ? "dC" : "c") + ".CopyTo(View(" + Field(layer, backward ? "CellStateGradient" : "CellState") + ", first * Hidden, sequences * Hidden));");
        }
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
            w.Line(Span + " gates = " + "View(" + Field(layer, "Gates" + Invariant(k) + Direction(d)) + ", 0, rows * GateStride);");
            w.Line(Span + " h = " + "View(" + Field(layer, "State") + ", 0, batch * Hidden);");
            if (lstm)
            {
                w.Line(Span + " c = " + "View(" + Field(layer, "CellState") + ", 0, batch * Hidden);");
            }

            w.Line();
            w.Line("// gates = x_t·W_ihᵀ + b_ih for every step at once (row b·steps + t, as the input's)");
            w.Line(Kernels + ".AffineRows(input, InputWidth, wWeightIh, wBiasIh, gates, GateStride, rows, InputWidth, GateWidth);");
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
            WriteSizes(w, layer, k, d, input: false, output: WritesOutput(layer, k));
            w.Line(ReadOnlySpan + " parameters = Parameters.Values;");
            w.Line("var wWeightHh = parameters.Slice(" + layer.Identifier + "WeightHh" + suffix + ", GateWidth * Hidden);");
            w.Line("var wBiasHh = parameters.Slice(" + layer.Identifier + "BiasHh" + suffix + ", GateWidth);");
            w.Line("int rows = steps * batch;");
            w.Line(Span + " gates = " + "View(" + Field(layer, "Gates" + Invariant(k) + Direction(d)) + ", 0, rows * GateStride);");
            if (WritesOutput(layer, k))
            {
                w.Line(Span + " output = " + "View(" + Field(layer, "Output" + Invariant(k)) + ", 0, rows * OutputWidth);");
            }

            w.Line(Span + " hiddenPrevious = " + "View(" + Field(layer, "HiddenPrevious" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
            if (lstm)
            {
                w.Line(Span + " cellPrevious = " + "View(" + Field(layer, "CellPrevious" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
                w.Line(Span + " tanhCells = " + "View(" + Field(layer, "TanhCell" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
            }
            else if (gru)
            {
                w.Line(Span + " recurrentN = " + "View(" + Field(layer, "RecurrentN" + Invariant(k) + Direction(d)) + ", 0, rows * Hidden);");
            }

            w.Line("bool packed = " + Kernels + ".PrefersPackedWeights(batch);");
            WritePackedWeight(w, "W_hhᵀ", transposed: true);
            w.Line("int sequences = end - first;");
            WritePartState(w, layer, backward: false);
            using (w.Block("for (int s = 0; s < steps; s++)"))
            {
                w.Line("int t = " + Time(d) + ";");
                WriteRunningCount(w);
                w.Line("int firstRow = (first * steps) + t; // this part's rows at step t, one sequence (steps rows) apart");
                w.Line(Kernels + ".CopyRows(h, Hidden, hiddenPrevious.Slice(firstRow * Hidden), steps * Hidden, sequences, Hidden);");
                if (lstm)
                {
                    w.Line(Kernels + ".CopyRows(c, Hidden, cellPrevious.Slice(firstRow * Hidden), steps * Hidden, sequences, Hidden);");
                }

                if (gru)
                {
                    w.Line("// recurrent = h_{t-1}·W_hhᵀ + b_hh for the running rows, kept apart: the reset gate scales its n block");
                    WriteRecurrentProduct(w, "recurrent", "GateWidth", overwrite: true);
                }
                else
                {
                    w.Line("// gates += h_{t-1}·W_hhᵀ, then + b_hh");
                    WriteRecurrentProduct(w, "gates.Slice(firstRow * GateStride)", "steps * GateStride", overwrite: false);
                }

                using (w.Block("for (int b = first; b < end; b++)"))
                {
                    using (w.Block("if (t >= _lengths[b])"))
                    {
                        w.Line("continue; // past this sequence's end: the state carries over unchanged");
                    }

                    w.Line();
                    w.Line("int row = (b * steps) + t;");
                    w.Line(Span + " hRow = h.Slice((b - first) * Hidden, Hidden);");
                    if (lstm)
                    {
                        w.Line(layer.Identifier + "CellForward(gates.Slice(row * GateStride, GateWidth), c.Slice((b - first) * Hidden, Hidden), hRow, tanhCells.Slice(row * Hidden, Hidden));");
                    }
                    else if (gru)
                    {
                        w.Line(layer.Identifier + "CellForward(gates.Slice(row * GateStride, GateWidth), recurrent.Slice((b - first) * GateWidth, GateWidth), hRow, recurrentN.Slice(row * Hidden, Hidden));");
                    }
                    else
                    {
                        w.Line(layer.Identifier + "CellForward(gates.Slice(row * GateStride, GateWidth), hRow);");
                    }
                }
            }

            w.Line();
            WritePartStateBack(w, layer, backward: false);
            if (WritesOutput(layer, k))
            {
                w.Line();
                WriteOutputRows(w, layer, k, d);
            }
        }

        w.Line();
    }

    /// <summary>Where row (t, b) of sublayer k's output starts, time-major or sequence-major (<see cref="OutputIsTimeMajor"/>).</summary>
    private static string OutputRow(LayerSpec layer, int k, string t)
    {
        if (OutputIsTimeMajor(layer, k))
        {
            string step = t.Contains(" ") ? "(" + t + ")" : t;
            return t == "0" ? "(b * OutputWidth) + Column" : "(((" + step + " * batch) + b) * OutputWidth) + Column";
        }

        return t == "0" ? "(b * steps * OutputWidth) + Column" : "(((b * steps) + " + t + ") * OutputWidth) + Column";
    }

    private static string OutputRowStride(LayerSpec layer, int k) => OutputIsTimeMajor(layer, k) ? "batch * OutputWidth" : "OutputWidth";

    /// <summary>
    /// After the time loop, each part writes its sequences' output from the states the loop saved: h after step t is the
    /// h_{t-1} of the step that follows it, and the state itself after the sequence's last step; zero past its end.
    /// </summary>
    private static void WriteOutputRows(SourceWriter w, LayerSpec layer, int k, int d)
    {
        string next = d == 1 ? "t − 1" : "t + 1";
        w.Line("// the output of sequences [first, end): h after step t is the h saved by step " + next + ", the state itself after the");
        w.Line("// sequence's last step" + (d == 1 ? " (t = 0)" : string.Empty) + ", and zero past its end");
        using (w.Block("for (int b = first; b < end; b++)"))
        {
            w.Line("int length = _lengths[b];");
            using (w.Block("if (length > 1)"))
            {
                string from = d == 1 ? "b * steps * Hidden" : "((b * steps) + 1) * Hidden";
                w.Line(Kernels + ".CopyRows(hiddenPrevious.Slice(" + from + "), Hidden, output.Slice(" + OutputRow(layer, k, d == 1 ? "1" : "0") + "), "
                    + OutputRowStride(layer, k) + ", length - 1, Hidden);");
            }

            w.Line();
            w.Line("h.Slice((b - first) * Hidden, Hidden).CopyTo(output.Slice(" + OutputRow(layer, k, d == 1 ? "0" : "length - 1") + ", Hidden));");
            using (w.Block("for (int t = length; t < steps; t++)"))
            {
                w.Line("output.Slice(" + OutputRow(layer, k, "t") + ", Hidden).Clear();");
            }
        }
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
            w.Line(ReadOnlySpan + " dGates = " + "View(" + Field(layer, "GateGradients") + ", 0, rows * GateStride);");
            string dRecurrent = gru ? "dRecurrent" : "dGates";
            if (gru)
            {
                w.Line(ReadOnlySpan + " dRecurrent = " + "View(" + Field(layer, "RecurrentGradients") + ", 0, rows * GateStride);");
            }

            w.Line();
            WriteRowSplit(w, "Backward" + layer.Identifier + suffix + "Rows", "outputGradient");
            w.Line();
            w.Line("// parameter gradients, all steps at once: dW_hh += " + dRecurrent + "ᵀ·h_{t-1}, dW_ih += dGatesᵀ·x; each product also adds");
            w.Line("// the column sums of the gradient it reads, which are the bias gradient, on the same pass");
            if (gru)
            {
                w.Line("// (dRecurrent's r and z blocks are dGates': one call takes both weights' r and z rows, and both biases' r and z");
                w.Line("// sums, from dGates read once; the n blocks differ, one call each)");
                w.Line(Kernels + ".AccumulateTransposedProducts(dGates, GateStride, hiddenPrevious, Hidden, dWeightHh.Slice(0, 2 * Hidden * Hidden), Hidden, input, InputWidth, dWeightIh.Slice(0, 2 * Hidden * InputWidth), InputWidth, rows, 2 * Hidden, dBiasIh.Slice(0, 2 * Hidden), dBiasHh.Slice(0, 2 * Hidden));");
                w.Line(Kernels + ".AccumulateTransposedProduct(dRecurrent.Slice(2 * Hidden), GateStride, hiddenPrevious, Hidden, dWeightHh.Slice(2 * Hidden * Hidden), rows, Hidden, Hidden, dBiasHh.Slice(2 * Hidden));");
                w.Line(Kernels + ".AccumulateTransposedProduct(dGates.Slice(2 * Hidden), GateStride, input, InputWidth, dWeightIh.Slice(2 * Hidden * InputWidth), rows, Hidden, InputWidth, dBiasIh.Slice(2 * Hidden));");
            }
            else
            {
                w.Line("// (both weights multiply dGates, which one call reads once; b_ih and b_hh get the same sums)");
                w.Line(Kernels + ".AccumulateTransposedProducts(dGates, GateStride, hiddenPrevious, Hidden, dWeightHh, Hidden, input, InputWidth, dWeightIh, InputWidth, rows, GateWidth, dBiasIh, dBiasHh);");
            }

            using (w.Block("if (!inputGradient.IsEmpty)"))
            {
                w.Line("// dx += dGates·W_ih");
                w.Line(Kernels + ".MultiplyAdd(dGates, GateStride, wWeightIh, inputGradient, InputWidth, rows, GateWidth, InputWidth);");
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
            WriteSizes(w, layer, k, d, input: false, output: true);
            w.Line("var wWeightHh = Parameters.Values.Slice(" + layer.Identifier + "WeightHh" + suffix + ", GateWidth * Hidden);");
            w.Line("int rows = steps * batch;");
            w.Line(ReadOnlySpan + " gates = " + "View(" + Field(layer, "Gates" + Invariant(k) + Direction(d)) + ", 0, rows * GateStride);");
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

            w.Line(Span + " dGates = " + "View(" + Field(layer, "GateGradients") + ", 0, rows * GateStride);");
            string dRecurrent = gru ? "dRecurrent" : "dGates";
            if (gru)
            {
                w.Line(Span + " dRecurrent = " + "View(" + Field(layer, "RecurrentGradients") + ", 0, rows * GateStride);");
            }

            w.Line("bool packed = " + Kernels + ".PrefersPackedWeights(batch); // as forward: each row's product the same whatever the split");
            WritePackedWeight(w, "W_hh", transposed: false);
            w.Line("int sequences = end - first;");
            WritePartState(w, layer, backward: true);
            using (w.Block("for (int s = steps - 1; s >= 0; s--)"))
            {
                w.Line("int t = " + Time(d) + ";");
                WriteRunningCount(w);
                using (w.Block("for (int b = first; b < end; b++)"))
                {
                    w.Line("int row = (b * steps) + t;");
                    w.Line(Span + " dGatesRow = dGates.Slice(row * GateStride, GateWidth);");
                    if (gru)
                    {
                        w.Line(Span + " dRecurrentRow = dRecurrent.Slice(row * GateStride, GateWidth);");
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
                    w.Line(ReadOnlySpan + " dOutput = outputGradient.IsEmpty ? default : outputGradient.Slice(" + OutputRow(layer, k, "t") + ", Hidden);");
                    string state = "dH.Slice((b - first) * Hidden, Hidden)";
                    if (lstm)
                    {
                        w.Line(layer.Identifier + "CellBackward(gates.Slice(row * GateStride, GateWidth), tanhCells.Slice(row * Hidden, Hidden), cellPrevious.Slice(row * Hidden, Hidden), dOutput, " + state + ", dC.Slice((b - first) * Hidden, Hidden), dGatesRow);");
                    }
                    else if (gru)
                    {
                        w.Line(layer.Identifier + "CellBackward(gates.Slice(row * GateStride, GateWidth), recurrentN.Slice(row * Hidden, Hidden), hiddenPrevious.Slice(row * Hidden, Hidden), dOutput, " + state + ", dGatesRow, dRecurrentRow);");
                    }
                    else
                    {
                        w.Line(layer.Identifier + "CellBackward(gates.Slice(row * GateStride, GateWidth), dOutput, " + state + ", dGatesRow);");
                    }
                }

                w.Line();
                w.Line("// dH_{t-1} += " + dRecurrent + "_t·W_hh for this part's running rows, one sequence (steps rows) apart");
                w.Line(ReadOnlySpan + " stepGradients = " + dRecurrent + ".Slice(((first * steps) + t) * GateStride);");
                using (w.Block("if (packed)"))
                {
                    w.Line(Kernels + ".MultiplyAddPrepacked(stepGradients, steps * GateStride, packedWeightHh, dH, Hidden, count, GateWidth, Hidden);");
                }

                using (w.Block("else"))
                {
                    w.Line(Kernels + ".MultiplyAdd(stepGradients, steps * GateStride, wWeightHh, dH, Hidden, count, GateWidth, Hidden);");
                }
            }

            w.Line();
            WritePartStateBack(w, layer, backward: true);
        }

        w.Line();
    }
}
