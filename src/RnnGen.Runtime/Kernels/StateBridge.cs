using System;

namespace RnnGen.Kernels;

/// <summary>
/// Hands a bidirectional encoder's final state to a unidirectional decoder of twice the hidden size: the forward
/// and backward final states of each layer are concatenated, h[2l] ‖ h[2l+1] → h[l], as seq2seq models in PyTorch
/// usually do (<c>torch.cat((h[0::2], h[1::2]), dim=2)</c>). The gradient goes back the same way. A unidirectional
/// encoder's state has the decoder's layout already and is copied as it is.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class StateBridge
{
    /// <summary>[layers·2, batch, hidden] → [layers, batch, 2·hidden], for one h or c block.</summary>
    public static void ConcatenateDirections(ReadOnlySpan<float> source, Span<float> target, int layers, int batch, int hidden)
    {
        Check(source.Length, nameof(source), target.Length, nameof(target), layers, batch, hidden);
        for (int l = 0; l < layers; l++)
        {
            for (int d = 0; d < 2; d++)
            {
                for (int b = 0; b < batch; b++)
                {
                    source.Slice((((l * 2) + d) * batch + b) * hidden, hidden).CopyTo(target.Slice((((l * batch) + b) * 2 * hidden) + (d * hidden), hidden));
                }
            }
        }
    }

    /// <summary>The inverse of <see cref="ConcatenateDirections"/>: [layers, batch, 2·hidden] → [layers·2, batch, hidden].</summary>
    public static void SplitDirections(ReadOnlySpan<float> source, Span<float> target, int layers, int batch, int hidden)
    {
        Check(target.Length, nameof(target), source.Length, nameof(source), layers, batch, hidden);
        for (int l = 0; l < layers; l++)
        {
            for (int d = 0; d < 2; d++)
            {
                for (int b = 0; b < batch; b++)
                {
                    source.Slice((((l * batch) + b) * 2 * hidden) + (d * hidden), hidden).CopyTo(target.Slice((((l * 2) + d) * batch + b) * hidden, hidden));
                }
            }
        }
    }

    private static void Check(int directional, string directionalName, int concatenated, string concatenatedName, int layers, int batch, int hidden)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfNegative(hidden);
        long length = (long)layers * 2 * batch * hidden;
        if (directional != length || concatenated != length)
        {
            throw new ArgumentException(
                $"Expected {length} floats on both sides ({layers} layers × 2 directions × {batch} × {hidden}), got {directional} and {concatenated}.",
                directional != length ? directionalName : concatenatedName);
        }
    }
}
