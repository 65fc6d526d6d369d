using System;

namespace RnnGen;

/// <summary>
/// Token-id input, PyTorch <c>torch.nn.Embedding</c>: each id selects one row of a [vocabulary, dimension]
/// table. Must be the first layer; the model then reads <c>int</c> token ids.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class EmbeddingAttribute : Attribute
{
    /// <summary>Creates an embedding of <paramref name="vocabularySize"/> ids into <paramref name="dimension"/> features.</summary>
    public EmbeddingAttribute(int vocabularySize, int dimension)
    {
        VocabularySize = vocabularySize;
        Dimension = dimension;
    }

    /// <summary>Number of distinct token ids (PyTorch <c>num_embeddings</c>).</summary>
    public int VocabularySize { get; }

    /// <summary>Features per token (PyTorch <c>embedding_dim</c>).</summary>
    public int Dimension { get; }

    /// <summary>Prefix of the tensor name (<c>{Name}.weight</c>). Default <c>embedding</c>.</summary>
    public string? Name { get; set; }
}
