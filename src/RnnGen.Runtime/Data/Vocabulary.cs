using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace RnnGen.Data;

/// <summary>
/// Maps tokens (characters or words) to the integer ids an Embedding layer reads, and back.
/// </summary>
/// <remarks>
/// <para>
/// As in Keras, two ids are reserved: <see cref="PaddingId"/> (0) fills the end or start of a short sequence and is
/// never a token, and <see cref="UnknownId"/> (1) stands for every token the vocabulary does not hold (Keras'
/// <c>oov_token</c>). Real tokens take the ids from 2 on, most frequent first, so <see cref="Count"/> is the input
/// size of the Embedding layer.
/// </para>
/// <para>
/// Tokens are compared ordinally (case-sensitive, no culture). The reserved ids have no token:
/// <see cref="TokenOf"/> shows them as <see cref="PaddingToken"/> and <see cref="UnknownToken"/>, and a text that
/// contains those strings gets ids of its own for them.
/// </para>
/// </remarks>
public sealed class Vocabulary
{
    /// <summary>
    /// The id of padding; never the id of a token. A model does not mask it by value: padding is what lies past a
    /// sequence's length (Forward's lengths, or a <c>SequenceDataset</c> of unpadded sequences), and a padded
    /// sequence given whole is read padding and all, as an LSTM reads it in PyTorch without packing.
    /// </summary>
    public const int PaddingId = 0;

    /// <summary>The id of every token outside the vocabulary (out of vocabulary, OOV).</summary>
    public const int UnknownId = 1;

    /// <summary>How <see cref="TokenOf"/> shows <see cref="PaddingId"/>.</summary>
    public const string PaddingToken = "<pad>";

    /// <summary>How <see cref="TokenOf"/> and <see cref="Decode"/> show <see cref="UnknownId"/>.</summary>
    public const string UnknownToken = "<unk>";

    private const int ReservedCount = 2;

    private readonly string[] _tokensById;
    private readonly Dictionary<string, int> _idsByToken;

    private Vocabulary(IReadOnlyList<string> tokens)
    {
        _tokensById = new string[ReservedCount + tokens.Count];
        _tokensById[PaddingId] = PaddingToken;
        _tokensById[UnknownId] = UnknownToken;
        _idsByToken = new Dictionary<string, int>(tokens.Count, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++)
        {
            _tokensById[ReservedCount + i] = tokens[i];
            _idsByToken.Add(tokens[i], ReservedCount + i);
        }
    }

    /// <summary>Number of ids, the two reserved ones included: the input size of an Embedding layer.</summary>
    public int Count => _tokensById.Length;

