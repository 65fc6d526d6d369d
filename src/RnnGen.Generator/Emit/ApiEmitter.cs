using System.Linq;
using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Names;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Writes the public batch API: Forward, Backward and Predict, which validate and then run the layers in order, and, for
/// a model that can stream, Predict through Step with a <c>StepWeights</c> copy.
/// </summary>
internal static class ApiEmitter
{
    public static void Write(SourceWriter w, ModelSpec model)
    {
        WriteForward(w, model);
        WriteBackward(w, model);
        WritePredict(w, model);
        if (model.CanStep)
        {
            WritePredictWithStepWeights(w, model);
        }
    }

    private static string InputType(ModelSpec model) => model.TokenInput ? "global::System.ReadOnlySpan<int>" : ReadOnlySpan;

    /// <summary>The arguments of <c>ValidateShape</c> for Forward's outputs: [steps, batch, OutputSize] or [batch, OutputSize].</summary>
    private static string OutputShape(ModelSpec model) => (model.ReturnsSequences ? "steps, batch" : "batch") + ", OutputSize";

    private static void WriteForward(SourceWriter w, ModelSpec model)
    {
        bool hasState = model.StateSize > 0;
        bool hasDropout = model.Layers.Any(l => l.Kind == LayerKind.Dropout);
        w.Line("/// <summary>");
        w.Line("/// Runs a batch of sequences, time-major like PyTorch's default: <paramref name=\"inputs\"/> is [steps, batch" + (model.TokenInput ? "] token ids" : ", InputSize]") + " with");
        w.Line("/// batch = <paramref name=\"lengths\"/>.Length and every length in [1, steps]; steps past a sequence's length are padding and are ignored.");
        w.Line("/// <paramref name=\"outputs\"/> receives " + (model.ReturnsSequences ? "[steps, batch, OutputSize], zero at padded steps." : "[batch, OutputSize]."));
        if (hasState)
        {
            w.Line("/// States hold batch × StateSize floats, not one block per sequence: PyTorch's h0 [layers·directions, batch, H], then c0 for an");
            w.Line("/// LSTM, one recurrent layer after another; an empty <paramref name=\"initialState\"/> means zeros, an empty <paramref name=\"finalState\"/> is not written.");
        }

        w.Line("/// " + (hasDropout ? "<paramref name=\"training\"/> turns dropout on. " : "<paramref name=\"training\"/> changes nothing here (the model has no dropout). ") + "Activations are cached for <c>Backward</c>.");
        w.Line("/// Throws <see cref=\"global::System.ArgumentException\"/> naming the span and the expected length before anything is touched.");
        w.Line("/// </summary>");
        string stateParameters = hasState ? ", " + ReadOnlySpan + " initialState = default, " + Span + " finalState = default" : string.Empty;
        using (w.Block("public void Forward(" + InputType(model) + " inputs, global::System.ReadOnlySpan<int> lengths, " + Span + " outputs" + stateParameters + ", bool training = false)"))
        {
            w.Line("int batch = lengths.Length;");
            w.Line("int steps = " + Sequences + ".ValidateBatch(inputs.Length, " + (model.TokenInput ? "1" : "InputSize") + ", lengths, MaxBatch, MaxSteps, nameof(inputs), nameof(lengths));");
            w.Line(Sequences + ".ValidateShape(outputs.Length, " + OutputShape(model) + ", nameof(outputs));");
            if (hasState)
            {
                w.Line(Sequences + ".ValidateOptionalLength(initialState.Length, batch * StateSize, nameof(initialState));");
                w.Line(Sequences + ".ValidateOptionalLength(finalState.Length, batch * StateSize, nameof(finalState));");
            }

            if (model.TokenInput)
            {
                w.Line(Sequences + ".ValidateTokens(inputs, steps, lengths, VocabularySize, nameof(inputs));");
            }

            // the cached activations change from here on: a Forward that fails midway leaves none that look valid
            w.Line("_hasForward = false;");
            w.Line("_activationsVersion = unchecked(_activationsVersion + 1);");
            w.Line("int rows = steps * batch;");
            w.Line("lengths.CopyTo(_lengths);");
            w.Line("_longestFirst = " + Sequences + ".IsLongestFirst(lengths);");
            w.Line("_steps = steps;");
            w.Line("_batch = batch;");
            if (model.TokenInput)
            {
                w.Line("inputs.CopyTo(_tokens);");
            }
            else
            {
                w.Line("// keep the input for backward, with padding zeroed so it never reaches a gradient");
                w.Line("inputs.CopyTo(_input);");
                w.Line(Sequences + ".ZeroPadding(View(_input, 0, rows * InputSize), InputSize, steps, View(_lengths, 0, batch));");
            }

            string previous = model.TokenInput ? "View(_tokens, 0, rows)" : "View(_input, 0, rows * InputSize)";
            foreach (var layer in model.Layers)
            {
                w.Line();
                w.Line("// " + layer.Name);
                switch (layer.Kind)
                {
                    case LayerKind.Recurrent:
                        string initial = hasState ? "initialState.IsEmpty ? default : initialState.Slice(" + TimesBatch(layer.StateOffset) + ", " + TimesBatch(layer.StateSize) + ")" : "default";
                        w.Line("Forward" + layer.Identifier + "(" + previous + ", " + initial + ", steps, batch);");
                        w.Line("if (!finalState.IsEmpty)");
                        w.Line("{");
                        w.Line("    View(" + Field(layer, "FinalState") + ", 0, " + TimesBatch(layer.StateSize) + ").CopyTo(" + (layer.StateOffset == 0 ? "finalState" : "finalState.Slice(" + TimesBatch(layer.StateOffset) + ")") + ");");
                        w.Line("}");
                        break;
                    case LayerKind.Dropout:
                        w.Line("Forward" + layer.Identifier + "(" + previous + ", " + Rows(layer.OutputIsSequence) + ", training);");
                        break;
                    case LayerKind.Embedding:
                        w.Line("Forward" + layer.Identifier + "(" + previous + ", steps, batch);");
                        break;
                    default:
                        w.Line("Forward" + layer.Identifier + "(" + previous + ", steps, batch);");
                        break;
                }

                previous = "View(" + Output(layer) + ", 0, " + Rows(layer.OutputIsSequence) + " * " + Invariant(layer.OutputWidth) + ")";
            }

            w.Line();
            w.Line(previous + ".CopyTo(outputs);");
            w.Line("_hasForward = true;");
        }

        w.Line();
    }

