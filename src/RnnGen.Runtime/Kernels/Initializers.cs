using System;
using System.ComponentModel;

namespace RnnGen.Kernels;

/// <summary>PyTorch's default parameter initializations, drawn from a <see cref="SeededRandom"/>.</summary>
/// <remarks>
/// The distributions and bounds are PyTorch's; the draws are not (PyTorch uses its own generator), so
/// weights match in distribution, not value. Load a PyTorch state dict for identical weights.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Initializers
{
    /// <summary>Fills <paramref name="values"/> with draws from U(−bound, bound), in order.</summary>
    /// <param name="values">Values to overwrite.</param>
    /// <param name="bound">Half-width of the interval; not negative.</param>
    /// <param name="random">Source of the draws; advanced by one draw per value.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is negative or NaN.</exception>
    public static void Uniform(Span<float> values, float bound, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(bound >= 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "bound must be zero or positive.");
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextUniform(-bound, bound);
        }
    }

    /// <summary>Fills <paramref name="values"/> with draws from N(0, 1), in order (torch.nn.Embedding).</summary>
    /// <param name="values">Values to overwrite.</param>
    /// <param name="random">Source of the draws.</param>
    public static void Normal(Span<float> values, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = random.NextGaussian();
        }
    }

    /// <summary>
    /// Bound 1/√H of torch.nn.RNN, LSTM and GRU, whose <c>reset_parameters</c> draws every weight and
    /// bias from U(−1/√H, 1/√H).
    /// </summary>
    /// <param name="hiddenSize">Hidden size H; positive.</param>
    /// <returns>1/√<paramref name="hiddenSize"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hiddenSize"/> is zero or negative.</exception>
    public static float RecurrentBound(int hiddenSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        return (float)(1.0 / Math.Sqrt(hiddenSize));
    }

    /// <summary>Bound 1/√fanIn of torch.nn.Linear, used for both its weight and its bias.</summary>
    /// <param name="fanIn">Number of inputs of the layer; positive.</param>
    /// <returns>1/√<paramref name="fanIn"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fanIn"/> is zero or negative.</exception>
    public static float LinearBound(int fanIn)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fanIn);

        // Linear.reset_parameters calls kaiming_uniform_(weight, a=√5): gain = √(2 / (1 + a²)) = √(1/3),
        // std = gain / √fanIn, bound = √3 · std = √3 · √(1/3) / √fanIn = 1/√fanIn.
        // The bias is drawn from U(−1/√fanIn, 1/√fanIn) explicitly, so one bound serves both.
        return (float)(1.0 / Math.Sqrt(fanIn));
    }
}
