namespace Spam;

/// <summary>The part of a raw mail that the classifier reads.</summary>
internal static class MailText
{
    /// <summary>
    /// The Subject header, a line feed, then the body (MIME part headers and HTML included, as a mail client
    /// receives them). Every other header is dropped: the corpus' Received, Delivered-To and Return-Path lines
    /// record which mailbox and which year collected the message, and ham and spam came from different ones.
    /// </summary>
    public static string SubjectAndBody(string raw)
    {
        string text = raw.ReplaceLineEndings("\n");
        int blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        string headers = blank < 0 ? text : text[..blank];
        string body = blank < 0 ? string.Empty : text[(blank + 2)..];
        return Subject(headers.Split('\n')) + "\n" + body;
    }

    /// <summary>The Subject header with its folded continuation lines, or empty when there is none.</summary>
    private static string Subject(string[] headerLines)
    {
        for (int i = 0; i < headerLines.Length; i++)
        {
            if (!headerLines[i].StartsWith("Subject:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var subject = new List<string> { headerLines[i]["Subject:".Length..] };
            for (int j = i + 1; j < headerLines.Length && headerLines[j].Length > 0 && headerLines[j][0] is ' ' or '\t'; j++)
            {
                subject.Add(headerLines[j]);
            }

            return string.Join(' ', subject);
        }

        return string.Empty;
    }
}
