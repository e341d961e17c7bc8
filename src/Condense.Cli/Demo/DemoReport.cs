using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Condense.Formats;
using Condense.Metrics;

namespace Condense.Cli.Demo;

/// <summary>
/// Writes the demo's report: <c>report.html</c>, one self-contained page (figures embedded as
/// data URIs, no script, nothing from the network), and <c>report.json</c> with the same rows
/// for programs and for the test that checks the report against the files.
/// </summary>
public static class DemoReport
{
    public static readonly string[] Figures = ["size-accuracy-classifier.png", "size-mse-autoencoder.png", "layers-bound-vs-measured.png", "colours-sweep.png"];

    public static void Write(string folder, DemoResult result)
    {
        DemoPlots.SizeVersusQuality(Path.Combine(folder, Figures[0]), result.Rows, "classifier");
        DemoPlots.SizeVersusQuality(Path.Combine(folder, Figures[1]), result.Rows, "autoencoder");
        DemoPlots.BoundVersusMeasured(Path.Combine(folder, Figures[2]), result.Layers);
        DemoPlots.ColorSweep(Path.Combine(folder, Figures[3]), result.Colors);
        AtomicFile.WriteAllText(Path.Combine(folder, "report.json"), JsonSerializer.Serialize(result, CliConsole.Json));
        AtomicFile.WriteAllText(Path.Combine(folder, "report.html"), Html(folder, result));
    }

    static string Html(string folder, DemoResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var h = new StringBuilder();
        static string E(string s) => WebUtility.HtmlEncode(s);
        string Img(string file, string alt) =>
            $"<figure><img alt=\"{E(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(Path.Combine(folder, file)))}\"><figcaption>{E(alt)} (<code>{E(file)}</code>)</figcaption></figure>";
        h.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Condense demo report</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
            table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:right}
            th{background:#f4f4f4}td:first-child,th:first-child,td.l{text-align:left}tr.front td{font-weight:600}
            figure{margin:1.5rem 0}img{max-width:100%;border:1px solid #eee}code{font-size:.85em}.note{color:#555}
            </style></head><body>
            <h1>Condense demo report</h1>
            """);
        h.Append(inv, $"<p>MNIST-10k (8,000 training and 2,000 test digits, embedded). Every number below was measured by loading the written file back: ONNX files in ONNX Runtime, Condense files through Condense. Run time {result.Seconds:F0} s.</p>");
        foreach (var model in result.Rows.Select(r => r.Model).Distinct())
        {
            var rows = result.Rows.Where(r => r.Model == model).ToList();
            var classifier = rows.Any(r => r.Accuracy is not null);
            var front = ParetoFront.Indices(rows.Select(r => (double)r.Bytes).ToList(), rows.Select(r => r.Quality).ToList(), classifier).ToHashSet();
            h.Append(inv, $"<h2>{E(model)}</h2><p class=\"note\">Bold rows are on the Pareto front: no other file is both smaller and better.</p><table><tr><th>method</th><th>setting</th><th>bytes</th><th>ratio</th><th>{(classifier ? "accuracy" : "MSE")}</th><th>output error</th><th>run by</th><th>file</th></tr>");
            for (var i = 0; i < rows.Count; i++)
            {
                var r = rows[i];
                var quality = classifier ? r.Accuracy!.Value.ToString("P2", inv) : r.Mse!.Value.ToString("F5", inv);
                h.Append(inv, $"<tr{(front.Contains(i) ? " class=\"front\"" : "")}><td>{E(r.Method)}</td><td class=\"l\">{E(r.Setting)}</td><td>{r.Bytes:N0}</td><td>{r.TimesSmaller:F1}×</td><td>{quality}</td><td>{r.OutputError:G3}</td><td>{E(r.Runtime)}</td><td class=\"l\"><code>{E(r.File)}</code></td></tr>");
            }
            h.Append("</table>");
            if (model is "classifier" or "autoencoder")   // the CNN sections (cnn-…) are a few rows: the table says it all
                h.Append(Img(classifier ? Figures[0] : Figures[1], $"{model}: file size against {(classifier ? "accuracy" : "MSE")}, Pareto front dashed"));
        }
        h.Append("<h2>Per layer: what quantization costs the operator</h2><p>For k-means weight sharing at each bits, the relative output error ‖(W−Q)x‖₁/‖Wx‖₁ measured on real inputs (test digits for fc1, propagated activations after), beside its bound cond₁(W)·‖W−Q‖₁/‖W‖₁. A large cond₁ makes the bound loose; the measured error is what the network feels.</p><table><tr><th>layer</th><th>shape</th><th>cond₁</th><th>eff. rank</th><th>bits</th><th>‖W−Q‖₁/‖W‖₁</th><th>bound</th><th>measured mean</th><th>measured max</th></tr>");
        foreach (var l in result.Layers)
            h.Append(inv, $"<tr><td>{E(l.Layer)}</td><td>{l.Rows}×{l.Columns}</td><td>{l.Cond1:G4}</td><td>{l.EffectiveRank:F1}</td><td>{l.Bits}</td><td>{l.RelativeOneNormError:G3}</td><td>{l.Bound:G3}</td><td>{l.MeasuredMean:G3}</td><td>{l.MeasuredMax:G3}</td></tr>");
        h.Append("</table>");
        h.Append(Img(Figures[2], "bound against measured output error, per layer"));
        h.Append("<h2>Sharing colours</h2><p>The same idea on an image: k shared colours, each pixel an index. Mean error Σ_c|W−Q| per pixel (0…765) and the real size of the indexed PNG.</p><table><tr><th>k</th><th>mean error</th><th>raw RGB bytes</th><th>PNG bytes</th><th>file</th></tr>");
        foreach (var c in result.Colors)
            h.Append(inv, $"<tr><td>{c.K}</td><td>{c.MeanError:F2}</td><td>{c.RawBytes:N0}</td><td>{c.PngBytes:N0}</td><td class=\"l\"><code>{E(c.File)}</code></td></tr>");
        h.Append("</table>");
        h.Append(Img(Figures[3], "colour quantization sweep"));
        if (result.Notes.Count > 0)
        {
            h.Append("<h2>Notes</h2><ul>");
            foreach (var n in result.Notes) h.Append("<li>").Append(E(n)).Append("</li>");
            h.Append("</ul>");
        }
        h.Append("<p class=\"note\">Photo: Chelsea the cat, by Stefan van der Walt, CC0. MNIST-10k: see data/README.md.</p></body></html>\n");
        return h.ToString();
    }
}
