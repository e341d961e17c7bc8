using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>The table (and JSON shape) of a <see cref="RuntimeCompressionReport"/>.</summary>
internal static class RuntimeReportTable
{
    public static void Write(IAnsiConsole console, RuntimeCompressionReport r)
    {
        console.WriteLine($"{r.Input} -> {r.Output}: {r.BytesBefore:N0} -> {r.BytesAfter:N0} bytes (ratio {(double)r.BytesAfter / r.BytesBefore:0.000})");
        console.WriteLine($"{r.Method}: {r.Details}");
        console.WriteLine($"ONNX Runtime runs: {string.Join(", ", r.RuntimeOps.Take(8).Select(p => $"{p.Key} ×{p.Value}"))}");
        var agree = new Table().AddColumns("output", "mean cosine", "min cosine", "max rel. Δ");
        foreach (var a in r.Agreement) agree.AddRow(Markup.Escape(a.Name), a.MeanCosine.ToString("0.00000"), a.MinCosine.ToString("0.00000"), a.MaxRelative.ToString("G3"));
        console.WriteLine($"original vs result, held-out samples of {r.DataDescription}:");
        console.Write(agree);
        if (r.NBits is { } nb)
        {
            console.WriteLine($"codes: {nb.Rounding}" + (nb.Reason is null ? "" : $" ({nb.Reason})"));
            if (nb.HeldOutCosine is { } c)
                console.WriteLine($"held-out mean output cosine: {nb.Rounding} {c:0.00000}" + (nb.Rounding == "gptq" ? $", round-to-nearest {nb.RoundToNearestCosine:0.00000}" : ""));
        }
        WriteTiming(console, r.Timing, r.Warnings);
    }

    /// <summary>The latency/memory table of an original and its result, with a warning line per configuration that got slower.</summary>
    public static void WriteTiming(IAnsiConsole console, IReadOnlyList<RuntimeComparison> timing, IReadOnlyList<string> warnings)
    {
        if (timing.Count > 0)
        {
            var t = new Table().AddColumns("batch", "threads", "original ms", "result ms", "ratio", "original session MB", "result session MB", "");
            foreach (var c in timing)
                t.AddRow(c.Batch.ToString(), c.Threads.ToString(), c.Original.MedianMs.ToString("0.000"), c.Result.MedianMs.ToString("0.000"), c.LatencyRatio.ToString("0.00") + "×",
                    (c.Original.SessionBytes / 1e6).ToString("0.0"), (c.Result.SessionBytes / 1e6).ToString("0.0"), c.Slower ? "[red]SLOWER[/]" : "");
            console.Write(t);
        }
        foreach (var w in warnings) console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
    }
}

/// <summary>snake_case JSON of a <see cref="RuntimeCompressionReport"/>.</summary>
internal static class RuntimeReportJson
{
    public static object From(RuntimeCompressionReport r) => new
    {
        input = r.Input,
        output = r.Output,
        method = r.Method.ToString(),
        details = r.Details,
        data = r.DataDescription,
        bytes_before = r.BytesBefore,
        bytes_after = r.BytesAfter,
        runtime_ops = r.RuntimeOps,
        agreement = r.Agreement.Select(a => new { name = a.Name, mean_cosine = a.MeanCosine, min_cosine = a.MinCosine, max_relative = a.MaxRelative }),
        timing = Timing(r.Timing),
        any_slower = r.AnySlower,
        nbits = r.NBits is null ? null : new
        {
            rounding = r.NBits.Rounding, reason = r.NBits.Reason,
            held_out_cosine = r.NBits.HeldOutCosine, round_to_nearest_cosine = r.NBits.RoundToNearestCosine,
        },
        warnings = r.Warnings,
    };

    /// <summary>snake_case JSON of latency comparisons.</summary>
    public static IEnumerable<object> Timing(IEnumerable<RuntimeComparison> timing) => timing.Select(c => new
    {
        batch = c.Batch, threads = c.Threads, original_ms = c.Original.MedianMs, result_ms = c.Result.MedianMs, latency_ratio = c.LatencyRatio,
        original_session_bytes = c.Original.SessionBytes, result_session_bytes = c.Result.SessionBytes, slower = c.Slower,
    });
}