    private static void WriteBackward(SourceWriter w, ModelSpec model)
    {
        bool hasState = model.StateSize > 0;
        w.Lines(
            "/// <summary>",
            "/// Back-propagates through the batch of the last <c>Forward</c> (BPTT): adds the gradient of the parameters to",
            "/// <c>Parameters.Gradients</c> (clear it with <c>Parameters.ZeroGradients()</c> between batches)" + (model.TokenInput ? "." : " and writes the gradient of"),
            model.TokenInput ? "/// Token ids have no gradient; the embedding rows they selected do." : "/// the inputs into <paramref name=\"inputGradient\"/> ([steps, batch, InputSize], or empty to skip it).",
            "/// <paramref name=\"outputGradient\"/> has the shape of Forward's outputs; its padded steps are ignored.");
        if (hasState)
        {
            w.Lines(
                "/// <paramref name=\"finalStateGradient\"/> (empty = zeros) is the gradient arriving at Forward's final state, e.g. from a decoder;",
                "/// <paramref name=\"initialStateGradient\"/> (empty = skipped) receives the gradient of the initial state.");
        }

        w.Line("/// </summary>");
        string parameters = ReadOnlySpan + " outputGradient"
            + (model.TokenInput ? string.Empty : ", " + Span + " inputGradient = default")
            + (hasState ? ", " + Span + " initialStateGradient = default, " + ReadOnlySpan + " finalStateGradient = default" : string.Empty);
        using (w.Block("public void Backward(" + parameters + ")"))
        {
            w.Line("if (!_hasForward)");
            w.Line("{");
            w.Line("    throw new global::System.InvalidOperationException(\"Backward needs a Forward first: it reuses the activations that Forward cached, for one Backward (a second would add the same gradients again).\");");
            w.Line("}");
            w.Line();
            w.Line("int steps = _steps;");
            w.Line("int batch = _batch;");
            w.Line("int rows = steps * batch;");
            w.Line(Sequences + ".ValidateShape(outputGradient.Length, " + OutputShape(model) + ", nameof(outputGradient));");
            if (!model.TokenInput)
            {
                w.Line(Sequences + ".ValidateOptionalLength(inputGradient.Length, rows * InputSize, nameof(inputGradient));");
            }

            if (hasState)
            {
                w.Line(Sequences + ".ValidateOptionalLength(initialStateGradient.Length, batch * StateSize, nameof(initialStateGradient));");
                w.Line(Sequences + ".ValidateOptionalLength(finalStateGradient.Length, batch * StateSize, nameof(finalStateGradient));");
            }

            // after the checks, so that a call with a wrong argument can be repeated; PyTorch refuses a second backward too
            w.Line("_hasForward = false;");
            w.Line("_activationsVersion = unchecked(_activationsVersion + 1);");

            var last = model.Last;
            string lastGradient = "View(" + OutputGradient(last) + ", 0, " + Rows(last.OutputIsSequence) + " * OutputSize)";
            w.Line();
            w.Line("// the gradient arriving at the last layer" + (last.OutputIsSequence ? ", with padded steps zeroed" : string.Empty));
            w.Line("outputGradient.CopyTo(" + lastGradient + ");");
            if (last.OutputIsSequence)
            {
                w.Line(Sequences + ".ZeroPadding(" + lastGradient + ", OutputSize, steps, View(_lengths, 0, batch));");
            }

            for (int i = model.Layers.Count - 1; i >= 0; i--)
            {
                var layer = model.Layers[i];
                var below = i > 0 ? model.Layers[i - 1] : null;
                string gradient = "View(" + OutputGradient(layer) + ", 0, " + Rows(layer.OutputIsSequence) + " * " + Invariant(layer.OutputWidth) + ")";
                string input = below is null
                    ? (model.TokenInput ? "View(_tokens, 0, rows)" : "View(_input, 0, rows * InputSize)")
                    : "View(" + Output(below) + ", 0, " + Rows(below.OutputIsSequence) + " * " + Invariant(below.OutputWidth) + ")";
                string inputGradient = below is null
                    ? (model.TokenInput ? "default" : "inputGradient")
                    : "View(" + OutputGradient(below) + ", 0, " + Rows(below.OutputIsSequence) + " * " + Invariant(below.OutputWidth) + ")";
                w.Line();
                w.Line("// " + layer.Name);
                switch (layer.Kind)
                {
                    case LayerKind.Recurrent:
                        string final = "finalStateGradient.IsEmpty ? default : finalStateGradient.Slice(" + TimesBatch(layer.StateOffset) + ", " + TimesBatch(layer.StateSize) + ")";
                        string initial = "initialStateGradient.IsEmpty ? default : initialStateGradient.Slice(" + TimesBatch(layer.StateOffset) + ", " + TimesBatch(layer.StateSize) + ")";
                        w.Line("Backward" + layer.Identifier + "(" + gradient + ", " + inputGradient + ", " + final + ", " + initial + ", steps, batch);");
                        break;
                    case LayerKind.Embedding:
                        w.Line("Backward" + layer.Identifier + "(" + gradient + ", " + input + ", steps, batch);");
                        break;
                    case LayerKind.Dropout:
                        w.Line("Backward" + layer.Identifier + "(" + gradient + ", " + inputGradient + ", " + Rows(layer.OutputIsSequence) + ");");
                        break;
                    default:
                        w.Line("Backward" + layer.Identifier + "(" + gradient + ", " + input + ", " + inputGradient + ", " + Rows(layer.OutputIsSequence) + ");");
                        break;
                }
            }
        }

        w.Line();
    }

