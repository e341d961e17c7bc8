using System.Text;

namespace Condense.Formats.Text;

/// <summary>
/// Reads a file of sentences: strict UTF-8 (a byte-order mark allowed), one sentence a line,
/// blank lines skipped, surrounding white space trimmed. Size and line length are bounded so a
/// hostile file costs at most its own size.
/// </summary>
public static class SentenceFileReader
{
    /// <summary>The largest sentence file read.</summary>
    public const long MaxBytes = 64L << 20;

    /// <summary>The longest line kept (characters); longer lines are refused, not cut.</summary>
    public const int MaxLineLength = 100_000;

    /// <summary>The sentences of the file at <paramref name="path"/>; a file with none is an error.</summary>
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path)) throw new CondenseException($"{path}: no such file");
        var length = new FileInfo(path).Length;
        if (length > MaxBytes) throw new InvalidFileException(path, $"{length} bytes is more than the {MaxBytes}-byte limit for a sentence file");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>The sentences of <paramref name="bytes"/>; <paramref name="source"/> names them in errors.</summary>
    public static IReadOnlyList<string> Parse(ReadOnlySpan<byte> bytes, string source)
    {
        var text = Utf8Text.Decode(bytes, source);
        var sentences = new List<string>();
        int lineNumber = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.IsEmpty) continue;
            if (line.Length > MaxLineLength) throw new InvalidFileException(source, $"line {lineNumber} has {line.Length} characters, more than {MaxLineLength}");
            foreach (var c in line)
                if (char.IsControl(c) && c != '\t')
                    throw new InvalidFileException(source, $"line {lineNumber} holds control character U+{(int)c:X4}; not a text file");
            sentences.Add(line.ToString());
        }
        if (sentences.Count == 0) throw new InvalidFileException(source, "the file holds no sentences");
        return sentences;
    }
}
