using Condense.Analysis;
using Condense.Cli.Demo;
using ScottPlot;

namespace Condense.Cli.Reports;

/// <summary>The analysis report's figures (ScottPlot, PNG bytes to embed).</summary>
public static class AnalysisPlots
{
    /// <summary>log₁₀ of the model's output error with one layer compressed: layers down, settings across.</summary>
    public static byte[] Heatmap(OnnxAnalysisReport report)
    {
        var layers = report.Layers;
        var settings = report.Settings;
        var values = new double[layers.Count, settings.Count];
        for (int l = 0; l < layers.Count; l++)
            for (int s = 0; s < settings.Count; s++) values[l, s] = Math.Log10(Math.Max(layers[l].Settings[s].ModelError, 1e-6));
        var plot = new Plot();
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        plot.Add.ColorBar(map).Label = "log₁₀ relative output error";
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. settings.Select((s, i) => new Tick(i, s))]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. layers.Select((l, i) => new Tick(layers.Count - 1 - i, Short(l.Node)))]);
        plot.Title("Sensitivity: the model's output error with one layer compressed");
        plot.Axes.AutoScale();
        return plot.GetImageBytes(1000, Math.Max(500, 40 + 18 * layers.Count), ImageFormat.Png);
    }

    /// <summary>Every (layer, setting): the bound against the measured layer error, log–log, with the line bound = measured.</summary>
    public static byte[] BoundVersusMeasured(OnnxAnalysisReport report)
    {
        var plot = new Plot();
        var points = report.Layers.SelectMany(l => l.Settings).Where(s => s.LayerError > 0 && s.Bound > 0).ToList();
        foreach (var group in points.GroupBy(p => p.Setting))
        {
            var s = plot.Add.Scatter(group.Select(p => Math.Log10(p.LayerError!.Value)).ToArray(), group.Select(p => Math.Log10(p.Bound)).ToArray());
            s.LineWidth = 0;
            s.MarkerSize = 7;
            s.LegendText = group.Key;
        }
        if (points.Count > 0)
        {
            var lo = points.Min(p => Math.Log10(p.LayerError!.Value));
            var hi = points.Max(p => Math.Log10(p.LayerError!.Value));
            var line = plot.Add.Line(lo, lo, hi, hi);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Black;
            line.LegendText = "bound = measured";
        }
        DemoPlots.LogTicks(plot, plot.Axes.Left);
        DemoPlots.LogTicks(plot, plot.Axes.Bottom);
        plot.Axes.Bottom.Label.Text = "measured relative output error of the layer (held out, log)";
        plot.Axes.Left.Label.Text = "bound cond₁·‖W−Ŵ‖₁/‖W‖₁ (log)";
        plot.Title("Per layer and setting: the seeds' bound against the measured error");
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.AutoScale();
        return plot.GetImageBytes(960, 600, ImageFormat.Png);
    }

    /// <summary>File size against the model's output error: the uniform settings, their Pareto front, and the plan.</summary>
    public static byte[] Pareto(OnnxAnalysisReport report, ModelMeasure? plan)
    {
        var plot = new Plot();
        var uniform = report.Uniform;
        var u = plot.Add.Scatter(uniform.Select(m => Math.Log10(m.Bytes)).ToArray(), uniform.Select(m => Math.Log10(Math.Max(m.Error, 1e-6))).ToArray());
        u.LineWidth = 0;
        u.MarkerSize = 9;
        u.LegendText = "uniform settings";
        foreach (var m in uniform) plot.Add.Text(m.Name.Replace("uniform ", "", StringComparison.Ordinal), Math.Log10(m.Bytes), Math.Log10(Math.Max(m.Error, 1e-6)));
        var front = Condense.Metrics.ParetoFront.Indices([.. uniform.Select(m => (double)m.Bytes)], [.. uniform.Select(m => m.Error)], higherIsBetter: false);
        var f = plot.Add.Scatter(front.Select(i => Math.Log10(uniform[i].Bytes)).ToArray(), front.Select(i => Math.Log10(Math.Max(uniform[i].Error, 1e-6))).ToArray());
        f.MarkerSize = 0;
        f.LinePattern = LinePattern.Dashed;
        f.Color = Colors.Black;
        f.LegendText = "uniform Pareto front";
        if (plan is not null)
        {
            var p = plot.Add.Scatter(new[] { Math.Log10(plan.Bytes) }, new[] { Math.Log10(Math.Max(plan.Error, 1e-6)) });
            p.MarkerSize = 14;
            p.MarkerShape = MarkerShape.FilledDiamond;
            p.Color = Colors.Red;
            p.LegendText = "plan";
        }
        DemoPlots.LogTicks(plot, plot.Axes.Bottom);
        DemoPlots.LogTicks(plot, plot.Axes.Left);
        plot.Axes.Bottom.Label.Text = "file size (bytes, log)";
        plot.Axes.Left.Label.Text = "relative output error, held out (log)";
        plot.Title("Size against error: uniform settings and the plan");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.AutoScale();
        return plot.GetImageBytes(960, 600, ImageFormat.Png);
    }

    static string Short(string name) => name.Length <= 28 ? name : "…" + name[^27..];
}
