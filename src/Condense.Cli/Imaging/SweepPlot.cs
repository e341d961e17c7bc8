using Condense.Formats;
using ScottPlot;

namespace Condense.Cli.Imaging;

/// <summary>Mean error (left axis) and indexed-PNG size (right axis) against k on a log₂ axis.</summary>
public static class SweepPlot
{
    public static void Write(string path, string title, IReadOnlyList<Condense.Workflows.Imaging.ImageSweepPoint> rows)
    {
        var plot = new Plot();
        var xs = rows.Select(r => Math.Log2(r.K)).ToArray();
        var error = plot.Add.Scatter(xs, rows.Select(r => r.MeanError).ToArray());
        error.LegendText = "mean error Σ|W−Q|";
        error.MarkerSize = 7;
        var size = plot.Add.Scatter(xs, rows.Select(r => r.PngBytes / 1024.0).ToArray());
        size.LegendText = "indexed PNG (KiB)";
        size.MarkerSize = 7;
        size.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Left.Label.Text = "mean error per pixel (0…765)";
        plot.Axes.Right.Label.Text = "file size (KiB)";
        plot.Axes.Bottom.Label.Text = "colours k";
        plot.Title($"{title}: error and size against k");
        var ticks = rows.Select(r => new Tick(Math.Log2(r.K), r.K.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.ShowLegend(Alignment.UpperCenter);
        var bytes = plot.GetImageBytes(900, 540, ImageFormat.Png);
        AtomicFile.WriteAllBytes(path, bytes);
    }
}
