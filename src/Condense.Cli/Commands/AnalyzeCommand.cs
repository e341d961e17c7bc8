using System.CommandLine;
using Condense.Metrics;
using Condense.Models;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary><c>condense analyze MODEL</c>: per-layer norms, cond₁, effective rank and a histogram summary.</summary>
public static class AnalyzeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An ONNX model, or a model written by 'condense train' (.safetensors); recognised by content" };
        var json = CliConsole.JsonOption();
        var command = new Command("analyze", "Per-layer metrics of a model: ‖W‖₁, cond₁, effective rank, weight statistics; for ONNX models with --data, every setting's bound beside the measured error and the output's sensitivity to each layer.") { model, json };
        OnnxAnalysisOptions.Add(command);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(model)!;
            if (!File.Exists(path)) throw new CondenseException($"{path}: no such file");
            if (Formats.Onnx.OnnxSniffer.LooksLikeOnnx(path)) return AnalyzeOnnx.Run(parse, path, parse.GetValue(json));
            var (net, _) = ModelFile.Load(path);
            if (net.Layers.Count == 0) throw new CondenseException($"{path}: the model has no linear layer");
            var layers = new List<WeightAnalysis>();
            foreach (var (name, layer) in net.Layers)
            {
                using var w = layer.weight!.detach().cpu().contiguous();
                layers.Add(WeightAnalysis.Compute(name, w.data<float>().ToArray(), (int)w.shape[0], (int)w.shape[1]));
            }
            double maxCond = layers.Max(l => l.Cond1);
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, new { model = path, kind = net.Kind.ToString(), max_cond1 = maxCond, layers });
                return 0;
            }
            var console = CliConsole.For(parse);
            console.Profile.Width = Math.Max(console.Profile.Width, 170);   // redirected output defaults to 80 columns
            var table = new Table().Title($"{path}: {net.Kind}");
            foreach (var h in new[] { "layer", "shape", "‖W‖₁", "‖W‖F", "cond₁", "eff. rank", "min", "max", "mean", "std", "zeros", "kurtosis" })
                table.AddColumn(new TableColumn(h).RightAligned());
            foreach (var l in layers)
                table.AddRow(l.Name, $"{l.Rows}×{l.Columns}", $"{l.OneNorm:G4}", $"{l.FrobeniusNorm:G4}", $"{l.Cond1:G4}", $"{l.EffectiveRank:F1}",
                    $"{l.Min:G3}", $"{l.Max:G3}", $"{l.Mean:G3}", $"{l.Std:G3}", $"{l.ZeroFraction:P1}", $"{l.Kurtosis:F2}");
            console.Write(table);
            parse.InvocationConfiguration.Output.WriteLine($"max cond₁ over layers (combined_cond): {maxCond:G4}");
            return 0;
        });
        return command;
    }
}
