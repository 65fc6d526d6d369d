using System;
using RnnGen.Data;

namespace RnnGen.Training;

/// <summary>
/// One batch laid out for a generated model — time-major inputs, lengths, and targets aligned with the model's
/// outputs — in buffers allocated once for the largest batch, so a training step allocates nothing.
/// </summary>
internal sealed class BatchBuffers
{
    private readonly IRnnModel _model;
    private readonly float[] _features;
    private readonly int[] _tokens;
    private readonly int[] _lengths;
    private readonly int[] _order;
    private readonly int[] _labels;
    private readonly float[] _values;
    private readonly bool[] _rowMask;
    private readonly float[] _outputs;
    private readonly float[] _gradient;

    public BatchBuffers(IRnnModel model, int maxBatch, int maxSteps, int valueSize)
    {
        _model = model;
        var shape = model.Shape;
        int rows = checked(maxBatch * maxSteps);
        _features = shape.TokenInput ? [] : new float[checked(rows * shape.InputSize)];
        _tokens = shape.TokenInput ? new int[rows] : [];
        _lengths = new int[maxBatch];
        _order = new int[maxBatch];
        int outputRows = shape.ReturnsSequences ? rows : maxBatch;
        _labels = new int[outputRows];
        _values = new float[checked(outputRows * Math.Max(valueSize, 1))];
        _rowMask = new bool[outputRows];
        _outputs = new float[checked(outputRows * shape.OutputSize)];
        _gradient = new float[_outputs.Length];
    }

    public int Steps { get; private set; }

    public int Batch { get; private set; }

    /// <summary>Rows of the model's output for this batch: steps × batch for sequence outputs, else batch.</summary>
    public int OutputRows => _model.Shape.ReturnsSequences ? Steps * Batch : Batch;

    public ReadOnlySpan<int> Lengths => _lengths.AsSpan(0, Batch);

    /// <summary>The dataset indices of the batch rows: the requested ones, longest sequence first.</summary>
    public ReadOnlySpan<int> Order => _order.AsSpan(0, Batch);

    public Span<float> Outputs => _outputs.AsSpan(0, OutputRows * _model.Shape.OutputSize);

    public Span<float> Gradient => _gradient.AsSpan(0, OutputRows * _model.Shape.OutputSize);

    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, OutputRows);

    public ReadOnlySpan<bool> RowMask => _rowMask.AsSpan(0, OutputRows);

    public ReadOnlySpan<float> Values(int valueSize) => _values.AsSpan(0, OutputRows * valueSize);

    /// <summary>
    /// Fills inputs and targets for the sequences at <paramref name="requested"/>, longest first: the generated
    /// recurrence then computes only the sequences still running at each step (a sum over the batch does not depend
    /// on its order, up to rounding).
    /// </summary>
    public void Fill(SequenceDataset data, ReadOnlySpan<int> requested, int ignoreLabel)
    {
        FillInputs(data, requested);
        FillTargets(data, ignoreLabel);
    }

    /// <summary>The inputs and lengths of <paramref name="requested"/>, longest first; the targets are left as they were.</summary>
    public void FillInputs(SequenceDataset data, ReadOnlySpan<int> requested)
    {
        Batch = requested.Length;
        Span<int> indices = _order.AsSpan(0, Batch);
        requested.CopyTo(indices);
        SortLongestFirst(data, indices);
        Span<int> lengths = _lengths.AsSpan(0, Batch);
        Steps = data.Tokens is not null
            ? SequenceBatch.FillTokens(data.Tokens, indices, _tokens, lengths)
            : SequenceBatch.FillFeatures(data.Features!, data.FeatureSize, indices, _features, lengths);
    }

    /// <summary>The targets of the sequences <see cref="FillInputs"/> filled, in its order.</summary>
    private void FillTargets(SequenceDataset data, int ignoreLabel)
    {
        ReadOnlySpan<int> indices = _order.AsSpan(0, Batch);
        ReadOnlySpan<int> lengths = _lengths.AsSpan(0, Batch);
        switch (data.TargetKind)
        {
            case TargetKind.Label:
                for (int b = 0; b < Batch; b++)
                {
                    _labels[b] = data.Labels![indices[b]];
                }

                break;
            case TargetKind.StepLabels:
                SequenceBatch.FillStepLabels(data.StepLabels!, indices, Steps, _labels.AsSpan(0, Steps * Batch), ignoreLabel);
                break;
            case TargetKind.Values:
                for (int b = 0; b < Batch; b++)
                {
                    data.Values![indices[b]].CopyTo(_values.AsSpan(b * data.ValueSize, data.ValueSize));
                    _rowMask[b] = true;
                }

                break;
            case TargetKind.StepValues:
                int width = data.ValueSize;
                for (int t = 0; t < Steps; t++)
                {
                    for (int b = 0; b < Batch; b++)
                    {
                        int row = (t * Batch) + b;
                        bool inside = t < lengths[b];
                        _rowMask[row] = inside;
                        var target = _values.AsSpan(row * width, width);
                        if (inside)
                        {
                            data.Values![indices[b]].AsSpan(t * width, width).CopyTo(target);
                        }
                        else
                        {
                            target.Clear();
                        }
                    }
                }

                break;
        }
    }

    /// <summary>Stable insertion sort by length, longest first (batches are small and often nearly sorted).</summary>
    private static void SortLongestFirst(SequenceDataset data, Span<int> indices)
    {
        for (int i = 1; i < indices.Length; i++)
        {
            int index = indices[i];
            int steps = data.StepsOf(index);
            int j = i - 1;
            while (j >= 0 && data.StepsOf(indices[j]) < steps)
            {
                indices[j + 1] = indices[j];
                j--;
            }

            indices[j + 1] = index;
        }
    }

    /// <summary>Runs the model's forward pass on the filled batch.</summary>
    public void Forward(bool training)
    {
        int rows = Steps * Batch;
        switch (_model)
        {
            case IDenseInputModel dense:
                dense.Forward(_features.AsSpan(0, rows * _model.Shape.InputSize), Lengths, Outputs, default, default, training);
                break;
            case ITokenInputModel tokens:
                tokens.Forward(_tokens.AsSpan(0, rows), Lengths, Outputs, default, default, training);
                break;
            default:
                throw new InvalidOperationException($"{_model.GetType().Name} is neither an IDenseInputModel nor an ITokenInputModel.");
        }
    }

    /// <summary>Back-propagates <see cref="Gradient"/> through the last forward pass.</summary>
    public void Backward()
    {
        switch (_model)
        {
            case IDenseInputModel dense:
                dense.Backward(Gradient, default, default, default);
                break;
            case ITokenInputModel tokens:
                tokens.Backward(Gradient, default, default);
                break;
        }
    }
}
