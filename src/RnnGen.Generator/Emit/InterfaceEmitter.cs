using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Names;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Writes the explicit implementation of the runtime's model interface, so trainers and tools can drive any
/// generated model. It only forwards to the public members.
/// </summary>
internal static class InterfaceEmitter
{
    public static void Write(SourceWriter w, ModelSpec model)
    {
        string type = "global::RnnGen." + (model.TokenInput ? "ITokenInputModel" : "IDenseInputModel");
        bool hasState = model.StateSize > 0;
        var activation = model.Last.Kind == LayerKind.Dense ? model.Last.Activation : ActivationKind.None;
        w.Line("private static readonly global::RnnGen.ModelShape s_shape = new(" + (model.TokenInput ? "true, VocabularySize" : "false, InputSize")
            + ", OutputSize, StateSize, ReturnsSequences, ParameterCount, global::RnnGen.Activation." + activation + ");");
        w.Line();
        w.Line("global::RnnGen.ModelShape global::RnnGen.IRnnModel.Shape => s_shape;");
        w.Line();
        string input = model.TokenInput ? "global::System.ReadOnlySpan<int> inputs" : ReadOnlySpan + " inputs";
        using (w.Block("void " + type + ".Forward(" + input + ", global::System.ReadOnlySpan<int> lengths, " + Span + " outputs, " + ReadOnlySpan + " initialState, " + Span + " finalState, bool training)"))
        {
            if (hasState)
            {
                w.Line("Forward(inputs, lengths, outputs, initialState, finalState, training);");
            }
            else
            {
                w.Line(Sequences + ".ValidateLength(initialState.Length, 0, nameof(initialState));");
                w.Line(Sequences + ".ValidateLength(finalState.Length, 0, nameof(finalState));");
                w.Line("Forward(inputs, lengths, outputs, training);");
            }
        }

        w.Line();
        string inputGradient = model.TokenInput ? string.Empty : ", " + Span + " inputGradient";
        string forwarded = model.TokenInput ? string.Empty : ", inputGradient";
        using (w.Block("void " + type + ".Backward(" + ReadOnlySpan + " outputGradient" + inputGradient + ", " + Span + " initialStateGradient, " + ReadOnlySpan + " finalStateGradient)"))
        {
            if (hasState)
            {
                w.Line("Backward(outputGradient" + forwarded + ", initialStateGradient, finalStateGradient);");
            }
            else
            {
                w.Line(Sequences + ".ValidateLength(initialStateGradient.Length, 0, nameof(initialStateGradient));");
                w.Line(Sequences + ".ValidateLength(finalStateGradient.Length, 0, nameof(finalStateGradient));");
                w.Line("Backward(outputGradient" + forwarded + ");");
            }
        }
    }
}
