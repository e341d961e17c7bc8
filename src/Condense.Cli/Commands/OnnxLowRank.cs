using System.CommandLine;
using Condense.Workflows.Structure;

namespace Condense.Cli.Commands;

/// <summary>
/// The ONNX side of <c>condense lowrank</c>: <c>MODEL.onnx --params F --data PATH -o OUT.onnx [--plain-svd]</c>
/// → <see cref="OnnxLowRankWorkflow"/>. Not a command: <see cref="LowRankCommand"/> adds these options
/// and hands ONNX files here.
/// </summary>
internal sealed class OnnxLowRank
{
    readonly Option<double?> parameters = new("--params") { Description = "ONNX: share of each factorised layer's parameters to remove, e.g. 0.5" };
    readonly Option<bool> plain = new("--plain-svd") { Description = "ONNX: plain truncated SVD instead of the SVD whitened by the layer's input statistics" };
    readonly Option<string?> output = new("--output", "-o") { Description = "Where to write: ONNX, the factorised model; a .safetensors classifier with one rank in --ranks, the factorised network (with --plus-sparse, the L + S network) for 'condense eval'" };
    readonly Option<int> latencyRuns = new("--latency-runs") { Description = "ONNX: runs for the median latency before/after (0: none)", DefaultValueFactory = _ => 20 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { parameters, plain, output, latencyRuns }) command.Options.Add(o);
        StructureOptions.AddDataOptions(command);
    }

    public int Run(ParseResult parse, string model, int seed, bool json)
    {
        var fraction = parse.GetValue(parameters) ?? throw new CondenseException($"{model}: an ONNX model needs --params F (share of parameters to remove)");
        var outPath = parse.GetValue(output) ?? throw new CondenseException($"{model}: an ONNX model needs -o OUT.onnx");
        var data = StructureOptions.Load(parse, model, seed);
        var report = OnnxLowRankWorkflow.Run(new OnnxLowRankRequest(model, outPath, fraction, !parse.GetValue(plain), data.Calibration, data.HeldOut,
            data.Description, data.IsRandom, LatencyRuns: parse.GetValue(latencyRuns)));
        if (json) CliConsole.WriteReport(parse, report);
        else StructureReportView.Write(parse, report);
        return 0;
    }
}
