using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Data;
using Condense.Formats;
using Condense.Metrics;
using Condense.Models;
using Condense.Quantization;
using Spectre.Console;
using static TorchSharp.torch;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense quantize MODEL --method kmeans|linear --bits B -o OUT</c>: quantizes every linear
/// layer, writes a smaller safetensors file, and reports per layer the bytes, the element-wise
/// and operator errors (‖W−Q‖₁/‖W‖₁, cond₁, the bound and the measured output error), and the
/// model's accuracy (or MSE) before and after. Nothing is written unless everything succeeded.
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A model written by 'condense train' (.safetensors)" };
        var method = new Option<string>("--method") { Description = "kmeans (weight sharing) or linear (integer grid)", DefaultValueFactory = _ => "kmeans" };
        method.AcceptOnlyFromAmong("kmeans", "linear");
        var bits = new Option<int>("--bits") { Description = "Bits per weight: 1–8 for kmeans; 8, 4, 2 (ternary) or 1 (binary) for linear", DefaultValueFactory = _ => 5 };
        var perChannel = new Option<bool>("--per-channel") { Description = "One codebook / scale per output channel" };
        var init = new Option<string>("--init") { Description = "k-means: auto (default), exact, linear, density, kmeans++", DefaultValueFactory = _ => "auto" };
        init.AcceptOnlyFromAmong("auto", "exact", "linear", "density", "kmeans++");
        var huffman = new Option<bool>("--huffman") { Description = "Huffman-code the k-means indices" };
        var keepZeros = new Option<bool>("--keep-zeros") { Description = "k-means: keep exact zeros (pruned models)" };
        var asymmetric = new Option<bool>("--asymmetric") { Description = "linear: asymmetric ranges (zero points)" };
        var calibration = new Option<string>("--calibration") { Description = "linear: minmax (default), percentile, kl", DefaultValueFactory = _ => "minmax" };
        calibration.AcceptOnlyFromAmong("minmax", "percentile", "kl");
        var samples = new Option<int>("--samples") { Description = "Test inputs for the measured output error (1–10000)", DefaultValueFactory = _ => 500 };
        var output = new Option<string>("--output", "-o") { Description = "Quantized model file to write (.safetensors)", Required = true };
        var ocs = new Option<double?>("--ocs") { Description = "Outlier channel splitting: split this fraction of each layer's input channels, compare with clipping and plain linear at --bits (2–16), write the OCS network" };
        var report = new Option<string?>("--report") { Description = "Also write the report as JSON to this file" };
        var json = CliConsole.JsonOption();
        var command = new Command("quantize", "Quantize a model's layers (k-means weight sharing or linear) and report what it costs.")
        {
            model, method, bits, perChannel, init, huffman, keepZeros, asymmetric, calibration, samples, ocs, output, report, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(ocs) is { } ratio)
                return QuantizeOcs.Run(parse, parse.GetValue(model)!, parse.GetValue(bits), ratio, parse.GetValue(samples), parse.GetValue(output)!, parse.GetValue(json));
            var m = parse.GetValue(method) == "linear" ? QuantizationMethod.Linear : QuantizationMethod.KMeans;
            var options = new ModelQuantizationOptions(m, parse.GetValue(bits))
            {
                Granularity = parse.GetValue(perChannel) ? Granularity.PerChannel : Granularity.PerTensor,
                Init = parse.GetValue(init) switch
                {
                    "exact" => CentroidInit.Exact, "linear" => CentroidInit.Linear, "density" => CentroidInit.Density,
                    "kmeans++" => CentroidInit.KMeansPlusPlus, _ => CentroidInit.Auto,
                },
                Huffman = parse.GetValue(huffman),
                KeepZeros = parse.GetValue(keepZeros),
                Symmetric = !parse.GetValue(asymmetric),
                Calibration = parse.GetValue(calibration) switch { "percentile" => RangeCalibration.Percentile, "kl" => RangeCalibration.KlDivergence, _ => RangeCalibration.MinMax },
            };
            if (m == QuantizationMethod.Linear && (parse.GetValue(huffman) || parse.GetValue(keepZeros)))
                throw new CondenseException("quantize: --huffman and --keep-zeros apply to --method kmeans only");
            int n = parse.GetValue(samples);
            if (n is < 1 or > 10000) throw new CondenseException($"quantize: --samples must be in 1..10000, got {n}");
            var result = Run(parse.GetValue(model)!, options, n, parse.GetValue(output)!);
            if (parse.GetValue(report) is { } r) AtomicFile.WriteAllText(r, result.ToJsonString(CliConsole.Json));
            if (parse.GetValue(json)) parse.InvocationConfiguration.Output.WriteLine(result.ToJsonString(CliConsole.Json));
            else Print(parse, result);
            return 0;
        });
        return command;
    }

    /// <summary>Quantizes, measures, writes <paramref name="outPath"/>, and returns the report.</summary>
    public static JsonObject Run(string modelPath, ModelQuantizationOptions options, int samples, string outPath)
    {
        var (net, card) = ModelFile.Load(modelPath);
        IReadOnlyDictionary<string, string> metadata;
        using (var reader = SafetensorsReader.Open(modelPath)) metadata = reader.Metadata;
        if (net.Layers.Count == 0) throw new CondenseException($"{modelPath}: the model has no quantizable (linear) layer");
        var dataName = card.DataSet ?? DataSets.Mnist10k;
        var (_, test) = DataSets.Load(dataName);
        var before = Evaluator.Evaluate(net, test);
        var inputs = LayerInputs.Capture(net, test, Math.Min(samples, test.Count));

        var quantized = new List<QuantizedParameter>();
        var layers = new JsonArray();
        var metrics = new List<LayerMetrics>();
        var newWeights = new Dictionary<string, float[]>();
        foreach (var ((name, layer), x) in net.Layers.Zip(inputs))
        {
            var shape = layer.weight!.shape;
            int rows = (int)shape[0], cols = (int)shape[1];
            var w = Values(layer.weight);
            var qw = options.Quantize(name + ".weight", w, shape);
            var q = qw.Reconstruct();
            quantized.Add(qw);
            newWeights[name + ".weight"] = q;
            var size = qw.Size;
            long biasBefore = 0, biasAfter = 0;
            if (layer.bias is { } b)
            {
                var bv = Values(b);
                biasBefore = bv.Length * 4L;
                if (options.Biases)
                {
                    var qb = options.Quantize(name + ".bias", bv, b.shape);
                    quantized.Add(qb);
                    newWeights[name + ".bias"] = qb.Reconstruct();
                    biasAfter = qb.Size.TotalBytes;
                }
                else biasAfter = biasBefore;
            }
            var lm = LayerMetrics.Compute(name, w, q, rows, cols, x);
            metrics.Add(lm);
            layers.Add(new JsonObject
            {
                ["name"] = name, ["shape"] = new JsonArray(rows, cols), ["quantizer"] = qw.Describe(), ["bits"] = qw.Bits, ["levels"] = qw.Levels,
                ["weight_bytes_before"] = size.OriginalBytes, ["weight_bytes_after"] = size.TotalBytes,
                ["payload_bytes"] = size.PayloadBytes, ["codebook_bytes"] = size.CodebookBytes, ["parameter_bytes"] = size.ParameterBytes, ["table_bytes"] = size.TableBytes,
                ["bias_bytes_before"] = biasBefore, ["bias_bytes_after"] = biasAfter,
                ["bytes_before"] = size.OriginalBytes + biasBefore, ["bytes_after"] = size.TotalBytes + biasAfter,
                ["ratio"] = (double)(size.OriginalBytes + biasBefore) / (size.TotalBytes + biasAfter),
                ["mean_abs_error"] = lm.MeanAbsError, ["max_abs_error"] = lm.MaxAbsError, ["sqnr_db"] = lm.SqnrDb,
                ["one_norm"] = lm.OneNorm, ["rel_1norm_error"] = lm.RelativeOneNormError, ["cond1"] = lm.Cond1, ["bound"] = lm.Bound,
                ["measured_output_error_mean"] = lm.MeasuredMean, ["measured_output_error_max"] = lm.MeasuredMax, ["histogram_kl"] = lm.HistogramKl,
            });
        }
        SetWeights(net, newWeights);
        var after = Evaluator.Evaluate(net, test);

        QuantizedModelFile.Save(outPath, net, quantized, metadata);
        long fileBytes = new FileInfo(outPath).Length;
        long stored;
        using (var reader = SafetensorsReader.Open(outPath)) stored = fileBytes - reader.DataStart;
        long originalBytes = ModelFile.Weights(net).Sum(t => t.Data.LongLength);
        long original = new FileInfo(modelPath).Length;
        var mm = new ModelMetrics(metrics);
        return new JsonObject
        {
            ["model"] = modelPath, ["output"] = outPath, ["kind"] = net.Kind.ToString(), ["data"] = dataName, ["test_items"] = test.Count,
            ["method"] = options.Method == QuantizationMethod.KMeans ? "kmeans" : "linear", ["bits"] = options.Bits,
            ["granularity"] = options.Granularity.ToString(), ["samples"] = inputs.Count == 0 ? 0 : Math.Min(samples, test.Count),
            ["layers"] = layers,
            ["parameter_bytes_before"] = originalBytes,
            ["tensor_bytes_after"] = stored,
            ["file_bytes_before"] = original, ["file_bytes_after"] = fileBytes,
            ["ratio"] = (double)originalBytes / stored,
            ["max_cond1"] = mm.MaxCond1,
            ["accuracy_before"] = before.Accuracy, ["accuracy_after"] = after.Accuracy,
            ["loss_before"] = before.Loss, ["loss_after"] = after.Loss,
            ["mse_before"] = net.IsClassifier ? null : before.Loss, ["mse_after"] = net.IsClassifier ? null : after.Loss,
        };
    }

    static float[] Values(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return c.data<float>().ToArray();
    }

    static void SetWeights(CondenseModel model, Dictionary<string, float[]> values)
    {
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
            if (values.TryGetValue(name, out var v))
            {
                using var src = tensor(v, p.shape);
                p.copy_(src);
            }
    }

    static void Print(ParseResult parse, JsonObject r)
    {
        var console = CliConsole.For(parse);
        console.Profile.Width = Math.Max(console.Profile.Width, 170);   // redirected output defaults to 80 columns
        var table = new Table().Title($"{r["model"]} → {r["output"]}: {r["method"]} {r["bits"]}-bit {r["granularity"]}");
        foreach (var h in new[] { "layer", "quantizer", "levels", "bytes before", "bytes after", "ratio", "‖W−Q‖₁/‖W‖₁", "cond₁", "bound", "measured (mean / max)" })
            table.AddColumn(h);
        foreach (var l in r["layers"]!.AsArray())
        {
            table.AddRow(
                l!["name"]!.ToString(), l["quantizer"]!.ToString(), l["levels"]!.ToString(),
                l["bytes_before"]!.ToString(), l["bytes_after"]!.ToString(), $"{l["ratio"]!.GetValue<double>():F2}×",
                $"{l["rel_1norm_error"]!.GetValue<double>():G3}", $"{l["cond1"]!.GetValue<double>():G4}", $"{l["bound"]!.GetValue<double>():G3}",
                $"{l["measured_output_error_mean"]!.GetValue<double>():G3} / {l["measured_output_error_max"]!.GetValue<double>():G3}");
        }
        console.Write(table);
        var w = parse.InvocationConfiguration.Output;
        w.WriteLine($"parameters: {r["parameter_bytes_before"]} bytes → {r["tensor_bytes_after"]} bytes stored ({r["ratio"]!.GetValue<double>():F2}×); file {r["file_bytes_before"]} → {r["file_bytes_after"]} bytes; max cond₁ {r["max_cond1"]!.GetValue<double>():G4}");
        if (r["accuracy_before"] is { } ab && r["accuracy_after"] is { } aa)
            w.WriteLine($"accuracy: {ab.GetValue<double>():P2} → {aa.GetValue<double>():P2} ({(aa.GetValue<double>() - ab.GetValue<double>()) * 100:+0.00;-0.00} points)");
        else
            w.WriteLine($"MSE: {r["loss_before"]!.GetValue<double>():F5} → {r["loss_after"]!.GetValue<double>():F5}");
    }
}
