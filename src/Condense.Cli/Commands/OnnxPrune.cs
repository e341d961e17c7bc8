using System.CommandLine;
using Condense.Formats.Onnx;
using Condense.Graph.Structure;
using Condense.Workflows.Structure;

namespace Condense.Cli.Commands;

/// <summary>
/// The ONNX side of <c>condense prune</c>: <c>MODEL.onnx --structured --flops F | --sparsity S --data PATH -o OUT.onnx</c>
/// → <see cref="OnnxPruneWorkflow"/>; without --structured, <see cref="OnnxSparsePrune"/> (SparseGPT or magnitude). Not a command: <see cref="PruneCommand"/> adds these options
/// and hands ONNX files here.
/// </summary>
internal sealed class OnnxPrune
{
    readonly Option<bool> structured = new("--structured") { Description = "ONNX: remove whole channels/neurons (found by following the graph) so the model really shrinks" };
    readonly Option<double?> flops = new("--flops") { Description = "ONNX: share of the prunable layers' FLOPs to remove, e.g. 0.25 (else --sparsity is the share of channels)" };
    readonly Option<double?> parameters = new("--params") { Description = "ONNX: share of the prunable layers' parameters to remove" };
    readonly Option<string> importance = new("--importance") { Description = "ONNX: reconstruction (output error on the data) | obs (greedy, error after the refit) | l1 | l2", DefaultValueFactory = _ => "reconstruction" };
    readonly Option<bool> global = new("--global") { Description = "ONNX: one ranking over all channels instead of the same share of each group" };
    readonly Option<bool> perFlop = new("--per-flop") { Description = "ONNX: one ranking of all channels by relative output error per FLOP saved (spares layers whose channels cost little; reconstruction scores)" };
    readonly Option<string?> keep = new("--keep") { Description = "ONNX: comma-separated channel groups (producer names, as the report lists them) to leave whole" };
    readonly Option<string?> shares = new("--shares") { Description = "ONNX: per-group share of channels removed, NAME=F,… (producer names, as the report lists them); the other groups share what is left of the budget" };
    readonly Option<bool> noRefit = new("--no-refit") { Description = "ONNX: do not refit the next layers by least squares (to compare)" };
    readonly Option<string> refit = new("--refit") { Description = "ONNX: sequential (each layer in graph order on the pruned network's inputs, against the original's output) | residual (sequential; a layer feeding a residual Add matches the original block's sum) | all (sequential, and every layer between the cuts too) | once (all on the original's inputs; faster)", DefaultValueFactory = _ => "sequential" };
    readonly Option<double?> heads = new("--heads") { Description = "ONNX: share of every attention block's heads to remove (whole heads of Q/K/V and the output projection's rows; the reshapes follow), e.g. 0.25; alone, only heads are pruned" };
    readonly Option<double> ridge = new("--ridge") { Description = "ONNX: refit ridge λ as a share of XᵀX's mean diagonal, pulling toward the original weights (more when calibration rows are few)", DefaultValueFactory = _ => StructuredPruningOptions.DefaultRidge };
    readonly Option<int> roundTo = new("--round-to") { Description = "ONNX: kept channels per group a multiple of this (8 or 16 run fastest)", DefaultValueFactory = _ => 1 };
    readonly Option<bool> keepResidual = new("--keep-residual") { Description = "ONNX: leave channel groups tied by residual connections whole" };
    readonly OnnxSparsePrune unstructured = new();
    readonly Option<int> latencyRuns = new("--latency-runs") { Description = "ONNX: runs for the median latency before/after (0: none)", DefaultValueFactory = _ => 20 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { structured, flops, parameters, importance, global, perFlop, keep, shares, noRefit, refit, heads, ridge, roundTo, keepResidual, latencyRuns }) command.Options.Add(o);
        unstructured.AddTo(command);
        StructureOptions.AddDataOptions(command);
    }

    public int Run(ParseResult parse, string model, string output, string method, double sparsity, bool sparsityGiven, int? bits, int seed, bool json)
    {
        if (!parse.GetValue(structured)) return unstructured.Run(parse, model, output, method, sparsity, bits, seed, json);
        var (kind, fraction) = parse.GetValue(flops) is { } f ? (BudgetKind.Flops, f)
            : parse.GetValue(parameters) is { } p ? (BudgetKind.Parameters, p)
            : (BudgetKind.Channels, parse.GetValue(heads) is > 0 && !sparsityGiven ? 0 : sparsity);
        var score = parse.GetValue(importance)!.ToLowerInvariant() switch
        {
            "reconstruction" => ChannelImportance.Reconstruction,
            "l1" => ChannelImportance.L1,
            "l2" => ChannelImportance.L2,
            "obs" => ChannelImportance.Obs,
            var s => throw new CondenseException($"unknown --importance '{s}' (known: reconstruction, obs, l1, l2)"),
        };
        var options = new StructuredPruningOptions(fraction, kind, parse.GetValue(perFlop) ? BudgetScope.PerFlop : parse.GetValue(global) ? BudgetScope.Global : BudgetScope.Uniform,
            score, !parse.GetValue(noRefit), parse.GetValue(ridge), roundTo: parse.GetValue(roundTo), keepTied: parse.GetValue(keepResidual),
            keepWhole: parse.GetValue(keep)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            heads: parse.GetValue(heads) ?? 0,
            shares: ParseShares(parse.GetValue(shares)),
            refitMode: parse.GetValue(refit)!.ToLowerInvariant() switch
            {
                "sequential" => RefitMode.Sequential,
                "once" => RefitMode.Once,
                "residual" => RefitMode.Residual,
                "all" => RefitMode.All,
                var r => throw new CondenseException($"unknown --refit '{r}' (known: sequential, residual, all, once)"),
            });
        var data = StructureOptions.Load(parse, model, seed);
        var report = OnnxPruneWorkflow.Run(new OnnxPruneRequest(model, output, options, data.Calibration, data.HeldOut, data.Description,
            data.IsRandom, parse.GetValue(latencyRuns)));
        if (json) CliConsole.WriteReport(parse, report);
        else StructureReportView.Write(parse, report);
        return 0;
    }

    /// <summary>NAME=F pairs, comma-separated; a malformed pair is one error line naming it.</summary>
    internal static Dictionary<string, double>? ParseShares(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = pair.LastIndexOf('=');
            if (at <= 0 || !double.TryParse(pair[(at + 1)..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var share))
                throw new CondenseException($"--shares: '{pair}' is not NAME=SHARE (e.g. Convolution123=0.5)");
            result[pair[..at].Trim()] = share;
        }
        return result;
    }
}
