using System;
using System.Collections.Generic;

namespace RnnGen.Training;

/// <summary>
/// Source and target token sequences for an encoder–decoder (translation-style pairs). Targets hold only their
/// own tokens: the trainer feeds the decoder <see cref="StartToken"/> + target and teaches it target + <see cref="EndToken"/>.
/// </summary>
public sealed class SequencePairDataset
{
    /// <summary>Creates the dataset; the lists are used as given, not copied.</summary>
    /// <param name="sources">Encoder inputs, at least one token each.</param>
    /// <param name="targets">Decoder outputs without start and end tokens (may be empty).</param>
    /// <param name="startToken">The decoder's first input.</param>
    /// <param name="endToken">What the decoder must predict after the last target token.</param>
    /// <exception cref="ArgumentException">The lists differ in length, a source is empty, a sequence is null, or a target
    /// holds the end token.</exception>
    public SequencePairDataset(IReadOnlyList<int[]> sources, IReadOnlyList<int[]> targets, int startToken, int endToken)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(targets);
        if (sources.Count != targets.Count)
        {
            throw new ArgumentException($"There are {sources.Count} sources but {targets.Count} targets; they must pair up.", nameof(targets));
        }

        for (int i = 0; i < sources.Count; i++)
        {
            int sourceLength = (sources[i] ?? throw new ArgumentException($"Source {i} is null.", nameof(sources))).Length;
            if (sourceLength == 0)
            {
                throw new ArgumentException($"Source {i} is empty; every source needs at least one token.", nameof(sources));
            }

            int[] target = targets[i] ?? throw new ArgumentException($"Target {i} is null.", nameof(targets));
            int endAt = Array.IndexOf(target, endToken);
            if (endAt >= 0)
            {
                // as labels often carry it elsewhere: taught twice, it would end every decoded sequence one token early
                throw new ArgumentException($"Target {i} holds the end token {endToken} at position {endAt}; give targets without it: the trainer appends it.", nameof(targets));
            }

            int targetLength = target.Length;
            LongestSource = Math.Max(LongestSource, sourceLength);
            LongestTarget = Math.Max(LongestTarget, targetLength);
        }

        Sources = sources;
        Targets = targets;
        StartToken = startToken;
        EndToken = endToken;
    }

    /// <summary>Number of pairs.</summary>
    public int Count => Sources.Count;

    /// <summary>Encoder inputs.</summary>
    public IReadOnlyList<int[]> Sources { get; }

    /// <summary>Decoder targets, without start and end tokens.</summary>
    public IReadOnlyList<int[]> Targets { get; }

    /// <summary>The decoder's first input.</summary>
    public int StartToken { get; }

    /// <summary>The token that ends a target.</summary>
    public int EndToken { get; }

    /// <summary>Tokens of the longest source.</summary>
    public int LongestSource { get; }

    /// <summary>Tokens of the longest target (the decoder runs one step more).</summary>
    public int LongestTarget { get; }

    /// <summary>The pairs at <paramref name="indices"/>, in that order, with the same start and end tokens.</summary>
    public SequencePairDataset Subset(ReadOnlySpan<int> indices)
    {
        var sources = new int[indices.Length][];
        var targets = new int[indices.Length][];
        for (int i = 0; i < indices.Length; i++)
        {
            sources[i] = Sources[indices[i]];
            targets[i] = Targets[indices[i]];
        }

        return new SequencePairDataset(sources, targets, StartToken, EndToken);
    }
}