    private static void WritePredict(SourceWriter w, ModelSpec model)
    {
        w.Lines(
            "/// <summary>",
            "/// Runs one sequence (" + (model.TokenInput ? "[steps] token ids" : "[steps, InputSize] features") + ") for inference and writes "
                + (model.ReturnsSequences ? "[steps, OutputSize]" : "[OutputSize]") + " into <paramref name=\"output\"/>. Allocates nothing.",
            "/// </summary>");
        using (w.Block("public void Predict(" + InputType(model) + " sequence, " + Span + " output)"))
        {
            WriteSequenceSteps(w, model);
            w.Line();
            w.Line("if (steps > MaxSteps)");
            w.Line("{");
            w.Line("    throw new global::System.ArgumentException($\"The sequence has {steps} steps; this model was built for at most {MaxSteps} (maxSteps).\", nameof(sequence));");
            w.Line("}");
            w.Line();
            w.Line(Sequences + ".ValidateLength(output.Length, " + (model.ReturnsSequences ? "steps * OutputSize" : "OutputSize") + ", nameof(output));");
            w.Line("global::System.Span<int> length = [steps];");
            if (model.TokenInput)
            {
                // here, so that a bad id is reported as this method's sequence (Forward would call it inputs)
                w.Line(Sequences + ".ValidateTokens(sequence, steps, length, VocabularySize, nameof(sequence));");
            }

            w.Line("Forward(sequence, length, output);");
            w.Line("_hasForward = false; // Backward goes with a batch Forward, not with Predict");
        }

        w.Line();
    }

