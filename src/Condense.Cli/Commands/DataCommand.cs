using System.CommandLine;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense data MODEL.onnx --data PATH …</c>: what the data options resolve to for a model —
/// sample counts, each input's type and shapes, the description reports will carry, labels — so
/// a user can check the data before spending minutes calibrating on it.
/// </summary>
public static class DataCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "The ONNX model the data must feed" };
        var seed = new Option<int>("--seed") { Description = "Seed for the split, the augmentation and random inputs", DefaultValueFactory = _ => 0 };
        var json = CliConsole.JsonOption();
        var command = new Command("data", "Show what --data resolves to for a model: samples, input shapes and types, the held-out split, labels.") { model, seed, json };
        DataOptions.Add(command);
        command.SetAction(parse =>
        {
            var spec = DataOptions.Spec(parse, parse.GetValue(seed));
            var path = parse.GetValue(model)!;
            var onnx = OnnxReader.Read(path);
            var data = CalibrationDataLoader.Load(onnx, spec);
            var inputs = Summaries(data);
            var classes = data.ClassNames.Select((name, i) => new
            {
                name,
                calibration = data.CalibrationLabels?.Count(l => l == i) ?? 0,
                held_out = data.HeldOutLabels?.Count(l => l == i) ?? 0,
            }).ToList();
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, new
                {
                    model = path,
                    data = spec.Path,
                    description = data.Description,
                    is_random = data.IsRandom,
                    calibration_count = data.Calibration.Count,
                    held_out_count = data.HeldOut.Count,
                    inputs = inputs.Select(s => new { name = s.Name, type = s.Type, shape = s.Shape, min_dims = s.Min, max_dims = s.Max }),
                    labelled = data.CalibrationLabels is not null,
                    classes,
                });
                return 0;
            }
            var console = CliConsole.For(parse);
            console.WriteLine($"{path}: {data.Description}");
            var table = new Table().AddColumns("input", "type", "shape (min..max over samples)");
            foreach (var s in inputs) table.AddRow(Markup.Escape(s.Name), s.Type, Markup.Escape(s.Shape));
            console.Write(table);
            if (data.CalibrationLabels is not null)
            {
                var labels = new Table().AddColumns("label", "class", "calibration", "held out");
                for (int i = 0; i < classes.Count; i++) labels.AddRow(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(classes[i].name), classes[i].calibration.ToString(System.Globalization.CultureInfo.InvariantCulture), classes[i].held_out.ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (classes.Count > 0) console.Write(labels);
                else console.WriteLine($"labels: {data.CalibrationLabels.Count + (data.HeldOutLabels?.Count ?? 0)} (from the data file)");
            }
            if (data.IsRandom) console.WriteLine("Figures measured on random inputs mean little: pass --data with real inputs.");
            return 0;
        });
        return command;
    }

    sealed record InputSummary(string Name, string Type, string Shape, long[] Min, long[] Max);

    static List<InputSummary> Summaries(CalibrationData data)
    {
        var samples = data.Calibration.Concat(data.HeldOut).ToList();
        if (samples.Count == 0) return [];
        var result = new List<InputSummary>();
        for (int i = 0; i < samples[0].Count; i++)
        {
            var first = samples[0][i];
            var min = first.Dims.ToArray();
            var max = first.Dims.ToArray();
            foreach (var s in samples)
                for (int d = 0; d < min.Length && d < s[i].Dims.Count; d++)
                {
                    min[d] = Math.Min(min[d], s[i].Dims[d]);
                    max[d] = Math.Max(max[d], s[i].Dims[d]);
                }
            var shape = "[" + string.Join(", ", min.Zip(max, (a, b) => a == b ? $"{a}" : $"{a}..{b}")) + "]";
            result.Add(new InputSummary(first.Name, OnnxTensorData.TypeName(first.DataType), shape, min, max));
        }
        return result;
    }
}
