using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnGen.Benchmarks.LibTorch;

/// <summary>
/// One LSTM step of one sequence with the state carried from step to step, as a TorchSharp user streams:
/// <c>nn.LSTMCell</c> under <c>no_grad</c>, the previous state disposed as the new one replaces it.
/// </summary>
internal sealed class TorchLstmStream : IDisposable
{
    private readonly LSTMCell _cell;
    private readonly Tensor _input;
    private Tensor _hidden;
    private Tensor _cellState;

    public TorchLstmStream(ParameterSet weights, int hiddenSize, float[] input)
    {
        _cell = nn.LSTMCell(input.Length, hiddenSize);
        Torch.CopyWeights(weights, _cell, name => $"lstm.{name}_l0");
        _input = Torch.FromArray(input, 1, input.Length);
        _hidden = zeros(1, hiddenSize);
        _cellState = zeros(1, hiddenSize);
    }

    /// <summary>The hidden state after the last step, [H].</summary>
    public float[] Hidden => Torch.ToArray(_hidden);

    /// <summary>Advances the sequence by one step.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        (Tensor hidden, Tensor cellState) = _cell.forward(_input, (_hidden, _cellState));
        _hidden.Dispose();
        _cellState.Dispose();
        _hidden = hidden;
        _cellState = cellState;
    }

    /// <summary>Starts a new sequence from the zero state.</summary>
    public void Reset()
    {
        _hidden.zero_();
        _cellState.zero_();
    }

    public void Dispose()
    {
        _cell.Dispose();
        _input.Dispose();
        _hidden.Dispose();
        _cellState.Dispose();
    }
}

/// <summary>One GRU step of one sequence with the state carried, as <see cref="TorchLstmStream"/> does with <c>nn.GRUCell</c>.</summary>
internal sealed class TorchGruStream : IDisposable
{
    private readonly GRUCell _cell;
    private readonly Tensor _input;
    private Tensor _hidden;

    public TorchGruStream(ParameterSet weights, int hiddenSize, float[] input)
    {
        _cell = nn.GRUCell(input.Length, hiddenSize);
        Torch.CopyWeights(weights, _cell, name => $"gru.{name}_l0");
        _input = Torch.FromArray(input, 1, input.Length);
        _hidden = zeros(1, hiddenSize);
    }

    /// <summary>The hidden state after the last step, [H].</summary>
    public float[] Hidden => Torch.ToArray(_hidden);

    /// <summary>Advances the sequence by one step.</summary>
    public void Step()
    {
        using var noGrad = no_grad();
        Tensor hidden = _cell.forward(_input, _hidden);
        _hidden.Dispose();
        _hidden = hidden;
    }

    /// <summary>Starts a new sequence from the zero state.</summary>
    public void Reset() => _hidden.zero_();

    public void Dispose()
    {
        _cell.Dispose();
        _input.Dispose();
        _hidden.Dispose();
    }
}
