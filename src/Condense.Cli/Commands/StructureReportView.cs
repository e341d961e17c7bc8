using System.CommandLine;
using Condense.Workflows.Structure;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>Tables for the structural ONNX reports (pruning and low rank): per layer, then what was left and the figures.</summary>
internal static class StructureReportView
{
    public static void Write(ParseResult parse, OnnxPruneReport r)
    {
        var console = CliConsole.For(parse);
        console.Write(Layers(r.Layers));
        foreach (var l in r.LeftWhole) console.MarkupLineInterpolated($"[yellow]left whole:[/] {l.Group} ({l.Width} channels): {l.Reason}");
        console.WriteLine($"{r.Budget}: {r.Groups.Count(g => g.Removed > 0)} of {r.Groups.Count} prunable groups cut, {r.RemovedFraction:P1} removed " +
            $"(prunable layers {r.PrunableFlopsBefore / 1e6:N0} -> {r.PrunableFlopsAfter / 1e6:N0} MFLOPs)");
        Common(console, r.Data, r.DataIsRandom, r.ParametersBefore, r.ParametersAfter, r.BytesBefore, r.BytesAfter, r.LatencyBeforeMs, r.LatencyAfterMs);
        console.WriteLine($"held-out output: cosine {r.Agreement.MeanCosine:F4}, relative error {r.Agreement.MeanRelativeError:F4}" +
            (r.WithoutRefit is { } w ? $" (without refit: cosine {w.MeanCosine:F4}, relative error {w.MeanRelativeError:F4})" : ""));
        console.WriteLine($"wrote {r.OutputPath}");
    }

    public static void Write(ParseResult parse, OnnxLowRankReport r)
    {
        var console = CliConsole.For(parse);
        console.Write(Layers(r.Layers));
        foreach (var s in r.Skipped) console.MarkupLineInterpolated($"[yellow]left:[/] {s}");
        console.WriteLine($"{r.Method}, {r.ParamsFraction:P0} of each layer's parameters removed, {r.Layers.Count} layers factorised");
        Common(console, r.Data, r.DataIsRandom, r.ParametersBefore, r.ParametersAfter, r.BytesBefore, r.BytesAfter, r.LatencyBeforeMs, r.LatencyAfterMs);
        console.WriteLine($"held-out output: cosine {r.Agreement.MeanCosine:F4}, relative error {r.Agreement.MeanRelativeError:F4}" +
            (r.Plain is { } p ? $" (plain SVD at the same ranks: cosine {p.MeanCosine:F4}, relative error {p.MeanRelativeError:F4})" : ""));
        console.WriteLine($"wrote {r.OutputPath}");
    }

    static Table Layers(IReadOnlyList<StructureLayerRow> rows)
    {
        var table = new Table().AddColumns("layer", "op", "MFLOPs", "params", "bytes", "rel. output error", "change");
        foreach (var l in rows)
            table.AddRow(Markup.Escape(l.Node), l.Op, $"{l.FlopsBefore / 1e6:N1} -> {l.FlopsAfter / 1e6:N1}", $"{l.ParamsBefore:N0} -> {l.ParamsAfter:N0}",
                $"{l.BytesBefore:N0} -> {l.BytesAfter:N0}", l.RelativeError is { } e ? e.ToString("F4") : "–", l.Change);
        return table;
    }

    static void Common(IAnsiConsole console, string data, bool random, long pBefore, long pAfter, long bBefore, long bAfter, double? before, double? after)
    {
        console.WriteLine($"data: {data}");
        if (random) console.MarkupLine("[yellow]the data is seeded random inputs: the errors below say little about real inputs (pass --data)[/]");
        console.WriteLine($"parameters {pBefore:N0} -> {pAfter:N0}; file {bBefore:N0} -> {bAfter:N0} bytes");
        if (before is { } b && after is { } a)
            console.WriteLine($"ONNX Runtime latency (median, 1 thread): {b:F2} -> {a:F2} ms ({a / b - 1:+0.0%;-0.0%})");
    }
}
