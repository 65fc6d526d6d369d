using System;
using System.Text;

namespace RnnGen.Generator.Emit;

/// <summary>Writes indented C# text. Lines end in '\n' on every platform so output is byte-for-byte stable.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _text = new();
    private int _indent;

    public void Line(string line = "")
    {
        if (line.Length > 0)
        {
            _text.Append(' ', _indent * 4).Append(line);
        }

        _text.Append('\n');
    }

    public void Lines(params string[] lines)
    {
        foreach (string line in lines)
        {
            Line(line);
        }
    }

    /// <summary>Writes <paramref name="header"/> (if any), an opening brace, and indents until the returned scope is disposed.</summary>
    public Scope Block(string header)
    {
        if (header.Length > 0)
        {
            Line(header);
        }

        Line("{");
        _indent++;
        return new Scope(this);
    }

    public void Indent() => _indent++;

    public void Outdent() => _indent--;

    public override string ToString() => _text.ToString();

    public readonly struct Scope : IDisposable
    {
        private readonly SourceWriter _writer;

        public Scope(SourceWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line("}");
        }
    }
}
