using System;

namespace RnnGen.Generator.Model;

internal enum LayerKind
{
    Embedding,
    Recurrent,
    Dense,
    Dropout,
}

internal enum CellKind
{
    None,
    SimpleRnn,
    Lstm,
    Gru,
}

/// <summary>Element-wise activation; values equal the runtime's <c>RnnGen.Activation</c>.</summary>
internal enum ActivationKind
{
    None = 0,
    Tanh = 1,
    Sigmoid = 2,
    Relu = 3,
    Softmax = 4,
}

/// <summary>
/// One declared layer, with every size resolved. A flat record so equality is by value.
/// </summary>
/// <param name="Kind">What the layer computes.</param>
/// <param name="Cell">The recurrent cell, or <see cref="CellKind.None"/>.</param>
/// <param name="Name">Tensor-name prefix, e.g. <c>lstm</c>.</param>
/// <param name="Identifier">A C# identifier fragment unique within the model, e.g. <c>Lstm</c>.</param>
/// <param name="InputWidth">Features per step (or per sequence) entering the layer.</param>
/// <param name="Units">Hidden size per direction, dense outputs or embedding dimension.</param>
/// <param name="Vocabulary">Embedding rows; 0 for other layers.</param>
/// <param name="Stack">Stacked recurrent layers (PyTorch <c>num_layers</c>); 1 otherwise.</param>
/// <param name="Bidirectional">Runs a reverse direction too.</param>
/// <param name="InputIsSequence">The layer receives one vector per time step.</param>
/// <param name="OutputIsSequence">The layer emits one vector per time step.</param>
/// <param name="Activation">Dense or SimpleRNN activation.</param>
/// <param name="Rate">Dropout probability.</param>
/// <param name="StateOffset">Recurrent only: offset of this layer's state in a sequence's state vector.</param>
internal sealed record LayerSpec(
    LayerKind Kind,
    CellKind Cell,
    string Name,
    string Identifier,
    int InputWidth,
    int Units,
    int Vocabulary,
    int Stack,
    bool Bidirectional,
    bool InputIsSequence,
    bool OutputIsSequence,
    ActivationKind Activation,
    double Rate,
    int StateOffset)
{
    public int Directions => Bidirectional ? 2 : 1;

    /// <summary>Gate blocks stacked in the weights: RNN 1, LSTM 4 (i, f, g, o), GRU 3 (r, z, n).</summary>
    public int Gates => Cell switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru => 3,
        _ => 1,
    };

    public int OutputWidth => Kind switch
    {
        LayerKind.Recurrent => Directions * Units,
        LayerKind.Dense => Units,
        LayerKind.Embedding => Units,
        _ => InputWidth,
    };

    /// <summary>Input features of stacked layer <paramref name="k"/>.</summary>
    public int SublayerInputWidth(int k) => k == 0 ? InputWidth : Directions * Units;

    /// <summary>Floats of recurrent state per sequence: h (and c for an LSTM) for every layer and direction.</summary>
    /// <remarks>Sizes are bounded by the parser (2^24, 64 layers), so this fits an int.</remarks>
    public int StateSize => Kind == LayerKind.Recurrent
        ? (int)Math.Min(int.MaxValue, (Cell == CellKind.Lstm ? 2L : 1L) * Stack * Directions * Units)
        : 0;

    public long ParameterCount
    {
        get
        {
            switch (Kind)
            {
                case LayerKind.Embedding:
                    return (long)Vocabulary * Units;
                case LayerKind.Dense:
                    return ((long)InputWidth * Units) + Units;
                case LayerKind.Recurrent:
                    long total = 0;
                    long rows = (long)Gates * Units;
                    for (int k = 0; k < Stack; k++)
                    {
                        total += Directions * ((rows * SublayerInputWidth(k)) + (rows * Units) + (2 * rows));
                    }

                    return total;
                default:
                    return 0;
            }
        }
    }
}
