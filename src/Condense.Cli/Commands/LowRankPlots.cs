using Condense.Formats;
using Condense.LowRank;
using ScottPlot;

namespace Condense.Cli.Commands;

/// <summary>ScottPlot figures for the low-rank commands, written atomically as PNG.</summary>
internal static class LowRankPlots
{
    const int Width = 900, Height = 560;

    /// <summary>Accuracy (left axis, %) and relative errors (right axis) against rank; a dashed line at the full model's accuracy.</summary>
    public static void AccuracyAndError(string path, RankSweepResult sweep, string title)
    {
        var plot = new Plot();
        var ranks = sweep.Points.Select(p => (double)p.Rank).ToArray();
        if (sweep.FullAccuracy is { } full)
        {
            var acc = plot.Add.Scatter(ranks, sweep.Points.Select(p => 100 * (p.TestAccuracy ?? double.NaN)).ToArray());
            acc.LegendText = "test accuracy (%)";
            var line = plot.Add.HorizontalLine(100 * full);
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = $"full model {100 * full:F2} %";
            plot.Axes.Left.Label.Text = "test accuracy (%)";
        }
        else
        {
            var loss = plot.Add.Scatter(ranks, sweep.Points.Select(p => p.TestLoss).ToArray());
            loss.LegendText = "test loss";
            plot.Axes.Left.Label.Text = "test loss";
        }
        var right = plot.Axes.Right;
        var spectral = plot.Add.Scatter(ranks, sweep.Points.Select(p => p.RelativeSpectralError).ToArray());
        spectral.Axes.YAxis = right;
        spectral.LegendText = "relative spectral error";
        var frob = plot.Add.Scatter(ranks, sweep.Points.Select(p => p.RelativeFrobeniusError).ToArray());
        frob.Axes.YAxis = right;
        frob.LegendText = "relative Frobenius error";
        var split = sweep.Points.Where(p => p.PlusSparse is not null).ToArray();
        if (split.Length > 0)
        {
            // L + S at the same ranks: dashed, so each plain curve has its split twin.
            var xs = split.Select(p => (double)p.Rank).ToArray();
            var label = $" (L + S, S {sweep.PlusSparse})";
            var score = sweep.FullAccuracy is not null
                ? plot.Add.Scatter(xs, split.Select(p => 100 * (p.PlusSparse!.TestAccuracy ?? double.NaN)).ToArray())
                : plot.Add.Scatter(xs, split.Select(p => p.PlusSparse!.TestLoss).ToArray());
            score.LinePattern = LinePattern.Dashed;
            score.LegendText = (sweep.FullAccuracy is not null ? "test accuracy (%)" : "test loss") + label;
            foreach (var (name, values) in new[]
            {
                ("relative spectral error", split.Select(p => p.PlusSparse!.RelativeSpectralError).ToArray()),
                ("relative Frobenius error", split.Select(p => p.PlusSparse!.RelativeFrobeniusError).ToArray()),
            })
            {
                var series = plot.Add.Scatter(xs, values);
                series.Axes.YAxis = right;
                series.LinePattern = LinePattern.Dashed;
                series.LegendText = name + label;
            }
        }
        right.Label.Text = "relative error";
        var breakEven = plot.Add.VerticalLine(sweep.BreakEvenRank);
        breakEven.LinePattern = LinePattern.Dotted;
        breakEven.LegendText = $"break-even r = mn/(m+n) = {sweep.BreakEvenRank:F0}";
        plot.Axes.Bottom.Label.Text = "rank r";
        plot.Title(title);
        plot.ShowLegend(Alignment.MiddleRight);
        Save(plot, path);
    }

    /// <summary>The singular values σ_i (log10) against i, with the effective rank marked.</summary>
    public static void Spectrum(string path, IReadOnlyList<(string Label, IReadOnlyList<double> Values)> spectra, string title)
    {
        var plot = new Plot();
        foreach (var (label, values) in spectra)
        {
            var xs = Enumerable.Range(1, values.Count).Select(i => (double)i).ToArray();
            var ys = values.Select(v => Math.Log10(Math.Max(v, 1e-12))).ToArray();
            var s = plot.Add.ScatterLine(xs, ys);
            s.LegendText = label;
        }
        plot.Axes.Bottom.Label.Text = "index i";
        plot.Axes.Left.Label.Text = "log10 σ_i";
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>One line per series of (x, y) points.</summary>
    public static void Lines(string path, IReadOnlyList<(string Label, double[] X, double[] Y)> series, string xLabel, string yLabel, string title)
    {
        var plot = new Plot();
        foreach (var (label, x, y) in series)
        {
            var s = plot.Add.Scatter(x, y);
            s.LegendText = label;
        }
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = yLabel;
        plot.Title(title);
        plot.ShowLegend(Alignment.UpperRight);
        Save(plot, path);
    }

    /// <summary>"acc.png" → "acc-spectrum.png".</summary>
    public static string Sibling(string path, string suffix) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + "-" + suffix + Path.GetExtension(path));

    static void Save(Plot plot, string path)
    {
        var bytes = plot.GetImageBytes(Width, Height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
