using System.Collections.Generic;
using RnnGen.Generator.Model;

namespace RnnGen.Generator.Emit;

/// <summary>One tensor in the parameter buffer: its layer, state_dict name, offset constant, shape and initialization.</summary>
internal sealed record TensorSlot(LayerSpec Layer, string Name, string Constant, int Offset, int[] Shape, string Initialization)
{
    public int Length
    {
        get
        {
            int length = 1;
            foreach (int dimension in Shape)
            {
                length *= dimension;
            }

            return length;
        }
    }
}

/// <summary>
/// The parameter buffer's layout: layers in order, and inside a layer the tensors in the order of PyTorch's
/// <c>named_parameters()</c>, so a state_dict maps 1:1.
/// </summary>
internal static class ParameterLayout
{
    public static List<TensorSlot> For(ModelSpec model)
    {
        var slots = new List<TensorSlot>();
        int offset = 0;
        LayerSpec? current = null;
        void Add(string name, string constant, int[] shape, string initialization)
        {
            var slot = new TensorSlot(current!, name, constant, offset, shape, initialization);
            slots.Add(slot);
            offset += slot.Length;
        }

        foreach (var layer in model.Layers)
        {
            current = layer;
            switch (layer.Kind)
            {
                case LayerKind.Embedding:
                    Add(layer.Name + ".weight", layer.Identifier + "Weight", [layer.Vocabulary, layer.Units], "normal");
                    break;
                case LayerKind.Dense:
                    Add(layer.Name + ".weight", layer.Identifier + "Weight", [layer.Units, layer.InputWidth], "linear");
                    Add(layer.Name + ".bias", layer.Identifier + "Bias", [layer.Units], "linear");
                    break;
                case LayerKind.Recurrent:
                    int rows = layer.Gates * layer.Units;
                    for (int k = 0; k < layer.Stack; k++)
                    {
                        for (int d = 0; d < layer.Directions; d++)
                        {
                            string suffix = Names.TensorSuffix(k, d);
                            string constant = "L" + Names.Invariant(k) + Names.Direction(d);
                            Add(layer.Name + ".weight_ih" + suffix, layer.Identifier + "WeightIh" + constant, [rows, layer.SublayerInputWidth(k)], "recurrent");
                            Add(layer.Name + ".weight_hh" + suffix, layer.Identifier + "WeightHh" + constant, [rows, layer.Units], "recurrent");
                            Add(layer.Name + ".bias_ih" + suffix, layer.Identifier + "BiasIh" + constant, [rows], "recurrent");
                            Add(layer.Name + ".bias_hh" + suffix, layer.Identifier + "BiasHh" + constant, [rows], "recurrent");
                        }
                    }

                    break;
            }
        }

        return slots;
    }
}
