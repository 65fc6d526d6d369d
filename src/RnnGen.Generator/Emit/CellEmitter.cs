using RnnGen.Generator.Model;
using static RnnGen.Generator.Emit.Names;

namespace RnnGen.Generator.Emit;

/// <summary>
/// Writes a recurrent cell's point-wise math for one sequence row, forward and backward, with the hidden size
/// as a constant. The matrix products around it are in <see cref="RecurrentEmitter"/>.
/// </summary>
internal static class CellEmitter
{
    public static void WriteForward(SourceWriter w, LayerSpec layer)
    {
        string name = layer.Identifier + "CellForward";
        switch (layer.Cell)
        {
            case CellKind.Lstm:
                w.Line("// i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c' = f⊙c + i⊙g; h' = o⊙tanh(c'). The gates keep their activations");
                w.Line("// for backward, and so does tanhCell (tanh(c')) unless it is empty.");
                w.Line("private static void " + name + "(" + Span + " gates, " + Span + " c, " + Span + " h, " + Span + " tanhCell) =>");
                w.Line("    global::RnnGen.Kernels.CellKernels.LstmForward(gates, c, h, tanhCell);");
                break;
            case CellKind.Gru:
                w.Line("// r = σ(a_r + u_r), z = σ(a_z + u_z), n = tanh(a_n + r⊙u_n), h' = (1 − z)⊙n + z⊙h, with u = W_hh·h + b_hh. The gates keep r, z, n for backward.");
                w.Line("private static void " + name + "(" + Span + " gates, " + ReadOnlySpan + " recurrent, " + Span + " h, " + Span + " recurrentN) =>");
                w.Line("    global::RnnGen.Kernels.CellKernels.GruForward(gates, recurrent, h, recurrentN);");
                break;
            default:
                w.Line("// h' = " + ActivationName(layer.Activation) + "(a), where the gates already hold a = W_ih·x + b_ih + W_hh·h + b_hh; they keep h' for backward.");
                using (w.Block("private static void " + name + "(" + Span + " gates, " + Span + " h)"))
                {
                    w.Line("global::RnnGen.Kernels.CellKernels.Activate(gates, global::RnnGen.Activation." + FunctionName(layer.Activation) + ");");
                    w.Line("gates.CopyTo(h);");
                }

                break;
        }

        w.Line();
    }

    public static void WriteBackward(SourceWriter w, LayerSpec layer)
    {
        string name = layer.Identifier + "CellBackward";
        switch (layer.Cell)
        {
            case CellKind.Lstm:
                w.Line("// dh = dH + dOutput; dc = dC + dh⊙o⊙(1 − tanh²c'); pre-activation gate gradients; then dC ← dc⊙f and dH ← 0 (the recurrent product adds the rest).");
                w.Line("private static void " + name + "(" + ReadOnlySpan + " gates, " + ReadOnlySpan + " tanhCell, " + ReadOnlySpan + " cellPrevious, " + ReadOnlySpan + " dOutput, " + Span + " dH, " + Span + " dC, " + Span + " dGates) =>");
                w.Line("    global::RnnGen.Kernels.CellKernels.LstmBackward(gates, tanhCell, cellPrevious, dOutput, dH, dC, dGates);");
                break;
            case CellKind.Gru:
                w.Line("// dh = dH + dOutput; through n, z and r to the input-side gates (dGates) and the recurrent side (dRecurrent, whose n block is scaled by r); dH ← dh⊙z.");
                w.Line("private static void " + name + "(" + ReadOnlySpan + " gates, " + ReadOnlySpan + " recurrentN, " + ReadOnlySpan + " hiddenPrevious, " + ReadOnlySpan + " dOutput, " + Span + " dH, " + Span + " dGates, " + Span + " dRecurrent) =>");
                w.Line("    global::RnnGen.Kernels.CellKernels.GruBackward(gates, recurrentN, hiddenPrevious, dOutput, dH, dGates, dRecurrent);");
                break;
            default:
                w.Line("// da = (dH + dOutput)⊙" + ActivationName(layer.Activation) + "'(a), from the stored h'; dH ← 0 (the recurrent product adds the rest).");
                using (w.Block("private static void " + name + "(" + ReadOnlySpan + " gates, " + ReadOnlySpan + " dOutput, " + Span + " dH, " + Span + " dGates)"))
                {
                    w.Line("const int Hidden = " + Invariant(layer.Units) + ";");
                    using (w.Block("for (int j = 0; j < Hidden; j++)"))
                    {
                        w.Line("float dh = dOutput.IsEmpty ? dH[j] : dH[j] + dOutput[j];");
                        w.Line("float value = gates[j];");
                        w.Line("dGates[j] = dh * " + DerivativeFromOutput(layer.Activation, "value") + ";");
                        w.Line("dH[j] = 0f;");
                    }
                }

                break;
        }

        w.Line();
    }

    public static string FunctionName(ActivationKind activation) => activation switch
    {
        ActivationKind.Relu => "Relu",
        ActivationKind.Sigmoid => "Sigmoid",
        _ => "Tanh",
    };

    /// <summary>f'(a) written in terms of y = f(a), which is what forward keeps.</summary>
    public static string DerivativeFromOutput(ActivationKind activation, string y) => activation switch
    {
        ActivationKind.Relu => "(" + y + " > 0f ? 1f : 0f)",
        ActivationKind.Sigmoid => "(" + y + " * (1f - " + y + "))",
        ActivationKind.Tanh => "(1f - (" + y + " * " + y + "))",
        _ => "1f",
    };
}
