using System;
using System.IO;
using System.Linq;
using System.Text;
using RnnGen.Data;
using RnnGen.Runtime.Tests.Weights;

namespace RnnGen.Runtime.Tests.Data;

public class VocabularyTests
{
    private static readonly string[] Text = ["the", "cat", "sat", "on", "the", "mat", "the", "cat"];

    [Fact]
    public void Ids_start_after_the_reserved_ones_most_frequent_first_ties_in_ordinal_order()
    {
        Vocabulary vocabulary = Vocabulary.Build(Text);

        Assert.Equal(0, Vocabulary.PaddingId);
        Assert.Equal(1, Vocabulary.UnknownId);
        Assert.Equal(2, vocabulary["the"]);
        Assert.Equal(3, vocabulary["cat"]);
        Assert.Equal(4, vocabulary["mat"]);
        Assert.Equal(5, vocabulary["on"]);
        Assert.Equal(6, vocabulary["sat"]);
        Assert.Equal(7, vocabulary.Count);
        Assert.Equal(["<pad>", "<unk>", "the", "cat", "mat", "on", "sat"], Enumerable.Range(0, vocabulary.Count).Select(vocabulary.TokenOf));
    }

    [Fact]
    public void Ties_are_ordinal_so_upper_case_comes_before_lower_case()
    {
        Vocabulary vocabulary = Vocabulary.Build(["b", "a", "B", "é", "A"]);

        Assert.Equal(["A", "B", "a", "b", "é"], Enumerable.Range(2, 5).Select(vocabulary.TokenOf));
    }

    [Fact]
    public void The_same_tokens_in_any_order_give_the_same_ids()
    {
        string[] tokens = Tokenizer.Characters("the quick brown fox jumps over the lazy dog, then sleeps");
        Vocabulary reference = Vocabulary.Build(tokens);
        var random = new SeededRandom(7);

        for (int trial = 0; trial < 10; trial++)
        {
            string[] shuffled = (string[])tokens.Clone();
            random.Shuffle(shuffled.AsSpan());
            Vocabulary vocabulary = Vocabulary.Build(shuffled);

            Assert.Equal(
                Enumerable.Range(0, reference.Count).Select(reference.TokenOf),
                Enumerable.Range(0, vocabulary.Count).Select(vocabulary.TokenOf));
        }
    }

    [Fact]
    public void Unknown_tokens_get_the_unknown_id_and_no_token_gets_the_padding_id()
    {
        Vocabulary vocabulary = Vocabulary.Build(Text);

        Assert.Equal(Vocabulary.UnknownId, vocabulary["dog"]);
        Assert.Equal(Vocabulary.UnknownId, vocabulary["The"]);
        Assert.Equal(Vocabulary.UnknownId, vocabulary[""]);
        Assert.Equal(Vocabulary.UnknownId, vocabulary["<unk>"]);
        Assert.Equal(Vocabulary.UnknownId, vocabulary["<pad>"]);
        Assert.DoesNotContain(Vocabulary.PaddingId, vocabulary.Encode(Text.Append("<pad>").Append("zebra")));
    }

    [Fact]
    public void Reserved_names_in_the_text_are_ordinary_tokens()
    {
        Vocabulary vocabulary = Vocabulary.Build(["<pad>", "<unk>"]);

        Assert.Equal(4, vocabulary.Count);
        Assert.Equal(2, vocabulary["<pad>"]);
        Assert.Equal(3, vocabulary["<unk>"]);
    }

    [Fact]
    public void MaxSize_counts_the_reserved_ids_and_keeps_the_most_frequent_tokens()
    {
        Vocabulary vocabulary = Vocabulary.Build(Text, maxSize: 4);

        Assert.Equal(4, vocabulary.Count);
        Assert.Equal(2, vocabulary["the"]);
        Assert.Equal(3, vocabulary["cat"]);
        Assert.Equal(Vocabulary.UnknownId, vocabulary["mat"]);
        Assert.Equal(2, Vocabulary.Build(Text, maxSize: 2).Count);
    }

    [Fact]
    public void MinCount_leaves_out_rare_tokens()
    {
        Vocabulary vocabulary = Vocabulary.Build(Text, minCount: 2);

        Assert.Equal(4, vocabulary.Count);
        Assert.Equal(Vocabulary.UnknownId, vocabulary["sat"]);
        Assert.Equal(2, Vocabulary.Build(Text, minCount: 4).Count);
    }

