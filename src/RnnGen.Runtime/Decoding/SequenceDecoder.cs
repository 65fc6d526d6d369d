using System;

namespace RnnGen.Decoding;

/// <summary>
/// Generates a token sequence from a decoder's start state through its <c>Step</c>: greedily (the most likely
/// token each step) or by beam search. Holds the buffers, so decoding allocates nothing once a call of the same
/// or smaller beam width and length has run (calls that alternate a wide short search with a narrow long one may
/// each size them anew). One instance must not decode on two threads at once.
/// </summary>
/// <typeparam name="TDecoder">A generated token-reading model.</typeparam>
/// <typeparam name="TState">Its generated <c>State</c>.</typeparam>
public sealed class SequenceDecoder<TDecoder, TState>
    where TDecoder : ITokenStepModel<TState>
    where TState : unmanaged
{
    private readonly TDecoder _decoder;
    private readonly float[] _logits;
    private Beams _beams;
    private long _largestSearch; // hypothesis ids (width × length) of the largest single search so far

    /// <summary>Creates a decoder that steps <paramref name="decoder"/>, whose outputs are logits over its vocabulary.</summary>
    /// <exception cref="ArgumentException">The decoder's outputs are not logits over the tokens it reads: another width
    /// (a token it predicts could not be fed back) or an output activation (beam search would take the log-softmax of
    /// probabilities).</exception>
    public SequenceDecoder(TDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ModelShape shape = decoder.Shape;
        if (shape.OutputSize != shape.InputSize || shape.OutputActivation != Activation.None)
        {
            throw new ArgumentException(
                $"A decoder's outputs must be logits over the {shape.InputSize} tokens it reads, but {decoder.GetType().Name} outputs {shape.OutputSize} values{(shape.OutputActivation == Activation.None ? string.Empty : $" through {shape.OutputActivation}")}: end it with [Dense({shape.InputSize})] and no activation.",
                nameof(decoder));
        }

        _decoder = decoder;
        _logits = new float[decoder.Shape.OutputSize];
        _beams = new Beams(0, 0);
    }

    /// <summary>
    /// Feeds <paramref name="startToken"/>, then each most likely token (lowest id on ties) back in, until the decoder
    /// predicts <paramref name="endToken"/> or <paramref name="output"/> is full. Writes the tokens without start and end.
    /// </summary>
    /// <param name="state">The start state (e.g. the encoder's final state); advanced in place.</param>
    /// <param name="startToken">The first input.</param>
    /// <param name="endToken">Ends the sequence; not written.</param>
    /// <param name="output">Receives the tokens; its length is the maximum length.</param>
    /// <param name="weights">The decoder's weights packed by its <c>CreateStepWeights</c> (faster steps), or null for its parameters in place.</param>
    /// <returns>The number of tokens written; <paramref name="output"/>'s length when it filled up before the end token
    /// (give it one slot more than the longest sequence expected to tell that from a sequence of exactly that length).</returns>
    public int Greedy(ref TState state, int startToken, int endToken, Span<int> output, StepWeights? weights = null)
    {
        CheckGreedy(startToken, endToken);
        int token = startToken;
        for (int t = 0; t < output.Length; t++)
        {
            _decoder.Step(token, ref state, _logits, weights);
            token = LogitMath.ArgMax(_logits);
            if (token == endToken)
            {
                return t;
            }

            output[t] = token;
        }

        return output.Length;
    }

    /// <summary>
    /// Beam search: each step keeps the <paramref name="width"/> most likely extensions of the live sequences (sum of
    /// log-probabilities), moves those that predict <paramref name="endToken"/> to the finished list, and stops once
    /// <paramref name="width"/> sequences have finished or none is left alive. A finished sequence takes its place
    /// among the <paramref name="width"/>, so fewer stay alive after it (the classic beam, not Hugging Face's, which keeps
    /// <paramref name="width"/> alive from twice as many candidates). A sequence that reaches <paramref name="output"/>'s
    /// length must end there. The result is the finished sequence with the highest score /
    /// length^<paramref name="lengthPenalty"/> (length counts the end token; 0 compares raw log-probabilities, which
    /// favours short sequences). Width 1 gives the greedy result. Logits of −∞ mask tokens out; NaN, +∞ or a step of
    /// only −∞ is refused (greedy decoding passes over NaN instead).
    /// </summary>
    /// <param name="start">The start state; not changed.</param>
    /// <param name="startToken">The first input of every hypothesis.</param>
    /// <param name="endToken">Ends a hypothesis; not written.</param>
    /// <param name="output">Receives the best sequence; its length is the maximum length.</param>
    /// <param name="width">Hypotheses kept per step, at least 1.</param>
    /// <param name="lengthPenalty">Exponent α of the length normalisation, at least 0.</param>
    /// <param name="weights">The decoder's weights packed by its <c>CreateStepWeights</c> (faster steps), or null for its parameters in place.</param>
    /// <returns>The number of tokens written.</returns>
    /// <exception cref="InvalidOperationException">The decoder gave NaN, +∞ or only −∞ logits at some step.</exception>
    public int BeamSearch(in TState start, int startToken, int endToken, Span<int> output, int width, double lengthPenalty = 1.0, StepWeights? weights = null)
    {
        CheckBeamSearch(startToken, endToken, output.Length, width, lengthPenalty);
        int maxLength = output.Length;
        if (_beams.Width < width || _beams.MaxLength < maxLength)
        {
            // Grown to cover this call and the earlier ones, unless that costs more than twice the largest single search
            // (a wide short search, then a narrow long one, would multiply their maxima): then sized for this call
            // alone, which CheckBeamSearch has made sure fits one array.
            _largestSearch = Math.Max(_largestSearch, (long)width * maxLength);
            long kept = (long)Math.Max(width, _beams.Width) * Math.Max(maxLength, _beams.MaxLength);
            _beams = kept <= 2 * _largestSearch && kept <= Array.MaxLength
                ? new Beams(Math.Max(width, _beams.Width), Math.Max(maxLength, _beams.MaxLength))
                : new Beams(width, maxLength);
        }

        var b = _beams;
        int stride = b.MaxLength;
        int vocabulary = _logits.Length;
        b.States[0] = start;
        b.Scores[0] = 0;
        b.Last[0] = startToken;
        int live = 1;
        int finished = 0;
        for (int t = 0; live > 0 && t <= maxLength; t++)
        {
            // The top `width` extensions of every live hypothesis, best first; ties keep the earlier (beam, token).
            int candidates = 0;
            for (int beam = 0; beam < live; beam++)
            {
                b.Stepped[beam] = b.States[beam];
                _decoder.Step(b.Last[beam], ref b.Stepped[beam], _logits, weights);
                double logSumExp = LogitMath.LogSumExp(_logits);
                if (!double.IsFinite(logSumExp))
                {
                    // every score would be NaN and the search would return noise; greedy skips NaN, sampling refuses it
                    throw new InvalidOperationException($"Beam search needs logits it can normalise, but the decoder's step {t + 1} gave NaN, +∞ or only −∞ (diverged weights?).");
                }
                for (int token = 0; token < vocabulary; token++)
                {
                    if (t == maxLength && token != endToken)
                    {
                        continue; // out of room: the only extension left is the end
                    }

                    double score = b.Scores[beam] + (_logits[token] - logSumExp);
                    candidates = Insert(b, candidates, width, beam, token, score);
                }
            }

            int next = 0;
            for (int c = 0; c < candidates; c++)
            {
                int beam = b.CandidateBeam[c];
                int token = b.CandidateToken[c];
                if (token == endToken)
                {
                    if (finished < width)
                    {
                        b.Tokens.AsSpan(beam * stride, t).CopyTo(b.FinishedTokens.AsSpan(finished * stride));
                        b.FinishedLength[finished] = t;
                        b.FinishedScore[finished] = b.CandidateScore[c] / Math.Pow(t + 1, lengthPenalty);
                        finished++;
                    }

                    continue;
                }

                b.Tokens.AsSpan(beam * stride, t).CopyTo(b.NextTokens.AsSpan(next * stride));
                b.NextTokens[(next * stride) + t] = token;
                b.NextStates[next] = b.Stepped[beam];
                b.NextScores[next] = b.CandidateScore[c];
                b.NextLast[next] = token;
                next++;
            }

            b.SwapGenerations();
            live = finished >= width ? 0 : next;
        }

        int best = 0;
        for (int i = 1; i < finished; i++)
        {
            if (b.FinishedScore[i] > b.FinishedScore[best])
            {
                best = i;
            }
        }

        int length = b.FinishedLength[best];
        b.FinishedTokens.AsSpan(best * stride, length).CopyTo(output);
        return length;
    }

    /// <summary>Inserts a candidate into the sorted top list if it beats the worst kept one; returns the new count.</summary>
    private static int Insert(Beams b, int count, int width, int beam, int token, double score)
    {
        if (count == width && !(score > b.CandidateScore[count - 1]))
        {
            return count;
        }

        int position = count == width ? count - 1 : count;
        while (position > 0 && score > b.CandidateScore[position - 1])
        {
            b.CandidateBeam[position] = b.CandidateBeam[position - 1];
            b.CandidateToken[position] = b.CandidateToken[position - 1];
            b.CandidateScore[position] = b.CandidateScore[position - 1];
            position--;
        }

        b.CandidateBeam[position] = beam;
        b.CandidateToken[position] = token;
        b.CandidateScore[position] = score;
        return Math.Min(count + 1, width);
    }

    /// <summary>
    /// Throws what <see cref="Greedy"/> would for these arguments, without decoding: an encoder–decoder pair checks them
    /// before it runs the encoder.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A token is outside the decoder's vocabulary.</exception>
    public void CheckGreedy(int startToken, int endToken)
    {
        int vocabulary = _logits.Length;
        if ((uint)startToken >= (uint)vocabulary)
        {
            throw new ArgumentOutOfRangeException(nameof(startToken), startToken, $"Token ids must be in [0, {vocabulary}).");
        }

        if ((uint)endToken >= (uint)vocabulary)
        {
            throw new ArgumentOutOfRangeException(nameof(endToken), endToken, $"Token ids must be in [0, {vocabulary}).");
        }
    }

    /// <summary>
    /// Throws what <see cref="BeamSearch"/> would for these arguments (<paramref name="maxLength"/> is the output's
    /// length), without decoding.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A token is outside the vocabulary, the width is below 1, the hypotheses of that width and length would not fit an
    /// array, or the length penalty is negative or not finite.
    /// </exception>
    public void CheckBeamSearch(int startToken, int endToken, int maxLength, int width, double lengthPenalty)
    {
        CheckGreedy(startToken, endToken);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if ((long)width * maxLength > Array.MaxLength)
        {
            // each of the beams' token arrays holds width × maxLength ids
            throw new ArgumentOutOfRangeException(nameof(width), width, $"{width} hypotheses of up to {maxLength} tokens need {(long)width * maxLength} ids in one array, more than .NET arrays hold.");
        }

        if (!(lengthPenalty >= 0) || double.IsInfinity(lengthPenalty))
        {
            throw new ArgumentOutOfRangeException(nameof(lengthPenalty), lengthPenalty, "The length penalty must be finite and at least 0.");
        }
    }

    /// <summary>The hypotheses of the current and the next step, candidates and finished sequences.</summary>
    private sealed class Beams(int width, int maxLength)
    {
        public int Width { get; } = width;

        public int MaxLength { get; } = maxLength;

        public TState[] States { get; private set; } = new TState[width];

        public TState[] NextStates { get; private set; } = new TState[width];

        public TState[] Stepped { get; } = new TState[width];

        public double[] Scores { get; private set; } = new double[width];

        public double[] NextScores { get; private set; } = new double[width];

        public int[] Last { get; private set; } = new int[width];

        public int[] NextLast { get; private set; } = new int[width];

        public int[] Tokens { get; private set; } = new int[width * maxLength];

        public int[] NextTokens { get; private set; } = new int[width * maxLength];

        public int[] CandidateBeam { get; } = new int[width];

        public int[] CandidateToken { get; } = new int[width];

        public double[] CandidateScore { get; } = new double[width];

        public int[] FinishedTokens { get; } = new int[width * maxLength];

        public int[] FinishedLength { get; } = new int[width];

        public double[] FinishedScore { get; } = new double[width];

        public void SwapGenerations()
        {
            (States, NextStates) = (NextStates, States);
            (Scores, NextScores) = (NextScores, Scores);
            (Last, NextLast) = (NextLast, Last);
            (Tokens, NextTokens) = (NextTokens, Tokens);
        }
    }
}
