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
                w.Line("// i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c' = f⊙c + i⊙g; h' = o⊙tanh(c'). The gates keep their activations for backward.");
                using (w.Block("private static void " + name + "(" + Span + " gates, " + Span + " c, " + Span + " h)"))
                {
                    w.Line("const int Hidden = " + Invariant(layer.Units) + ";");
                    using (w.Block("for (int j = 0; j < Hidden; j++)"))
                    {
                        w.Line("float i = " + Activations + ".Sigmoid(gates[j]);");
                        w.Line("float f = " + Activations + ".Sigmoid(gates[Hidden + j]);");
                        w.Line("float g = " + Activations + ".Tanh(gates[(2 * Hidden) + j]);");
                        w.Line("float o = " + Activations + ".Sigmoid(gates[(3 * Hidden) + j]);");
                        w.Line("gates[j] = i;");
                        w.Line("gates[Hidden + j] = f;");
                        w.Line("gates[(2 * Hidden) + j] = g;");
                        w.Line("gates[(3 * Hidden) + j] = o;");
                        w.Line("float cell = (f * c[j]) + (i * g);");
                        w.Line("c[j] = cell;");
                        w.Line("h[j] = o * " + Activations + ".Tanh(cell);");
                    }
                }

                break;
            case CellKind.Gru:
                w.Line("// r = σ(a_r + u_r), z = σ(a_z + u_z), n = tanh(a_n + r⊙u_n), h' = (1 − z)⊙n + z⊙h, with u = W_hh·h + b_hh. The gates keep r, z, n for backward.");
                using (w.Block("private static void " + name + "(" + Span + " gates, " + ReadOnlySpan + " recurrent, " + Span + " h, " + Span + " recurrentN)"))
                {
                    w.Line("const int Hidden = " + Invariant(layer.Units) + ";");
                    using (w.Block("for (int j = 0; j < Hidden; j++)"))
                    {
                        w.Line("float r = " + Activations + ".Sigmoid(gates[j] + recurrent[j]);");
                        w.Line("float z = " + Activations + ".Sigmoid(gates[Hidden + j] + recurrent[Hidden + j]);");
                        w.Line("float u = recurrent[(2 * Hidden) + j];");
                        w.Line("float n = " + Activations + ".Tanh(gates[(2 * Hidden) + j] + (r * u));");
                        w.Line("gates[j] = r;");
                        w.Line("gates[Hidden + j] = z;");
                        w.Line("gates[(2 * Hidden) + j] = n;");
                        w.Line("recurrentN[j] = u;");
                        w.Line("h[j] = ((1f - z) * n) + (z * h[j]);");
                    }
                }

                break;
            default:
                w.Line("// h' = " + ActivationName(layer.Activation) + "(a), where the gates already hold a = W_ih·x + b_ih + W_hh·h + b_hh; they keep h' for backward.");
                using (w.Block("private static void " + name + "(" + Span + " gates, " + Span + " h)"))
                {
                    w.Line("const int Hidden = " + Invariant(layer.Units) + ";");
                    using (w.Block("for (int j = 0; j < Hidden; j++)"))
                    {
                        w.Line("float value = " + Activations + "." + FunctionName(layer.Activation) + "(gates[j]);");
                        w.Line("gates[j] = value;");
                        w.Line("h[j] = value;");
                    }
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
                using (w.Block("private static void " + name + "(" + ReadOnlySpan + " gates, " + ReadOnlySpan + " cell, " + ReadOnlySpan + " cellPrevious, " + ReadOnlySpan + " dOutput, " + Span + " dH, " + Span + " dC, " + Span + " dGates)"))
                {
                    w.Line("const int Hidden = " + Invariant(layer.Units) + ";");
                    using (w.Block("for (int j = 0; j < Hidden; j++)"))
                    {
                        w.Line("float dh = dOutput.IsEmpty ? dH[j] : dH[j] + dOutput[j];");
                        w.Line("float i = gates[j];");
                        w.Line("float f = gates[Hidden + j];");
                        w.Line("float g = gates[(2 * Hidden) + j];");
                        w.Line("float o = gates[(3 * Hidden) + j];");
                        w.Line("float tanhCell = " + Activations + ".Tanh(cell[j]);");
                        w.Line("float dc = dC[j] + (dh * o * (1f - (tanhCell * tanhCell)));");
                        w.Line("dGates[j] = dc * g * i * (1f - i);");
                        w.Line("dGates[Hidden + j] = dc * cellPrevious[j] * f * (1f - f);");
                        w.Line("dGates[(2 * Hidden) + j] = dc * i * (1f - (g * g));");
                        w.Line("dGates[(3 * Hidden) + j] = dh * tanhCell * o * (1f - o);");
                        w.Line("dC[j] = dc * f;");
                        w.Line("dH[j] = 0f;");
                    }
                }

                break;
            case CellKind.Gru:
                w.Line("// dh = dH + dOutput; through n, z and r to the input-side gates (dGates) and the recurrent side (dRecurrent, whose n block is scaled by r); dH ← dh⊙z.");
                using (w.Block("private static void " + name + "(" + ReadOnlySpan + " gates, " + ReadOnlySpan + " recurrentN, " + ReadOnlySpan + " hiddenPrevious, " + ReadOnlySpan + " dOutput, " + Span + " dH, " + Span + " dGates, " + Span + " dRecurrent)"))
                {
                    w.Line("const int Hidden = " + Invariant(layer.Units) + ";");
                    using (w.Block("for (int j = 0; j < Hidden; j++)"))
                    {
                        w.Line("float dh = dOutput.IsEmpty ? dH[j] : dH[j] + dOutput[j];");
                        w.Line("float r = gates[j];");
                        w.Line("float z = gates[Hidden + j];");
                        w.Line("float n = gates[(2 * Hidden) + j];");
                        w.Line("float dn = dh * (1f - z) * (1f - (n * n));");
                        w.Line("float dz = dh * (hiddenPrevious[j] - n) * z * (1f - z);");
                        w.Line("float dr = dn * recurrentN[j] * r * (1f - r);");
                        w.Line("dGates[j] = dr;");
                        w.Line("dGates[Hidden + j] = dz;");
                        w.Line("dGates[(2 * Hidden) + j] = dn;");
                        w.Line("dRecurrent[j] = dr;");
                        w.Line("dRecurrent[Hidden + j] = dz;");
                        w.Line("dRecurrent[(2 * Hidden) + j] = dn * r;");
                        w.Line("dH[j] = dh * z;");
                    }
                }

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