    [Fact]
    public void Build_rejects_bad_arguments()
    {
        ArgumentOutOfRangeException tooSmall = Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.Build(Text, maxSize: 1));
        Assert.Contains("at least 2", tooSmall.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => Vocabulary.Build(Text, minCount: 0));
        ArgumentException nullToken = Assert.Throws<ArgumentException>(() => Vocabulary.Build(["a", "b", null!]));
        Assert.Contains("Token 2 is null", nullToken.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => Vocabulary.Build(null!));
    }

    [Fact]
    public void Encode_maps_each_token_and_decode_joins_them_back()
    {
        Vocabulary vocabulary = Vocabulary.Build(Text);

        int[] ids = vocabulary.Encode(["the", "dog", "sat"]);

        Assert.Equal([2, Vocabulary.UnknownId, 6], ids);
        Assert.Equal("the <unk> sat", vocabulary.Decode(ids, " "));
        Assert.Equal("the cat", vocabulary.Decode([0, 0, 2, 3], " "));
        Assert.Equal("thecat", vocabulary.Decode([2, 0, 3], ""));
        Assert.Equal(string.Empty, vocabulary.Decode([], " "));
        Assert.Empty(vocabulary.Encode([]));
    }

    [Fact]
    public void Characters_round_trip_through_encode_and_decode()
    {
        const string Sample = "Héllo, wörld! 😀 ok";
        Vocabulary vocabulary = Vocabulary.Build(Tokenizer.Characters(Sample));

        Assert.Equal(Sample, vocabulary.Decode(vocabulary.Encode(Tokenizer.Characters(Sample)), ""));
    }

    [Fact]
    public void Ids_outside_the_vocabulary_are_rejected_naming_their_position()
    {
        Vocabulary vocabulary = Vocabulary.Build(Text);

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode([2, 3, 7], " "));
        Assert.Contains("Id 2 is 7", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode([-1], " "));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.TokenOf(7));
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.TokenOf(-1));
        Assert.Throws<ArgumentException>(() => vocabulary.Encode(["a", null!]));
    }

    private static readonly string[] OddTokens =
    [
        "plain", "", " ", "two words", "tab\there", "line\nfeed", "\n", "\r", "\r\n", "\\", "\\n", "back\\slash\\",
        @"\u0041", "\\\\n", "é", "e\u0301", "😀", "\uD800", "\uDC00", "x\uDBFFy", "\uDC00\uD800", "\u2028", "\u0085", "\0",
        "\uFEFFbom", "<pad>", "<unk>", "trailing\\", "ends with cr\r",
    ];

    [Fact]
    public void Save_and_load_round_trip_every_token_with_its_id()
    {
        using var directory = new TemporaryDirectory();
        string[] tokens = [.. OddTokens, .. OddTokens.Take(5)];
        Vocabulary original = Vocabulary.Build(tokens);
        string path = directory.File("vocab.txt");

        original.Save(path);
        Vocabulary loaded = Vocabulary.Load(path);

        Assert.Equal(original.Count, loaded.Count);
        Assert.Equal(OddTokens.Length + 2, loaded.Count);
        for (int id = 0; id < original.Count; id++)
        {
            Assert.Equal(original.TokenOf(id), loaded.TokenOf(id));
        }

        foreach (string token in OddTokens)
        {
            Assert.Equal(original[token], loaded[token]);
        }
    }

    [Fact]
    public void The_saved_file_is_one_escaped_token_per_line_in_id_order()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("vocab.txt");

        Vocabulary.Build(["b", "b", "a\nz", "c\\", "\uD800", "\uFEFF"]).Save(path);

        Assert.Equal("b\na\\nz\nc\\\\\n\\uD800\n\\uFEFF\n"u8.ToArray(), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_first_token_that_starts_with_U_FEFF_is_not_mistaken_for_a_byte_order_mark()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("vocab.txt");

        Vocabulary.Build(["\uFEFFa", "\uFEFFa", "b"]).Save(path);
        Vocabulary loaded = Vocabulary.Load(path);

        Assert.Equal("\uFEFFa", loaded.TokenOf(2));
        Assert.Equal("b", loaded.TokenOf(3));
    }

    [Fact]
    public void An_empty_vocabulary_saves_an_empty_file_and_loads_back()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("vocab.txt");

        Vocabulary.Build([]).Save(path);

        Assert.Empty(File.ReadAllBytes(path));
        Assert.Equal(2, Vocabulary.Load(path).Count);
    }

    [Theory]
    [InlineData("a\r\nb\r\n")]
    [InlineData("a\nb")]
    [InlineData("\uFEFFa\nb\n")]
    public void Load_accepts_CRLF_a_missing_last_newline_and_a_byte_order_mark(string text)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("vocab.txt");
        File.WriteAllText(path, text, new UTF8Encoding(false));

        Vocabulary vocabulary = Vocabulary.Load(path);

        Assert.Equal(4, vocabulary.Count);
        Assert.Equal(2, vocabulary["a"]);
        Assert.Equal(3, vocabulary["b"]);
    }

    [Theory]
    [InlineData("a\nb\\t\n", "line 2 has the unknown escape \\t")]
    [InlineData("a\nb\\\n", "line 2 ends in the middle of an escape")]
    [InlineData("\\u12\n", "line 1 has a \\u escape without four hexadecimal digits")]
    [InlineData("\\u12G4\n", "line 1 has a \\u escape without four hexadecimal digits")]
    [InlineData("\\u+123\n", "line 1 has a \\u escape without four hexadecimal digits")]
    [InlineData("a\nb\na\n", "line 3 repeats the token on line 1 (a)")]
    [InlineData("a\n\n\n", "line 3 repeats the token on line 2 ()")]
    [InlineData("line\\nfeed\nline\\u000Afeed\n", "line 2 repeats the token on line 1 (line\\nfeed)")]
    public void Load_rejects_a_malformed_file_naming_the_line(string text, string phrase)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("vocab.txt");
        File.WriteAllText(path, text, new UTF8Encoding(false));

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Vocabulary.Load(path));

        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(phrase, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_rejects_invalid_UTF8()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("vocab.txt");
        File.WriteAllBytes(path, [(byte)'a', (byte)'\n', 0xC3, 0x28, (byte)'\n']);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => Vocabulary.Load(path));

        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
