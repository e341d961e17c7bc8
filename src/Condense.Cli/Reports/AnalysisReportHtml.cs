using System.Globalization;
using System.Net;
using System.Text;
using Condense.Analysis;
using Condense.Formats;
using Condense.Workflows;

namespace Condense.Cli.Reports;

/// <summary>
/// <c>report.html</c> for any analysed (and planned) model: one self-contained page in the demo
/// report's style — figures as data URIs, no script, nothing from the network.
/// </summary>
public static class AnalysisReportHtml
{
    public static void Write(string path, OnnxAnalysisReport report, OnnxPlanReport? plan) =>
        AtomicFile.WriteAllText(path, Html(report, plan));

    public static string Html(OnnxAnalysisReport report, OnnxPlanReport? plan)
    {
        ArgumentNullException.ThrowIfNull(report);
        var inv = CultureInfo.InvariantCulture;
        var h = new StringBuilder();
        static string E(string s) => WebUtility.HtmlEncode(s);
        static string Img(byte[] png, string alt) =>
            $"<figure><img alt=\"{E(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"><figcaption>{E(alt)}</figcaption></figure>";
        h.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Condense analysis report</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:1200px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
            table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:right}
            th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}.bad{color:#b00;font-weight:600}
            figure{margin:1.5rem 0}img{max-width:100%;border:1px solid #eee}.note{color:#555}.warn{background:#fff3cd;padding:.5rem 1rem}
            </style></head><body>
            """);
        h.Append(inv, $"<h1>Analysis of <code>{E(report.Model)}</code></h1><p>Data: {E(report.Data)}; {report.CalibrationSamples} calibration samples (GPTQ), {report.HeldOutSamples} held out. {E(report.SampleUse)}. Analysis took {report.Elapsed.TotalSeconds:F1} s.</p>");
        if (report.IsRandomData) h.Append("<p class=\"warn\">These figures come from seeded <b>random inputs</b>, not real data: they say little about how the model behaves in use. Pass <code>--data</code>.</p>");
        if (plan is not null)
        {
            var p = plan.Plan;
            h.Append(inv, $"<h2>Plan: {E(plan.Budget)}</h2><p>Written <code>{E(plan.Output)}</code>: {p.Bytes:N0} bytes ({(double)p.Bytes / report.Original.Bytes:P1} of the original), held-out relative output error {p.Error:G4} measured by ONNX Runtime on the file (predicted {plan.PredictedError:G4}), cosine {p.Cosine:F4}{(p.Accuracy is { } a ? $", accuracy {a:P2}" : "")}; {plan.Rounds} plan–measure round(s).</p>");
            h.Append("<table><tr><th>layer</th><th>setting</th><th>bytes</th><th>model error, this layer alone</th></tr>");
            foreach (var l in plan.Layers) h.Append(inv, $"<tr><td>{E(l.Node)}</td><td>{E(l.Setting)}{(l.Kept ? " (--keep)" : "")}</td><td>{l.Bytes:N0}</td><td>{l.ModelError:G3}</td></tr>");
            h.Append("</table>");
        }
        h.Append("<h2>Size against error</h2><table><tr><th>model</th><th>bytes</th><th>ratio</th><th>relative output error</th><th>cosine</th><th>accuracy</th></tr>");
        foreach (var m in report.Uniform.Prepend(report.Original).Concat(plan is null ? [] : [plan.Plan]))
            h.Append(inv, $"<tr><td>{E(m.Name)}</td><td>{m.Bytes:N0}</td><td>{(double)m.Bytes / report.Original.Bytes:F3}</td><td>{m.Error:G4}</td><td>{m.Cosine:F4}</td><td>{(m.Accuracy is { } acc ? acc.ToString("P2", inv) : "–")}</td></tr>");
        h.Append("</table>");
        h.Append(Img(AnalysisPlots.Pareto(report, plan?.Plan), "file size against held-out output error: every uniform setting, their Pareto front, and the plan"));
        h.Append("<h2>Sensitivity</h2><p>The model's relative output error √(Σ‖y−ŷ‖²/Σ‖y‖²) on the selection samples (calibration samples, none held out: what the planner chooses from) when only that layer is compressed.</p>");
        h.Append(Img(AnalysisPlots.Heatmap(report), "per-layer sensitivity heatmap (log₁₀ of the output error)"));
        h.Append("<table><tr><th>layer</th><th>op</th><th>rows×cols</th><th>‖W‖₁</th><th>cond₁</th><th>eff. rank</th>");
        foreach (var s in report.Settings) h.Append("<th>").Append(E(s)).Append("</th>");
        h.Append("</tr>");
        foreach (var l in report.Layers)
        {
            h.Append(inv, $"<tr><td>{E(l.Node)}</td><td>{E(l.Kind)}</td><td>{l.Rows}×{l.Columns}</td><td>{l.OneNorm:G3}</td><td>{l.Cond1:G3}</td><td>{l.EffectiveRank:F0}</td>");
            foreach (var s in l.Settings) h.Append(inv, $"<td>{s.ModelError:G3}</td>");
            h.Append("</tr>");
        }
        h.Append("</table>");
        h.Append("<h2>The seeds' bound beside the measured error</h2><p>Per layer and setting: the bound (5) cond₁(W)·‖W−Ŵ‖₁/‖W‖₁ (cond₁ through the pseudo-inverse) and the layer's relative output error √(tr(ΔW H ΔWᵀ)/tr(W H Wᵀ)) measured on held-out inputs, with the KL divergence of the weight histograms. Where cond₁ is large the bound is loose; the last column says by how much.</p>");
        h.Append(Img(AnalysisPlots.BoundVersusMeasured(report), "bound against measured layer error, every layer and setting"));
        h.Append("<table><tr><th>layer</th><th>setting</th><th>bytes</th><th>‖W−Ŵ‖₁/‖W‖₁</th><th>KL</th><th>measured</th><th>bound</th><th>bound ÷ measured</th></tr>");
        foreach (var l in report.Layers)
            foreach (var s in l.Settings)
            {
                var ratio = s.LayerError > 0 ? s.Bound / s.LayerError.Value : double.NaN;
                h.Append(inv, $"<tr><td>{E(l.Node)}</td><td>{E(s.Setting)}</td><td>{s.Bytes:N0}</td><td>{s.WeightError:G3}</td><td>{s.Kl:G3}</td><td>{s.LayerError:G3}</td><td>{s.Bound:G3}</td><td{(ratio < 1 ? " class=\"bad\"" : "")}>{(double.IsNaN(ratio) ? "–" : ratio.ToString("G3", inv) + "×")}</td></tr>");
            }
        h.Append("</table>");
        if (report.Untouched.Count > 0)
        {
            h.Append("<h2>Not analysed</h2><ul>");
            foreach (var u in report.Untouched) h.Append("<li>").Append(E(u)).Append("</li>");
            h.Append("</ul>");
        }
        h.Append("</body></html>\n");
        return h.ToString();
    }
}
