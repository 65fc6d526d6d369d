using RnnGen.Benchmarks.Support;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks.Models;

/// <summary>
/// The matrix products of one training step of recurrent(128) → Dense(10) on a full batch, and nothing else: the
/// calls the generated Forward and Backward make to <see cref="MatrixKernels"/> on one thread, with the same shapes,
/// strides, biases and buffers, in the same order (rows b·steps + t with a spare cache line after each row of gates,
/// the per-step products over one step's rows a sequence apart, the biases added as the products store, the weight
/// gradients with the bias gradients they sum on the way). Timed beside the whole training step, it says how fast the
/// products run and how much of the step is everything else (cells, copies, loss, optimizer). When the generator
/// changes a call, this class follows it (the snapshot of an LSTM or GRU classifier shows them).
/// </summary>
internal sealed class TrainingProducts
{
    private const int Hidden = 128;
    private readonly int _batch;
    private readonly int _gateWidth;
    private readonly int _gateStride;
    private readonly int _rows;
    private readonly float[] _inputs;
    private readonly float[] _weightIh;
    private readonly float[] _weightHh;
    private readonly float[] _biasIh;
    private readonly float[] _biasHh;
    private readonly float[] _denseWeight;
    private readonly float[] _denseBias;
    private readonly float[] _gates;
    private readonly float[]? _recurrent;
    private readonly float[] _hiddenPrevious;
    private readonly float[] _state;
    private readonly float[] _logits;
    private readonly float[] _dGates;
    private readonly float[]? _dRecurrent;
    private readonly float[] _dState;
    private readonly float[] _dLogits;
    private readonly float[] _dWeightIh;
    private readonly float[] _dWeightHh;
    private readonly float[] _dDenseWeight;
    private readonly float[] _dDenseBias;
    private readonly float[] _dBiasIh;
    private readonly float[] _dBiasHh;

    /// <param name="gatesPerUnit">4 for an LSTM, 3 for a GRU.</param>
    /// <param name="batch">Sequences in the batch (28 steps each).</param>
    public TrainingProducts(int gatesPerUnit, int batch)
    {
        _batch = batch;
        _gateWidth = gatesPerUnit * Hidden;
        _gateStride = _gateWidth + 16; // as the generator lays out a row of the gates buffers
        _rows = Sizes.Steps * batch;
        _inputs = TestData.Uniform(_rows * Sizes.Input, seed: 401);
        _weightIh = TestData.Uniform(_gateWidth * Sizes.Input, seed: 402);
        _weightHh = TestData.Uniform(_gateWidth * Hidden, seed: 403);
        _denseWeight = TestData.Uniform(Sizes.Classes * Hidden, seed: 404);
        _hiddenPrevious = TestData.Uniform(_rows * Hidden, seed: 405);
        _dGates = TestData.Uniform(_rows * _gateStride, seed: 406);
        _dLogits = TestData.Uniform(batch * Sizes.Classes, seed: 407);
        _biasIh = TestData.Uniform(_gateWidth, seed: 409);
        _biasHh = TestData.Uniform(_gateWidth, seed: 410);
        _denseBias = TestData.Uniform(Sizes.Classes, seed: 411);
        _state = TestData.Uniform(batch * Hidden, seed: 412);

        // a GRU keeps h·W_hhᵀ + b_hh apart (the reset gate scales its n block), and its dW_hh's n rows and the per-step
        // dH product multiply the gradients of that recurrent side, not dGates
        bool gru = gatesPerUnit == 3;
        _recurrent = gru ? new float[batch * _gateWidth] : null;
        _dRecurrent = gru ? TestData.Uniform(_rows * _gateStride, seed: 408) : null;
        _gates = new float[_rows * _gateStride];
        _logits = new float[batch * Sizes.Classes];
        _dState = new float[batch * Hidden];
        _dWeightIh = new float[_gateWidth * Sizes.Input];
        _dWeightHh = new float[_gateWidth * Hidden];
        _dDenseWeight = new float[Sizes.Classes * Hidden];
        _dDenseBias = new float[Sizes.Classes];
        _dBiasIh = new float[_gateWidth];
        _dBiasHh = new float[_gateWidth];
    }

    /// <summary>FLOPs of one <see cref="Run"/> for these sizes: 2 per multiply-add of every product it makes.</summary>
    public static double Flops(int gatesPerUnit, int batch)
    {
        int gateWidth = gatesPerUnit * Hidden;
        int rows = Sizes.Steps * batch;
        return Product(rows, Sizes.Input, gateWidth) // input projection of every step
            + Product(rows, Hidden, gateWidth) // recurrent products, one per step
            + Product(batch, Hidden, Sizes.Classes) // Dense
            + (2 * Product(batch, Sizes.Classes, Hidden)) // Dense weight gradient and input gradient
            + Product(rows, gateWidth, Hidden) // dH, one per step
            + Product(rows, gateWidth, Hidden) // dW_hh over all steps
            + Product(rows, gateWidth, Sizes.Input); // dW_ih over all steps
    }

