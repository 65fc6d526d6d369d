using System;
using System.Linq;
using System.Text;
using RnnGen.Data;

namespace RnnGen.Runtime.Tests.Data;

public class TokenizerTests
{
    [Fact]
    public void Characters_are_chars_with_surrogate_pairs_kept_together()
    {
        Assert.Equal(["a", "b", "😀", " ", "𝄞", "c"], Tokenizer.Characters("ab😀 𝄞c"));
    }

    [Fact]
    public void Characters_keep_combining_marks_and_unpaired_surrogates_as_their_own_tokens()
    {
        Assert.Equal(["e", "\u0301", "\uD800", "x", "\uDC00", "\uD83D"], Tokenizer.Characters("e\u0301\uD800x\uDC00\uD83D"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Hello,\r\n\twörld! 😀😀 \uD800")]
    public void Characters_concatenate_back_to_the_text(string text)
    {
        Assert.Equal(text, string.Concat(Tokenizer.Characters(text)));
    }

    [Fact]
    public void Equal_characters_share_one_string()
    {
        string[] tokens = Tokenizer.Characters("abab");

        Assert.Same(tokens[0], tokens[2]);
        Assert.Same(tokens[1], tokens[3]);
    }

    [Fact]
    public void Words_drop_punctuation_keep_apostrophes_and_lower_case()
    {
        Assert.Equal(
            ["hello", "world", "don't", "stop", "it’s", "42", "x2", "a", "b", "c", "d"],
            Tokenizer.Words("Hello, World!  Don't stop—it’s 42... x2 a-b_c/d"));
    }

    [Fact]
    public void Words_keep_case_when_asked()
    {
        Assert.Equal(["Hello", "World"], Tokenizer.Words("Hello, World!", lowercase: false));
    }

    [Fact]
    public void Words_are_letters_marks_and_digits_of_any_script()
    {
        Assert.Equal(
            ["café", "cafe\u0301", "ελληνικά", "日本語", "𠀋x", "١٢٣"],
            Tokenizer.Words("Café cafe\u0301 «Ελληνικά» 日本語。😀𠀋x \uD800 ١٢٣"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ,.!?  ")]
    [InlineData("😀 — …")]
    public void Text_without_letters_or_digits_has_no_words(string text)
    {
        Assert.Empty(Tokenizer.Words(text));
    }

    [Fact]
    public void Words_match_Keras_text_to_word_sequence_on_printable_ASCII()
    {
        var random = new SeededRandom(2024);
        var text = new StringBuilder();
        for (int trial = 0; trial < 200; trial++)
        {
            text.Clear();
            int length = random.NextInt(60);
            for (int i = 0; i < length; i++)
            {
                // Printable ASCII, plus the tab and newline that Keras filters; favour letters so words form.
                int pick = random.NextInt(4);
                text.Append(pick switch
                {
                    0 => (char)(' ' + random.NextInt(95)),
                    1 => "\t\n"[random.NextInt(2)],
                    _ => (char)('a' + random.NextInt(26)),
                });
            }

            Assert.Equal(KerasWords(text.ToString()), Tokenizer.Words(text.ToString()));
        }
    }

    /// <summary>Keras' text_to_word_sequence with its default filters, lower=True and split=' '.</summary>
    private static string[] KerasWords(string text)
    {
        const string Filters = "!\"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n";
        var translated = new StringBuilder(text.ToLowerInvariant());
        for (int i = 0; i < translated.Length; i++)
        {
            if (Filters.Contains(translated[i], StringComparison.Ordinal))
            {
                translated[i] = ' ';
            }
        }

        return translated.ToString().Split(' ').Where(word => word.Length > 0).ToArray();
    }
}
