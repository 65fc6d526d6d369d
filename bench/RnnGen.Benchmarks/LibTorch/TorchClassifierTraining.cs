using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RnnGen.Benchmarks.LibTorch;

/// <summary>
/// One training step of a recurrent layer → <c>nn.Linear</c> classifier on a fixed batch ([steps, batch, input],
/// time-major): forward, <c>nn.CrossEntropyLoss</c>, backward, <c>torch.optim.Adam</c>, temporaries disposed by a scope.
/// </summary>
internal sealed class TorchClassifierTraining : IDisposable
{
    private readonly nn.Module _recurrent;
    private readonly Func<Tensor, Tensor> _finalHidden;
    private readonly Linear _dense;
    private readonly CrossEntropyLoss _loss = nn.CrossEntropyLoss();
    private readonly optim.Optimizer _optimizer;
    private readonly Tensor _inputs;
    private readonly Tensor _labels;

    private TorchClassifierTraining(nn.Module recurrent, Func<Tensor, Tensor> finalHidden, ParameterSet weights, int hiddenSize, int classes, float[] inputs, int[] labels, int inputSize)
    {
        _recurrent = recurrent;
        _finalHidden = finalHidden;
        _dense = nn.Linear(hiddenSize, classes);
        Torch.CopyWeights(weights, _dense, name => $"dense.{name}");
        _optimizer = optim.Adam(_recurrent.parameters().Concat(_dense.parameters()));
        _inputs = Torch.FromArray(inputs, inputs.Length / (labels.Length * inputSize), labels.Length, inputSize);
        _labels = Torch.Labels(labels);
    }

    /// <summary>An <c>nn.LSTM</c> → <c>nn.Linear</c> with RnnGen's weights of layers <c>lstm</c> and <c>dense</c>.</summary>
    public static TorchClassifierTraining Lstm(ParameterSet weights, int inputSize, int hiddenSize, int classes, float[] inputs, int[] labels)
    {
        LSTM lstm = nn.LSTM(inputSize, hiddenSize);
        Torch.CopyWeights(weights, lstm, name => $"lstm.{name}");
        return new TorchClassifierTraining(lstm, input => lstm.forward(input).Item2[0], weights, hiddenSize, classes, inputs, labels, inputSize);
    }

    /// <summary>An <c>nn.GRU</c> → <c>nn.Linear</c> with RnnGen's weights of layers <c>gru</c> and <c>dense</c>.</summary>
    public static TorchClassifierTraining Gru(ParameterSet weights, int inputSize, int hiddenSize, int classes, float[] inputs, int[] labels)
    {
        GRU gru = nn.GRU(inputSize, hiddenSize);
        Torch.CopyWeights(weights, gru, name => $"gru.{name}");
        return new TorchClassifierTraining(gru, input => gru.forward(input).Item2[0], weights, hiddenSize, classes, inputs, labels, inputSize);
    }

    /// <summary>One optimizer step on the batch.</summary>
    public void Step()
    {
        using var scope = NewDisposeScope();
        _optimizer.zero_grad();
        Tensor loss = _loss.forward(_dense.forward(_finalHidden(_inputs)), _labels);
        loss.backward();
        _optimizer.step();
    }

    /// <summary>The logits of the batch with the current weights, [batch, classes], without training.</summary>
    public float[] Logits()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Torch.ToArray(_dense.forward(_finalHidden(_inputs)));
    }

    public void Dispose()
    {
        _recurrent.Dispose();
        _dense.Dispose();
        _loss.Dispose();
        _inputs.Dispose();
        _labels.Dispose();
    }
}
