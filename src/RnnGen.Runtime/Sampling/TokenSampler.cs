using System;

namespace RnnGen.Sampling;

/// <summary>
/// Draws the next token from a model's output logits, as text generators do: softmax with a temperature,
/// optionally restricted to the <see cref="TopK"/> most likely tokens (ties with the k-th included, like the usual
/// top-k warper), or greedy when the temperature is 0. Seeded and allocation-free after construction.
/// </summary>
public sealed class TokenSampler
{
    private readonly float[] _scratch;
    private readonly SeededRandom _random;
    private float _temperature = 1f;
    private int _topK;

    /// <summary>Creates a sampler for logits of <paramref name="vocabularySize"/> tokens.</summary>
    public TokenSampler(int vocabularySize, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 1);
        _scratch = new float[vocabularySize];
        _random = new SeededRandom(seed);
    }

    /// <summary>Logits are divided by this before the softmax: below 1 sharpens, above 1 flattens, 0 means greedy (argmax).</summary>
    public float Temperature
    {
        get => _temperature;
        set
        {
            if (!(value >= 0) || float.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "Temperature must be finite and at least 0.");
            }

            _temperature = value;
        }
    }

    /// <summary>Sample only among the k highest logits; 0 keeps every token.</summary>
    public int TopK
    {
        get => _topK;
        set
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "TopK must be at least 0 (0 keeps every token).");
            }

            _topK = value;
        }
    }

    /// <summary>The index of the largest logit (the first one on ties); a NaN is never the largest (0 when all are NaN).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty)
        {
            throw new ArgumentException("There are no logits to choose from.", nameof(logits));
        }

        return Decoding.LogitMath.ArgMax(logits);
    }

    /// <summary>Draws one token index from <paramref name="logits"/>; a logit of −∞ masks its token out.</summary>
    /// <exception cref="ArgumentException">The logits are not as many as the vocabulary, hold NaN or +∞, or are all −∞.</exception>
    public int Sample(ReadOnlySpan<float> logits)
    {
        if (logits.Length != _scratch.Length)
        {
            throw new ArgumentException($"Expected {_scratch.Length} logits, got {logits.Length}.", nameof(logits));
        }

        // −∞ masks a token out (as in PyTorch's and Hugging Face's warpers); NaN and +∞ mean the model broke
        bool anyFinite = false;
        foreach (float logit in logits)
        {
            if (float.IsNaN(logit) || float.IsPositiveInfinity(logit))
            {
                throw new ArgumentException($"The logits contain {logit}; a model that outputs NaN or infinity cannot be sampled.", nameof(logits));
            }

            anyFinite |= logit != float.NegativeInfinity;
        }

        if (!anyFinite)
        {
            throw new ArgumentException("Every logit is −∞: every token is masked out, so there is nothing to sample.", nameof(logits));
        }

        // top-1 is not a shortcut to greedy: it keeps every logit tied with the largest, as any other k keeps ties
        if (_temperature == 0f)
        {
            return ArgMax(logits);
        }

        float max = logits[ArgMax(logits)];
        float threshold = _topK == 0 || _topK >= logits.Length ? float.NegativeInfinity : KthLargest(logits, _topK);
        double total = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            float weight = logits[i] >= threshold ? MathF.Exp((logits[i] - max) / _temperature) : 0f;
            _scratch[i] = weight;
            total += weight;
        }

        double target = _random.NextDouble() * total;
        double cumulative = 0;
        int last = 0;
        for (int i = 0; i < _scratch.Length; i++)
        {
            if (_scratch[i] == 0f)
            {
                continue;
            }

            last = i;
            cumulative += _scratch[i];
            if (target < cumulative)
            {
                return i;
            }
        }

        return last; // rounding left target at the very top
    }

    /// <summary>The k-th largest logit, by quickselect on a scratch copy.</summary>
    private float KthLargest(ReadOnlySpan<float> logits, int k)
    {
        Span<float> values = _scratch;
        logits.CopyTo(values);
        int left = 0;
        int right = values.Length - 1;
        int target = k - 1; // index in descending order
        while (left < right)
        {
            float pivot = values[(left + right) >>> 1];
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] > pivot)
                {
                    i++;
                }

                while (values[j] < pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (target <= j)
            {
                right = j;
            }
            else if (target >= i)
            {
                left = i;
            }
            else
            {
                break;
            }
        }

        return values[target];
    }
}
