using System.Globalization;
using System.Text;

namespace Condense.Workflows;

/// <summary>
/// BERT's uncased tokenizer in brief (lower-case, strip accents, split on whitespace and
/// punctuation, greedy longest-match WordPiece with "##" continuations, [CLS] … [SEP]): enough to
/// feed MiniLM real sentences until the data branch's tokenizer is merged.
/// </summary>
internal sealed class WordPieceShim
{
    readonly Dictionary<string, long> vocab;

    public WordPieceShim(IEnumerable<string> lines)
    {
        vocab = new Dictionary<string, long>(StringComparer.Ordinal);
        long i = 0;
        foreach (var line in lines) vocab.TryAdd(line.TrimEnd('\r'), i++);
        foreach (var special in new[] { "[CLS]", "[SEP]", "[UNK]" })
            if (!vocab.ContainsKey(special)) throw new CondenseException($"vocabulary has no {special}");
    }

    public long[] Encode(string text, int maxLength)
    {
        var ids = new List<long> { vocab["[CLS]"] };
        foreach (var word in Words(text))
        {
            var pieces = Pieces(word);
            if (ids.Count + pieces.Count > maxLength - 1) break;
            ids.AddRange(pieces);
        }
        ids.Add(vocab["[SEP]"]);
        return [.. ids];
    }

    static IEnumerable<string> Words(string text)
    {
        var normalized = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder();
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsWhiteSpace(c)) { if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); } continue; }
            if (char.IsPunctuation(c) || char.IsSymbol(c))
            {
                if (sb.Length > 0) { yield return sb.ToString(); sb.Clear(); }
                yield return c.ToString();
                continue;
            }
            sb.Append(c);
        }
        if (sb.Length > 0) yield return sb.ToString();
    }

    List<long> Pieces(string word)
    {
        var result = new List<long>();
        int start = 0;
        while (start < word.Length)
        {
            int end = word.Length;
            long id = -1;
            while (end > start)
            {
                var piece = (start > 0 ? "##" : "") + word[start..end];
                if (vocab.TryGetValue(piece, out id)) break;
                end--;
            }
            if (end == start) return [vocab["[UNK]"]];
            result.Add(id);
            start = end;
        }
        return result;
    }
}