    // Predict as Step in a loop from the zero state, reading a packed copy of the weights: one sequence at a time is what
    // a copy made for streaming serves best (Faster streaming in the README).
    private static void WritePredictWithStepWeights(SourceWriter w, ModelSpec model)
    {
        bool hasState = model.StateSize > 0;
        w.Lines(
            "/// <summary>",
            "/// Predict through Step with <paramref name=\"weights\"/>, a copy made by <c>CreateStepWeights</c>: the sequence step by step from",
            "/// the zero state, with the outputs of Step in such a loop, which equal Predict's up to float rounding (and to the rounding",
            "/// of the weights in a bfloat16 copy). With no limit on the steps (maxSteps does not apply); with null, the same as",
            "/// <c>Predict(sequence, output)</c>. Allocates nothing; checks the whole sequence before it writes anything.",
            "/// </summary>");
        using (w.Block("public void Predict(" + InputType(model) + " sequence, " + Span + " output, global::RnnGen.StepWeights? weights)"))
        {
            w.Line("if (weights is null)");
            w.Line("{");
            w.Line("    Predict(sequence, output);");
            w.Line("    return;");
            w.Line("}");
            w.Line();
            WriteSequenceSteps(w, model);
            w.Line();
            // No maxSteps bounds steps here, so steps × OutputSize is taken in long.
            w.Line(Sequences + ".ValidateLength(output.Length, " + (model.ReturnsSequences ? "(long)steps * OutputSize" : "OutputSize") + ", nameof(output));");
            if (model.TokenInput)
            {
                w.Line(Sequences + ".ValidateTokens(sequence, steps, [steps], VocabularySize, nameof(sequence));");
            }

            w.Line("weights.CheckModel(typeof(" + model.TypeName + "), nameof(weights));");
            if (hasState)
            {
                w.Line("State state = default;");
            }

            string input = model.TokenInput ? "sequence[t]" : "sequence.Slice(t * InputSize, InputSize)";
            string output = model.ReturnsSequences ? "output.Slice(t * OutputSize, OutputSize)" : "output";
            using (w.Block("for (int t = 0; t < steps; t++)"))
            {
                w.Line("Step(" + input + (hasState ? ", ref state" : string.Empty) + ", " + output + ", weights);");
            }
        }

        w.Line();
    }

    // Declares steps, the sequence's length in steps, after checking that it holds at least one whole step.
    private static void WriteSequenceSteps(SourceWriter w, ModelSpec model)
    {
        if (model.TokenInput)
        {
            w.Line("int steps = sequence.Length;");
            w.Line("if (steps == 0)");
            w.Line("{");
            w.Line("    throw new global::System.ArgumentException(\"Expected at least one token.\", nameof(sequence));");
            w.Line("}");
        }
        else
        {
            w.Line("if (sequence.IsEmpty || sequence.Length % InputSize != 0)");
            w.Line("{");
            w.Line("    throw new global::System.ArgumentException($\"Expected a whole number of steps of {InputSize} features (at least one), got {sequence.Length} values.\", nameof(sequence));");
            w.Line("}");
            w.Line();
            w.Line("int steps = sequence.Length / InputSize;");
        }
    }
}
