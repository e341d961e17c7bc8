using System.CommandLine;
using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Workflows;

namespace Condense.Cli.Commands;

/// <summary>The options <c>analyze</c> and <c>plan</c> share for ONNX models, and the request they make.</summary>
public static class OnnxAnalysisOptions
{
    public static readonly Option<string[]> Settings = new("--settings") { Description = "Settings measured per layer: g<bits>[b<block>][-rtn] (linear grid per channel or block; GPTQ unless -rtn), k<bits>[-rtn] (k-means codebook per row); g4z / k4z10: without the input columns that saw no calibration input (and the 10 % least salient); g3+5: the 5 % most salient input columns at one bit more; r25g8 low rank, s50g4 sparsity; c75[g4]: keep 75 % of the layer's channel group (consumers' columns too, refitted as prune --structured); n4[b32][-rtn] MatMulNBits and d8 dynamic int8 (ONNX Runtime integer kernels: faster, for --max-latency). Embedding tables (Gather) take every setting per row, rounded to nearest. Default: g8-rtn g4 g4-rtn g3 g2 k4 k3 k2", AllowMultipleArgumentsPerToken = true };
    public static readonly Option<int> Samples = new("--sensitivity-samples") { Description = "Selection samples (taken from the calibration samples and withheld from fitting, never the held-out ones; with photos, every crop of whole photos, so at least this many) the model's output is measured on per (layer, setting): what the planner chooses from", DefaultValueFactory = _ => 4 };
    public static readonly Option<int?> HeldOutSamples = new("--held-out-samples") { Description = "Held-out samples each reported model-output figure (uniform settings, the plan's file) is measured on (default: all)" };
    public static readonly Option<string[]> Exclude = new("--exclude") { Description = "ONNX node names left out of analysis and planning (float32)", AllowMultipleArgumentsPerToken = true };
    public static readonly Option<string?> Report = new("--report") { Description = "Write a self-contained report.html (heatmap, bound vs measured, size–error front)" };
    public static readonly Option<int> Threads = new("--threads") { Description = "ONNX Runtime threads", DefaultValueFactory = _ => 1 };
    public static readonly Option<int> Seed = new("--seed") { Description = "Seed of the data split and k-means", DefaultValueFactory = _ => 0 };

    /// <summary>Adds the options (and the shared data options) to a command.</summary>
    public static void Add(Command command, bool withData = true)
    {
        foreach (var o in new Option[] { Settings, Samples, HeldOutSamples, Exclude, Report, Threads, Seed }) command.Options.Add(o);
        if (withData) DataOptions.Add(command);
    }

    /// <summary>The analysis request for the ONNX model at <paramref name="path"/>, data loaded.</summary>
    public static OnnxAnalysisRequest Request(ParseResult parse, string path, Action<string>? progress)
    {
        var model = OnnxReader.Read(path);
        var seed = parse.GetValue(Seed);
        var data = CalibrationDataLoader.Load(model, DataOptions.Spec(parse, seed));
        var settings = parse.GetValue(Settings) is { Length: > 0 } given ? given.Select(QuantizationSetting.Parse).ToList() : null;
        return new OnnxAnalysisRequest(path, data, settings, parse.GetValue(Samples), Seed: seed, Threads: parse.GetValue(Threads),
            Progress: progress, Exclude: parse.GetValue(Exclude) ?? [], HeldOutSamples: parse.GetValue(HeldOutSamples));
    }
}
