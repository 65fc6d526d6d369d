using RnnGen.Benchmarks.Support;
using RnnGen.Kernels;

namespace RnnGen.Benchmarks.Models;

/// <summary>
/// The matrix products of one training step of recurrent(128) → Dense(10) on a full batch, and nothing else: the
/// calls the generated Forward and Backward make to <see cref="MatrixKernels"/>, with the same shapes, in the same
/// order, on one thread (the weight gradients with the bias gradients they sum on the way). Timed beside the whole training step, it says how fast the products run and how much of
/// the step is everything else (cells, copies, loss, optimizer).
/// </summary>
internal sealed class TrainingProducts
{
    private const int Hidden = 128;
    private readonly int _batch;
    private readonly int _gateWidth;
    private readonly int _rows;
    private readonly float[] _inputs;
    private readonly float[] _weightIh;
    private readonly float[] _weightHh;
    private readonly float[] _denseWeight;
    private readonly float[] _gates;
    private readonly float[] _hiddenPrevious;
    private readonly float[] _stepHidden;
    private readonly float[] _logits;
    private readonly float[] _packedWeightHh;
    private readonly float[] _dGates;
    private readonly float[]? _dRecurrent;
    private readonly float[] _dHidden;
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
        _rows = Sizes.Steps * batch;
        _inputs = TestData.Uniform(_rows * Sizes.Input, seed: 401);
        _weightIh = TestData.Uniform(_gateWidth * Sizes.Input, seed: 402);
        _weightHh = TestData.Uniform(_gateWidth * Hidden, seed: 403);
        _denseWeight = TestData.Uniform(Sizes.Classes * Hidden, seed: 404);
        _hiddenPrevious = TestData.Uniform(_rows * Hidden, seed: 405);
        _dGates = TestData.Uniform(_rows * _gateWidth, seed: 406);

        // a GRU's dW_hh multiplies the gradients of its recurrent side (the n block scaled by r), not dGates
        _dRecurrent = gatesPerUnit == 3 ? TestData.Uniform(_rows * _gateWidth, seed: 408) : null;
        _dLogits = TestData.Uniform(batch * Sizes.Classes, seed: 407);
        _gates = new float[_rows * _gateWidth];
        _stepHidden = new float[batch * Hidden];
        _logits = new float[batch * Sizes.Classes];
        _packedWeightHh = new float[MatrixKernels.PackedWeightsLength(_gateWidth, Hidden)];
        _dHidden = new float[batch * Hidden];
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
        int stepGates = _batch * _gateWidth;

        // forward: x·W_ihᵀ for all steps, W_hhᵀ packed, h·W_hhᵀ per step, then the Dense head
        MatrixKernels.MultiplyTransposedAdd(_inputs, Sizes.Input, _weightIh, _gates, _gateWidth, _rows, Sizes.Input, _gateWidth);
        MatrixKernels.PackWeights(_weightHh, _gateWidth, Hidden, transposed: true, _packedWeightHh);
        for (int t = 0; t < Sizes.Steps; t++)
        {
            MatrixKernels.MultiplyAddPrepacked(_hiddenPrevious.AsSpan(t * _batch * Hidden), Hidden, _packedWeightHh, _gates.AsSpan(t * stepGates, stepGates), _gateWidth, _batch, Hidden, _gateWidth);
        }

        MatrixKernels.MultiplyTransposedAdd(_stepHidden, Hidden, _denseWeight, _logits, Sizes.Classes, _batch, Hidden, Sizes.Classes);

        // backward: the Dense head, W_hh packed, dGates·W_hh per step, then the weight gradients over all steps
        MatrixKernels.AccumulateTransposedProduct(_dLogits, Sizes.Classes, _stepHidden, Hidden, _dDenseWeight, _batch, Sizes.Classes, Hidden, _dDenseBias);
        MatrixKernels.MultiplyAdd(_dLogits, Sizes.Classes, _denseWeight, _dHidden, Hidden, _batch, Sizes.Classes, Hidden);
        MatrixKernels.PackWeights(_weightHh, _gateWidth, Hidden, transposed: false, _packedWeightHh);
        for (int t = Sizes.Steps - 1; t >= 0; t--)
        {
            MatrixKernels.MultiplyAddPrepacked(_dGates.AsSpan(t * stepGates, stepGates), _gateWidth, _packedWeightHh, _dHidden, Hidden, _batch, _gateWidth, Hidden);
        }

        if (_dRecurrent is null)
        {
            // an LSTM's dW_hh and dW_ih both multiply dGates, which one call reads once
            MatrixKernels.AccumulateTransposedProducts(_dGates, _gateWidth, _hiddenPrevious, Hidden, _dWeightHh, Hidden, _inputs, Sizes.Input, _dWeightIh, Sizes.Input, _rows, _gateWidth, _dBiasIh, _dBiasHh);
        }
        else
        {
            // a GRU's dRecurrent and dGates share their r and z blocks: one call takes both weights' r and z rows from
            // dGates, then one call each for the n rows
            const int ResetUpdate = 2 * Hidden;
            MatrixKernels.AccumulateTransposedProducts(_dGates, _gateWidth, _hiddenPrevious, Hidden, _dWeightHh.AsSpan(0, ResetUpdate * Hidden), Hidden, _inputs, Sizes.Input, _dWeightIh.AsSpan(0, ResetUpdate * Sizes.Input), Sizes.Input, _rows, ResetUpdate, _dBiasIh.AsSpan(0, ResetUpdate), _dBiasHh.AsSpan(0, ResetUpdate));
            MatrixKernels.AccumulateTransposedProduct(_dRecurrent.AsSpan(ResetUpdate), _gateWidth, _hiddenPrevious, Hidden, _dWeightHh.AsSpan(ResetUpdate * Hidden), _rows, Hidden, Hidden, _dBiasHh.AsSpan(ResetUpdate));
            MatrixKernels.AccumulateTransposedProduct(_dGates.AsSpan(ResetUpdate), _gateWidth, _inputs, Sizes.Input, _dWeightIh.AsSpan(ResetUpdate * Sizes.Input), _rows, Hidden, Sizes.Input, _dBiasIh.AsSpan(ResetUpdate));
        }
    }

    private static double Product(int rows, int inner, int columns) => 2.0 * rows * inner * columns;
}
