using Microsoft.ML.Tokenizers;

namespace Condense.Formats.Text;

/// <summary>
/// Loads a BERT WordPiece vocabulary (<c>vocab.txt</c>: one token a line, the line number is the
/// id) into Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/>, after checking what the
/// tokenizer assumes and would otherwise fail on obscurely: strict UTF-8, a bounded size, no
/// duplicate or empty tokens, and the special tokens [UNK], [CLS], [SEP], [PAD] and [MASK] present.
/// </summary>
public static class VocabReader
{
    /// <summary>The largest vocabulary file read (real ones are well under 1 MB).</summary>
    public const long MaxBytes = 16L << 20;

    /// <summary>The most tokens a vocabulary may hold.</summary>
    public const int MaxTokens = 1 << 20;

    static readonly string[] Special = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"];

    /// <summary>The tokenizer for the vocabulary at <paramref name="path"/>, lower-casing when asked (uncased models).</summary>
    public static BertTokenizer Load(string path, bool lowerCase = true)
    {
        if (!File.Exists(path)) throw new CondenseException($"{path}: vocabulary file not found");
        var length = new FileInfo(path).Length;
        if (length > MaxBytes) throw new InvalidFileException(path, $"{length} bytes is more than the {MaxBytes}-byte limit for a vocabulary");
        return Parse(File.ReadAllBytes(path), path, lowerCase);
    }

    /// <summary>The tokens of a vocabulary, in id order, after the checks above.</summary>
    public static IReadOnlyList<string> Tokens(ReadOnlySpan<byte> bytes, string source)
    {
        var text = Utf8Text.Decode(bytes, source);
        var tokens = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int lineNumber = 0, emptyLine = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var token = raw.Trim().ToString();
            if (token.Length == 0)
            {
                // A final newline leaves one empty last line; any other empty line is a hole in the ids.
                if (raw.Length > 0) throw new InvalidFileException(source, $"line {lineNumber} is an empty token");
                if (emptyLine == 0) emptyLine = lineNumber;
                continue;
            }
            if (emptyLine > 0) throw new InvalidFileException(source, $"line {emptyLine} is an empty token");
            if (token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                throw new InvalidFileException(source, $"line {lineNumber} holds white space or a control character inside a token");
            if (!seen.Add(token)) throw new InvalidFileException(source, $"line {lineNumber}: token '{Short(token)}' appears twice");
            tokens.Add(token);
            if (tokens.Count > MaxTokens) throw new InvalidFileException(source, $"more than {MaxTokens} tokens");
        }
        foreach (var s in Special)
            if (!seen.Contains(s)) throw new InvalidFileException(source, $"not a BERT vocabulary: no {s} token");
        return tokens;
    }

    /// <summary>The tokenizer for vocabulary bytes held in memory.</summary>
    public static BertTokenizer Parse(ReadOnlySpan<byte> bytes, string source, bool lowerCase = true)
    {
        var tokens = Tokens(bytes, source);
        var clean = System.Text.Encoding.UTF8.GetBytes(string.Join('\n', tokens) + "\n");
        try
        {
            using var stream = new MemoryStream(clean);
            return BertTokenizer.Create(stream, new BertOptions { LowerCaseBeforeTokenization = lowerCase });
        }
        catch (ArgumentException ex)
        {
            throw new InvalidFileException(source, $"not a usable BERT vocabulary: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    static string Short(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
