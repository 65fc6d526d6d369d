using System;
using System.Globalization;
using System.IO;
using System.Text;

namespace RnnGen.Data;

/// <summary>
/// The text format of <see cref="Vocabulary.Save"/>: UTF-8 without a byte order mark, one escaped token per line,
/// each line ended by a line feed.
/// </summary>
internal static class VocabularyFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void Write(string path, ReadOnlySpan<string> tokens)
    {
        var text = new StringBuilder();
        foreach (string token in tokens)
        {
            AppendEscaped(text, token);
            text.Append('\n');
        }

        File.WriteAllText(path, text.ToString(), StrictUtf8);
    }

    public static string[] Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, StrictUtf8);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"{path}: the file is not valid UTF-8 ({e.Message}).", e);
        }

        if (text.Length == 0)
        {
            return [];
        }

        // The last line feed ends the last token rather than starting an empty one.
        string[] lines = text.EndsWith('\n') ? text[..^1].Split('\n') : text.Split('\n');
        var tokens = new string[lines.Length];
        for (int i = 0; i < lines.Length; i++)
        {
            // Saved tokens never hold a raw carriage return, so one at the end comes from a CRLF conversion.
            string line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            tokens[i] = Unescape(line, path, i + 1);
        }

        return tokens;
    }

    /// <summary>The token as it appears in the file.</summary>
    public static string Escape(string token)
    {
        var text = new StringBuilder(token.Length);
        AppendEscaped(text, token);
        return text.ToString();
    }

    private static void AppendEscaped(StringBuilder text, string token)
    {
        for (int i = 0; i < token.Length; i++)
        {
            char c = token[i];
            switch (c)
            {
                case '\\':
                    text.Append(@"\\");
                    break;
                case '\n':
                    text.Append(@"\n");
                    break;
                case '\r':
                    text.Append(@"\r");
                    break;
                case >= '\uD800' and <= '\uDBFF' when i + 1 < token.Length && char.IsLowSurrogate(token[i + 1]):
                    text.Append(c).Append(token[i + 1]);
                    i++;
                    break;
                case >= '\uD800' and <= '\uDFFF' or '\uFEFF':
                    // UTF-8 cannot hold an unpaired surrogate, and a reader takes U+FEFF first in a file for a byte order mark.
                    text.Append(@"\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    private static string Unescape(string line, string path, int lineNumber)
    {
        if (!line.Contains('\\', StringComparison.Ordinal))
        {
            return line;
        }

        var token = new StringBuilder(line.Length);
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] != '\\')
            {
                token.Append(line[i]);
                continue;
            }

            char code = i + 1 < line.Length ? line[++i] : throw Invalid(path, lineNumber, "ends in the middle of an escape");
            switch (code)
            {
                case '\\':
                    token.Append('\\');
                    break;
                case 'n':
                    token.Append('\n');
                    break;
                case 'r':
                    token.Append('\r');
                    break;
                case 'u':
                    if (i + 4 >= line.Length ||
                        !ushort.TryParse(line.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort unit))
                    {
                        throw Invalid(path, lineNumber, "has a \\u escape without four hexadecimal digits after it");
                    }

                    token.Append((char)unit);
                    i += 4;
                    break;
                default:
                    throw Invalid(path, lineNumber, $"has the unknown escape \\{code} (known: \\\\, \\n, \\r, \\uXXXX)");
            }
        }

        return token.ToString();
    }

    private static InvalidDataException Invalid(string path, int lineNumber, string problem) =>
        new($"{path}: line {lineNumber} {problem}.");
}
