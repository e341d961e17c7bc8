using System.Text.RegularExpressions;
using Condense.Formats.Onnx;
using Condense.Imaging;
using Onnx;

namespace Condense.Tests.Graph.Structure;

/// <summary>
/// Real inputs for the packaged models until the calibration-data loader lands: random square
/// crops of the two sample photos through ResNet18's own preprocessing model, and sentences of
/// Condense's own docs through a WordPiece lookup of MiniLM's vocabulary.
/// </summary>
internal static partial class RealInputs
{
    public static List<IReadOnlyList<TensorProto>> ResNetCrops(int count, int seed)
    {
        var photos = SampleImages.Names.Select(SampleImages.Load).ToArray();
        var r = new Random(seed);
        using var prep = OnnxRuntimeRunner.FromFile(PackagedModels.ResNet18Preprocess);
        var result = new List<IReadOnlyList<TensorProto>>();
        for (int i = 0; i < count; i++)
        {
            var photo = photos[i % photos.Length];
            var side = (int)(Math.Min(photo.Width, photo.Height) * (0.3 + 0.7 * r.NextDouble()));
            int x0 = r.Next(photo.Width - side + 1), y0 = r.Next(photo.Height - side + 1);
            var flip = r.Next(2) == 1;
            var planes = new float[3 * 224 * 224];
            for (int y = 0; y < 224; y++)
                for (int x = 0; x < 224; x++)
                {
                    var sx = x0 + (flip ? 223 - x : x) * (side - 1) / 223.0;
                    var sy = y0 + y * (side - 1) / 223.0;
                    var p = photo[(int)sx, (int)sy];
                    planes[y * 224 + x] = p.R;
                    planes[224 * 224 + y * 224 + x] = p.G;
                    planes[2 * 224 * 224 + y * 224 + x] = p.B;
                }
            var pre = prep.Run([OnnxTensorData.FromFloat32("OriginalInput", planes, [1, 3, 224, 224])])[0];
            result.Add([OnnxTensorData.FromFloat32("Input247", OnnxTensorData.ToFloat32(pre), [1, 3, 224, 224])]);
        }
        return result;
    }

    public static List<IReadOnlyList<TensorProto>> MiniLmSentences(int count, int skip, int maxTokens = 48)
    {
        var vocab = File.ReadAllLines(PackagedModels.MiniLmVocab).Select((w, i) => (w, i)).GroupBy(p => p.w).ToDictionary(g => g.Key, g => (long)g.First().i);
        var docs = Path.Combine(TestPaths.RepoRoot, "docs");
        var sentences = Directory.GetFiles(docs, "*.md").Order().SelectMany(f => Sentence().Split(File.ReadAllText(f)))
            .Select(s => Markup().Replace(s, " ").Trim()).Where(s => s.Split(' ').Length is >= 6 and <= 40).Distinct().ToList();
        var result = new List<IReadOnlyList<TensorProto>>();
        foreach (var s in sentences.Skip(skip).Take(count))
        {
            var ids = new List<long> { vocab["[CLS]"] };
            foreach (var word in Word().Matches(s.ToLowerInvariant()).Select(m => m.Value))
                ids.AddRange(WordPiece(word, vocab));
            if (ids.Count > maxTokens - 1) ids = ids.Take(maxTokens - 1).ToList();
            ids.Add(vocab["[SEP]"]);
            var n = ids.Count;
            result.Add([OnnxTensorData.Int64("input_ids", [.. ids], 1, n), OnnxTensorData.Int64("attention_mask", Enumerable.Repeat(1L, n).ToArray(), 1, n),
                OnnxTensorData.Int64("token_type_ids", new long[n], 1, n)]);
        }
        return result;
    }

    static IEnumerable<long> WordPiece(string word, Dictionary<string, long> vocab)
    {
        var pieces = new List<long>();
        int start = 0;
        while (start < word.Length)
        {
            int end = word.Length;
            long? found = null;
            while (end > start)
            {
                var piece = (start > 0 ? "##" : "") + word[start..end];
                if (vocab.TryGetValue(piece, out var id)) { found = id; break; }
                end--;
            }
            if (found is null) return [vocab["[UNK]"]];
            pieces.Add(found.Value);
            start = end;
        }
        return pieces;
    }

    [GeneratedRegex(@"(?<=[.!?])\s+")]
    private static partial Regex Sentence();

    [GeneratedRegex(@"[`*_#|>\[\]()]+")]
    private static partial Regex Markup();

    [GeneratedRegex(@"[a-z0-9]+|[^\sa-z0-9]")]
    private static partial Regex Word();
}
