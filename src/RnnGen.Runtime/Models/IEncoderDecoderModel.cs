using System;

namespace RnnGen;

/// <summary>
/// What a generated encoder–decoder pair with a token-reading encoder offers to code written for any pair
/// (the <see cref="Training.EncoderDecoderTrainer{TModel}"/>). The generated class has the same members in public form.
/// </summary>
public interface IEncoderDecoderModel
{
    /// <summary>Weights and gradients of encoder and decoder in one set (<c>encoder.…</c> then <c>decoder.…</c>).</summary>
    ParameterSet Parameters { get; }

    /// <summary>Token ids the encoder reads: [0, SourceVocabularySize).</summary>
    int SourceVocabularySize { get; }

    /// <summary>Token ids the decoder reads and predicts: [0, TargetVocabularySize).</summary>
    int TargetVocabularySize { get; }

    /// <summary>Largest batch that Forward accepts.</summary>
    int MaxBatch { get; }

    /// <summary>Longest source sequence.</summary>
    int MaxSourceSteps { get; }

    /// <summary>Longest decoder input (target length plus the start token).</summary>
    int MaxTargetSteps { get; }

    /// <summary>Restarts the dropout masks of both models from <paramref name="seed"/>.</summary>
    void SeedDropout(ulong seed);

    /// <summary>Teacher-forced forward pass; see the generated <c>Forward</c>.</summary>
    void Forward(ReadOnlySpan<int> sources, ReadOnlySpan<int> sourceLengths, ReadOnlySpan<int> targetInputs, ReadOnlySpan<int> targetLengths, Span<float> logits, bool training);

    /// <summary>Back-propagates through the last Forward into both models; see the generated <c>Backward</c>.</summary>
    void Backward(ReadOnlySpan<float> logitGradient);

    /// <summary>Greedy decoding of one source; see the generated <c>Translate</c>.</summary>
    int Translate(ReadOnlySpan<int> source, int startToken, int endToken, Span<int> output);
}
