using System;

namespace RnnGen;

/// <summary>
/// A generated model that reads token ids and can stream one step at a time: every unidirectional model with an
/// Embedding first and a recurrent state. Decoders use it for greedy and beam-search decoding.
/// </summary>
/// <typeparam name="TState">The model's generated <c>State</c>: its recurrent state as a fixed block of floats.</typeparam>
public interface ITokenStepModel<TState> : ITokenInputModel
    where TState : unmanaged
{
    /// <summary>Advances one sequence by <paramref name="token"/>, updating <paramref name="state"/>, and writes [OutputSize] into <paramref name="output"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Step is the generated models' public member; only Visual Basic reserves the word.")]
    void Step(int token, ref TState state, Span<float> output);

    /// <summary>
    /// <see cref="Step(int, ref TState, Span{float})"/> with the weights of <paramref name="weights"/>, a copy made by the
    /// model's <c>CreateStepWeights</c>, or with its parameters in place if it is null.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "Step is the generated models' public member; only Visual Basic reserves the word.")]
    void Step(int token, ref TState state, Span<float> output, StepWeights? weights);
}
