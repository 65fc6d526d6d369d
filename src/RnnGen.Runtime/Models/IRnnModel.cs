using System;

namespace RnnGen;

/// <summary>
/// What every generated model offers to code that is not written for one model (trainers, tests, tools).
/// The generated class has the same members in public form with its sizes as constants.
/// </summary>
public interface IRnnModel
{
    /// <summary>The model's fixed sizes.</summary>
    ModelShape Shape { get; }

    /// <summary>Weights and gradients, with a view per tensor under its PyTorch state_dict name.</summary>
    ParameterSet Parameters { get; }

    /// <summary>Largest batch that Forward accepts.</summary>
    int MaxBatch { get; }

    /// <summary>Longest sequence that Forward accepts.</summary>
    int MaxSteps { get; }

    /// <summary>Restarts the random stream of the dropout masks (nothing to do for a model without dropout).</summary>
    void SeedDropout(ulong seed);
}

/// <summary>A generated model that reads feature vectors ([steps, batch, InputSize]).</summary>
public interface IDenseInputModel : IRnnModel
{
    /// <summary>Runs a time-major batch; see the generated <c>Forward</c>. State spans may be empty.</summary>
    void Forward(ReadOnlySpan<float> inputs, ReadOnlySpan<int> lengths, Span<float> outputs, ReadOnlySpan<float> initialState, Span<float> finalState, bool training);

    /// <summary>Back-propagates through the last Forward; see the generated <c>Backward</c>. Optional spans may be empty.</summary>
    void Backward(ReadOnlySpan<float> outputGradient, Span<float> inputGradient, Span<float> initialStateGradient, ReadOnlySpan<float> finalStateGradient);
}

/// <summary>A generated model that reads token ids ([steps, batch]) through a first Embedding layer.</summary>
public interface ITokenInputModel : IRnnModel
{
    /// <summary>Runs a time-major batch of token ids; see the generated <c>Forward</c>. State spans may be empty.</summary>
    void Forward(ReadOnlySpan<int> tokens, ReadOnlySpan<int> lengths, Span<float> outputs, ReadOnlySpan<float> initialState, Span<float> finalState, bool training);

    /// <summary>Back-propagates through the last Forward; see the generated <c>Backward</c>. Optional spans may be empty.</summary>
    void Backward(ReadOnlySpan<float> outputGradient, Span<float> initialStateGradient, ReadOnlySpan<float> finalStateGradient);
}
