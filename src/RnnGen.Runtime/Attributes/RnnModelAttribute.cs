using System;

namespace RnnGen;

/// <summary>
/// Marks a <c>partial class</c> as a recurrent network compiled by RnnGen. The layers follow as
/// attributes in the order the data flows: <c>[RnnModel(InputSize = 28)] [Lstm(128)] [Dense(10)]</c>.
/// A model whose first layer is <see cref="EmbeddingAttribute"/> reads token ids and needs no
/// <see cref="InputSize"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class RnnModelAttribute : Attribute
{
    /// <summary>Features per time step of the dense input (PyTorch <c>input_size</c>).</summary>
    public int InputSize { get; set; }
}
