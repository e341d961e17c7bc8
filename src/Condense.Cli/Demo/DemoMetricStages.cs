using Condense.Data;
using Condense.Imaging;
using Condense.Metrics;
using Condense.Models;
using Condense.Quantization;

namespace Condense.Cli.Demo;

/// <summary>
/// The demo's measuring stages that write no model: per-layer metrics of the classifier against
/// k-means bits (the bound beside the measured error), and the colour sweep on the bundled photo.
/// </summary>
public static class DemoMetricStages
{
    /// <summary>Per-layer cond₁, effective rank, and the measured output error beside its bound, at each k-means bits.</summary>
    public static IReadOnlyList<DemoLayerRow> Layers(DemoModel model, Dataset test, bool quick)
    {
        var inputs = LayerInputs.Capture(model.Net, test, Math.Min(500, test.Count));
        var rows = new List<DemoLayerRow>();
        foreach (var ((name, layer), x) in model.Net.Layers.Zip(inputs))
        {
            var shape = layer.weight!.shape;
            int r = (int)shape[0], c = (int)shape[1];
            float[] w;
            using (var t = layer.weight.detach().contiguous()) w = t.data<float>().ToArray();
            var cond = ConditionNumber.OneNorm(w, r, c);
            var effRank = EffectiveRank.Compute(w, r, c);
            foreach (var bits in quick ? new[] { 2, 4, 8 } : [2, 3, 4, 5, 6, 8])
            {
                var q = new ModelQuantizationOptions(QuantizationMethod.KMeans, bits).Quantize(name + ".weight", w, shape).Reconstruct();
                var m = LayerMetrics.Compute(name, w, q, r, c, x, cond);
                rows.Add(new DemoLayerRow(name, r, c, bits, cond, effRank, m.RelativeOneNormError, m.Bound, m.MeasuredMean, m.MeasuredMax));
            }
        }
        return rows;
    }

    /// <summary>The bundled photo (chelsea) at each k, written as indexed PNGs under <paramref name="folder"/>/colours.</summary>
    public static IReadOnlyList<DemoColorRow> Colors(string folder, bool quick)
    {
        var image = SampleImages.Load("chelsea");
        var rows = new List<DemoColorRow>();
        foreach (var k in quick ? new[] { 2, 8, 32, 256 } : [1, 2, 4, 8, 16, 32, 64, 128, 256])
        {
            var result = new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = 0 }).Quantize(image);
            var path = Path.Combine(folder, "colours", $"chelsea-k{k}.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var png = IndexedPngWriter.Encode(result);
            Condense.Formats.AtomicFile.WriteAllBytes(path, png);
            rows.Add(new DemoColorRow(k, result.MeanError, result.Sizes.RawRgbBytes, png.LongLength, Path.GetRelativePath(folder, path)));
        }
        return rows;
    }
}
