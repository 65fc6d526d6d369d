using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace RnnGen.Data;

/// <summary>Splits text into the tokens a <see cref="Vocabulary"/> numbers: characters or words.</summary>
public static class Tokenizer
{
    /// <summary>
    /// One token per character, a surrogate pair (an emoji, a rare CJK ideograph) kept together as one token, as
    /// character-level models such as min-char-rnn read text. Combining marks are tokens of their own; an unpaired
    /// surrogate is a one-char token. Nothing is dropped, so concatenating the tokens gives back the text.
    /// </summary>
    /// <param name="text">Any text.</param>
    /// <returns>The tokens in text order; equal tokens share one string instance.</returns>
    public static string[] Characters(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>(text.Length);

        // Texts repeat a few characters many times; one string per distinct character keeps memory small.
        var distinct = new Dictionary<int, string>();
        for (int i = 0; i < text.Length; i++)
        {
            bool pair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);

            // Code points of pairs start at 0x10000, above every single char, so the keys never collide.
            int key = pair ? char.ConvertToUtf32(text[i], text[i + 1]) : text[i];
            if (!distinct.TryGetValue(key, out string? token))
            {
                token = text.Substring(i, pair ? 2 : 1);
                distinct.Add(key, token);
            }

            tokens.Add(token);
            if (pair)
            {
                i++;
            }
        }

        return tokens.ToArray();
    }

    /// <summary>
    /// The words of <paramref name="text"/>: maximal runs of letters, combining marks, decimal digits and apostrophes
    /// (<c>'</c> and <c>’</c>), so that "don't" is one word. Everything else — spaces, punctuation, symbols — separates
    /// words and is dropped. On printable ASCII text with tabs and line feeds this gives the words of Keras'
    /// <c>Tokenizer</c> with its default filters.
    /// </summary>
    /// <param name="text">Any text.</param>
    /// <param name="lowercase">Lower-case each word with the invariant culture, as Keras does by default.</param>
    /// <returns>The words in text order.</returns>
    public static string[] Words(string text, bool lowercase = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        int start = -1;
        int i = 0;
        while (i < text.Length)
        {
            // An unpaired surrogate decodes as U+FFFD, a symbol, and so separates words.
            Rune.DecodeFromUtf16(text.AsSpan(i), out Rune rune, out int consumed);
            if (IsWordPart(rune))
            {
                if (start < 0)
                {
                    start = i;
                }
            }
            else if (start >= 0)
            {
                words.Add(Word(text, start, i, lowercase));
                start = -1;
            }

            i += consumed;
        }

        if (start >= 0)
        {
            words.Add(Word(text, start, text.Length, lowercase));
        }

        return words.ToArray();
    }

    private static string Word(string text, int start, int end, bool lowercase)
    {
        string word = text[start..end];
        return lowercase ? word.ToLowerInvariant() : word;
    }

    private static bool IsWordPart(Rune rune) =>
        rune.Value is '\'' or '\u2019' ||
        Rune.GetUnicodeCategory(rune) is
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
            UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or
            UnicodeCategory.DecimalDigitNumber;
}