    /// <summary>The id of <paramref name="token"/>, or <see cref="UnknownId"/> when the vocabulary does not hold it.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    public int this[string token]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(token);
            return _idsByToken.GetValueOrDefault(token, UnknownId);
        }
    }

    /// <summary>
    /// Builds a vocabulary of the tokens in <paramref name="tokens"/>, most frequent first, ties in ordinal string
    /// order, so that the same tokens always give the same ids whatever order they came in.
    /// </summary>
    /// <param name="tokens">Every token of the training text, repeats included (e.g. from <see cref="Tokenizer"/>).</param>
    /// <param name="maxSize">
    /// Largest <see cref="Count"/>, the two reserved ids included (Keras' <c>num_words</c>); the least frequent tokens
    /// beyond it are left out and become unknown. At least 2.
    /// </param>
    /// <param name="minCount">Tokens seen fewer times are left out; at least 1.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="ArgumentException">A token is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSize"/> or <paramref name="minCount"/> is out of range.</exception>
    public static Vocabulary Build(IEnumerable<string> tokens, int maxSize = int.MaxValue, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (maxSize < ReservedCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxSize), maxSize, $"maxSize counts the padding and unknown ids, so it must be at least {ReservedCount}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minCount);

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        int position = 0;
        foreach (string token in tokens)
        {
            if (token is null)
            {
                throw new ArgumentException($"Token {position} is null.", nameof(tokens));
            }

            counts[token] = counts.GetValueOrDefault(token) + 1;
            position++;
        }

        var kept = new List<KeyValuePair<string, int>>(counts.Count);
        foreach (KeyValuePair<string, int> entry in counts)
        {
            if (entry.Value >= minCount)
            {
                kept.Add(entry);
            }
        }

        kept.Sort(static (a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
        var ordered = new string[Math.Min(kept.Count, maxSize - ReservedCount)];
        for (int i = 0; i < ordered.Length; i++)
        {
            ordered[i] = kept[i].Key;
        }

        return new Vocabulary(ordered);
    }

    /// <summary>
    /// Reads a vocabulary written by <see cref="Save"/>; every token gets back the id it had. Each line is a token in id
    /// order from 2, so an empty line is the empty token: a blank line added by hand adds an id.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>The vocabulary.</returns>
    /// <exception cref="InvalidDataException">The file is not valid UTF-8, has a bad escape or repeats a token.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Vocabulary Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string[] tokens = VocabularyFile.Read(path);
        var seen = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (!seen.TryAdd(tokens[i], i))
            {
                throw new InvalidDataException(
                    $"{path}: line {i + 1} repeats the token on line {seen[tokens[i]] + 1} ({VocabularyFile.Escape(tokens[i])}).");
            }
        }

        return new Vocabulary(tokens);
    }

    /// <summary>
    /// Writes the tokens to <paramref name="path"/> as UTF-8 text, one per line in id order starting with id 2 (the
    /// reserved ids are not written). Backslash, line feed and carriage return are written as <c>\\</c>, <c>\n</c> and
    /// <c>\r</c>, and an unpaired surrogate or U+FEFF (which a reader would take for a byte order mark) as
    /// <c>\uXXXX</c>, so that every token reads back exactly.
    /// </summary>
    /// <param name="path">The file; replaced if it exists.</param>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        VocabularyFile.Write(path, _tokensById.AsSpan(ReservedCount));
    }

    /// <summary>The token with id <paramref name="id"/>; <see cref="PaddingToken"/> or <see cref="UnknownToken"/> for the reserved ids.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not in [0, Count).</exception>
    public string TokenOf(int id)
    {
        if ((uint)id >= (uint)_tokensById.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id, $"The vocabulary has ids 0 to {_tokensById.Length - 1}.");
        }

        return _tokensById[id];
    }

    /// <summary>The id of each token, <see cref="UnknownId"/> for those the vocabulary does not hold.</summary>
    /// <exception cref="ArgumentException">A token is null.</exception>
    public int[] Encode(IEnumerable<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var ids = new List<int>();
        foreach (string token in tokens)
        {
            if (token is null)
            {
                throw new ArgumentException($"Token {ids.Count} is null.", nameof(tokens));
            }

            ids.Add(_idsByToken.GetValueOrDefault(token, UnknownId));
        }

        return ids.ToArray();
    }

    /// <summary>
    /// Joins the tokens of <paramref name="ids"/> with <paramref name="separator"/> (<c>""</c> for characters,
    /// <c>" "</c> for words), skipping <see cref="PaddingId"/> and showing <see cref="UnknownId"/> as
    /// <see cref="UnknownToken"/>, as Keras' <c>sequences_to_texts</c> does.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An id is not in [0, Count).</exception>
    public string Decode(ReadOnlySpan<int> ids, string separator)
    {
        ArgumentNullException.ThrowIfNull(separator);
        var text = new StringBuilder();
        bool first = true;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)_tokensById.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Id {i} is {id}; the vocabulary has ids 0 to {_tokensById.Length - 1}.");
            }

            if (id == PaddingId)
            {
                continue;
            }

            if (!first)
            {
                text.Append(separator);
            }

            text.Append(_tokensById[id]);
            first = false;
        }

        return text.ToString();
    }
}
