using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnGen.Benchmarks.LibTorch;

/// <summary>
/// A full forward pass over one sequence ([steps, 1, input], time-major) under <c>no_grad</c>, keeping the final
/// hidden state: <c>nn.LSTM</c> or <c>nn.GRU</c> as a TorchSharp user calls it, every temporary disposed by a scope.
/// </summary>
internal sealed class TorchSequence : IDisposable
{
    private readonly nn.Module _recurrent;
    private readonly Func<Tensor, Tensor> _finalHidden;
    private readonly Tensor _input;

    private TorchSequence(nn.Module recurrent, Func<Tensor, Tensor> finalHidden, float[] sequence, int inputSize)
    {
        _recurrent = recurrent;
        _finalHidden = finalHidden;
        _input = Torch.FromArray(sequence, sequence.Length / inputSize, 1, inputSize);
    }

    /// <summary>An <c>nn.LSTM</c> with RnnGen's weights of layer <c>lstm</c>.</summary>
    public static TorchSequence Lstm(ParameterSet weights, int inputSize, int hiddenSize, float[] sequence)
    {
        LSTM lstm = nn.LSTM(inputSize, hiddenSize);
        Torch.CopyWeights(weights, lstm, name => $"lstm.{name}");
        return new TorchSequence(lstm, input => lstm.forward(input).Item2, sequence, inputSize);
    }

    /// <summary>An <c>nn.GRU</c> with RnnGen's weights of layer <c>gru</c>.</summary>
    public static TorchSequence Gru(ParameterSet weights, int inputSize, int hiddenSize, float[] sequence)
    {
        GRU gru = nn.GRU(inputSize, hiddenSize);
        Torch.CopyWeights(weights, gru, name => $"gru.{name}");
        return new TorchSequence(gru, input => gru.forward(input).Item2, sequence, inputSize);
    }

    /// <summary>Runs the sequence; returns nothing, as the benchmark only times it.</summary>
    public void Run()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        _finalHidden(_input);
    }

    /// <summary>Runs the sequence and returns the final hidden state, [H].</summary>
    public float[] FinalHidden()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Torch.ToArray(_finalHidden(_input));
    }

    public void Dispose()
    {
        _recurrent.Dispose();
        _input.Dispose();
    }
}
