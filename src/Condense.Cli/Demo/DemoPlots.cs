using System.Globalization;
using Condense.Formats;
using Condense.Metrics;
using ScottPlot;

namespace Condense.Cli.Demo;

/// <summary>The report's figures, drawn with ScottPlot and written as PNG files.</summary>
public static class DemoPlots
{
    /// <summary>Size against quality for one model, one colour per method, the Pareto front joined.</summary>
    public static void SizeVersusQuality(string path, IReadOnlyList<DemoRow> rows, string model)
    {
        var mine = rows.Where(r => r.Model == model && double.IsFinite(r.Quality)).ToList();
        var classifier = mine.Any(r => r.Accuracy is not null);
        double Y(DemoRow r) => classifier ? 100 * r.Accuracy!.Value : r.Mse!.Value;
        var plot = new Plot();
        plot.Add.Palette = new ScottPlot.Palettes.Category20();   // a dozen methods: ten colours would repeat
        foreach (var group in mine.GroupBy(r => r.Method))
        {
            var s = plot.Add.Scatter(group.Select(r => Math.Log10(r.Bytes)).ToArray(), group.Select(Y).ToArray());
            s.LegendText = group.Key;
            s.LineWidth = 0;
            s.MarkerSize = 9;
        }
        var front = ParetoFront.Indices(mine.Select(r => (double)r.Bytes).ToList(), mine.Select(Y).ToList(), higherIsBetter: classifier);
        var line = plot.Add.Scatter(front.Select(i => Math.Log10(mine[i].Bytes)).ToArray(), front.Select(i => Y(mine[i])).ToArray());
        line.LegendText = "Pareto front";
        line.MarkerSize = 0;
        line.LineWidth = 2;
        line.LinePattern = LinePattern.Dashed;
        line.Color = Colors.Black;
        LogTicks(plot, plot.Axes.Bottom);
        plot.Axes.Left.Label.Text = classifier ? "test accuracy (%)" : "test MSE";
        plot.Axes.Bottom.Label.Text = "file size (bytes, log scale)";
        plot.Title($"{model}: size against {(classifier ? "accuracy" : "reconstruction error")}");
        plot.ShowLegend(classifier ? Alignment.LowerRight : Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>For each layer, the measured relative output error beside its bound cond₁·‖W−Q‖₁/‖W‖₁, against bits.</summary>
    public static void BoundVersusMeasured(string path, IReadOnlyList<DemoLayerRow> rows)
    {
        var plot = new Plot();
        foreach (var layer in rows.GroupBy(r => r.Layer))
        {
            var bits = layer.Select(r => (double)r.Bits).ToArray();
            var bound = plot.Add.Scatter(bits, layer.Select(r => Math.Log10(r.Bound)).ToArray());
            bound.LegendText = $"{layer.Key} bound (cond₁ {layer.First().Cond1:G3}, eff. rank {layer.First().EffectiveRank:F0})";
            bound.LinePattern = LinePattern.Dashed;
            var measured = plot.Add.Scatter(bits, layer.Select(r => Math.Log10(Math.Max(r.MeasuredMean, 1e-12))).ToArray());
            measured.LegendText = $"{layer.Key} measured ‖(W−Q)x‖₁/‖Wx‖₁";
            measured.Color = bound.Color;
        }
        LogTicks(plot, plot.Axes.Left);
        plot.Axes.Left.Label.Text = "relative output error (log scale)";
        plot.Axes.Bottom.Label.Text = "k-means bits per weight";
        plot.Title("Per layer: the cond₁ bound and the measured output error");
        plot.ShowLegend(Alignment.LowerLeft);
        Save(plot, path);
    }

    /// <summary>Color sweep: mean error per pixel and the indexed PNG's size against k.</summary>
    public static void ColorSweep(string path, IReadOnlyList<DemoColorRow> rows)
    {
        var plot = new Plot();
        var xs = rows.Select(r => Math.Log2(r.K)).ToArray();
        var error = plot.Add.Scatter(xs, rows.Select(r => r.MeanError).ToArray());
        error.LegendText = "mean error Σ_c|W−Q| (0…765)";
        var size = plot.Add.Scatter(xs, rows.Select(r => r.PngBytes / 1024.0).ToArray());
        size.LegendText = "indexed PNG (KiB)";
        size.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Left.Label.Text = "mean error per pixel";
        plot.Axes.Right.Label.Text = "file size (KiB)";
        plot.Axes.Bottom.Label.Text = "colours k";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            rows.Select(r => new Tick(Math.Log2(r.K), r.K.ToString(CultureInfo.InvariantCulture))).ToArray());
        plot.Title("Sharing colours: error and size against k (chelsea.png)");
        plot.ShowLegend(Alignment.UpperCenter);
        Save(plot, path);
    }

    /// <summary>Ticks at powers of ten for an axis whose data are log₁₀ values.</summary>
    internal static void LogTicks(Plot plot, IAxis axis)
    {
        plot.Axes.AutoScale();
        var range = axis.Range;
        var ticks = new List<Tick>();
        for (var e = (int)Math.Floor(Math.Min(range.Min, range.Max)) - 1; e <= (int)Math.Ceiling(Math.Max(range.Min, range.Max)) + 1; e++)
            foreach (var m in new[] { 1, 2, 5 })
            {
                var v = m * Math.Pow(10, e);
                ticks.Add(new Tick(Math.Log10(v), v.ToString(e >= 0 ? "N0" : "G1", CultureInfo.InvariantCulture)));
            }
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks.ToArray());
    }

    internal static void Save(Plot plot, string path)
    {
        plot.Axes.AutoScale();
        AtomicFile.WriteAllBytes(path, plot.GetImageBytes(960, 600, ImageFormat.Png));
    }
}