    /// <summary>The products of one forward and backward pass (the layer's input gradient is not asked for, as in training).</summary>
    public void Run()
    {
        int steps = Sizes.Steps;
        int stepStride = steps * _gateStride; // a step's rows, one sequence apart

        // forward: x·W_ihᵀ + b_ih for all steps, W_hhᵀ packed, h·W_hhᵀ + b_hh per step (an LSTM adds it to the step's
        // gates, a GRU writes it to its recurrent buffer), then the Dense head on the last h
        MatrixKernels.AffineRows(_inputs, Sizes.Input, _weightIh, _biasIh, _gates, _gateStride, _rows, Sizes.Input, _gateWidth);
        ReadOnlySpan<float> packedWeightHh = MatrixKernels.PackWeightsForThisThread(_weightHh, _gateWidth, Hidden, transposed: true);
        for (int t = 0; t < steps; t++)
        {
            if (_recurrent is null)
            {
                MatrixKernels.MultiplyAddPrepacked(_state, Hidden, packedWeightHh, _gates.AsSpan(t * _gateStride), stepStride, _batch, Hidden, _gateWidth, _biasHh);
            }
            else
            {
                MatrixKernels.AffineRowsPrepacked(_state, Hidden, packedWeightHh, _biasHh, _recurrent, _gateWidth, _batch, Hidden, _gateWidth);
            }
        }

        MatrixKernels.AffineRows(_state, Hidden, _denseWeight, _denseBias, _logits, Sizes.Classes, _batch, Hidden, Sizes.Classes);

        // backward: the Dense head, W_hh packed, dH += (dGates or dRecurrent)·W_hh per step, then the weight gradients
        // over all steps
        MatrixKernels.AccumulateTransposedProduct(_dLogits, Sizes.Classes, _state, Hidden, _dDenseWeight, _batch, Sizes.Classes, Hidden, _dDenseBias);
        MatrixKernels.MultiplyAdd(_dLogits, Sizes.Classes, _denseWeight, _dState, Hidden, _batch, Sizes.Classes, Hidden);
        packedWeightHh = MatrixKernels.PackWeightsForThisThread(_weightHh, _gateWidth, Hidden, transposed: false);
        float[] stepGradients = _dRecurrent ?? _dGates;
        for (int t = steps - 1; t >= 0; t--)
        {
            MatrixKernels.MultiplyAddPrepacked(stepGradients.AsSpan(t * _gateStride), stepStride, packedWeightHh, _dState, Hidden, _batch, _gateWidth, Hidden);
        }

        if (_dRecurrent is null)
        {
            // an LSTM's dW_hh and dW_ih both multiply dGates, which one call reads once
            MatrixKernels.AccumulateTransposedProducts(_dGates, _gateStride, _hiddenPrevious, Hidden, _dWeightHh, Hidden, _inputs, Sizes.Input, _dWeightIh, Sizes.Input, _rows, _gateWidth, _dBiasIh, _dBiasHh);
        }
        else
        {
            // a GRU's dRecurrent and dGates share their r and z blocks: one call takes both weights' r and z rows from
            // dGates, then one call each for the n rows
            const int ResetUpdate = 2 * Hidden;
            MatrixKernels.AccumulateTransposedProducts(_dGates, _gateStride, _hiddenPrevious, Hidden, _dWeightHh.AsSpan(0, ResetUpdate * Hidden), Hidden, _inputs, Sizes.Input, _dWeightIh.AsSpan(0, ResetUpdate * Sizes.Input), Sizes.Input, _rows, ResetUpdate, _dBiasIh.AsSpan(0, ResetUpdate), _dBiasHh.AsSpan(0, ResetUpdate));
            MatrixKernels.AccumulateTransposedProduct(_dRecurrent.AsSpan(ResetUpdate), _gateStride, _hiddenPrevious, Hidden, _dWeightHh.AsSpan(ResetUpdate * Hidden), _rows, Hidden, Hidden, _dBiasHh.AsSpan(ResetUpdate));
            MatrixKernels.AccumulateTransposedProduct(_dGates.AsSpan(ResetUpdate), _gateStride, _inputs, Sizes.Input, _dWeightIh.AsSpan(ResetUpdate * Sizes.Input), _rows, Hidden, Sizes.Input, _dBiasIh.AsSpan(ResetUpdate));
        }
    }

    private static double Product(int rows, int inner, int columns) => 2.0 * rows * inner * columns;
}
