using System.Text.Json.Nodes;
using Condense.Studio.Bench;
using static Condense.Cli.Bench.FigureText;

namespace Condense.Cli.Bench;

/// <summary>The figures of the system benches in <c>bench all</c> (colour quantization, whole-process time, streaming, the Studio), each beside its issue's target.</summary>
static class BenchSystemFigures
{
    public static IReadOnlyList<BenchFigure> Image(ImageBenchReport j)
    {
        var rows = new List<BenchFigure>();
        foreach (var r in j.Rows)
        {
            var image = $"{r.Image} k={r.K}";
            var source = r.PeerSource is "none" or null ? null : r.PeerSource;
            double? err = r.CondenseMeanError;
            var skErr = r.SklearnMeanError;
            double? s = r.CondenseSeconds;
            var pq = r.PngquantSeconds;
            rows.Add(new("#5", $"colours, {image}: mean error", F(err, "F2"), source is null ? "–" : $"{F(skErr, "F2")} sklearn ({source})",
                "≤ sklearn", err is { } e && skErr is { } k ? e <= k : null));
            rows.Add(new("#5", $"colours, {image}: s (decode, quantize, write PNG)", F(s, "F3"), source is null ? "–" : $"{F(pq, "F3")} pngquant ({source})",
                Ratio(s / pq, "F2", "≤ pngquant"), s is { } a && pq is { } b ? a <= b : null));
        }
        return rows;
    }

    /// <summary>Issue #22: <c>condense image coffee.png --colors 256</c> as a whole process (start-up included) against pngquant, run alternately.</summary>
    public static IReadOnlyList<BenchFigure> ImageProcess(ImageBenchReport j)
    {
        var p = j.Process;
        double? ours = p?.CondenseSeconds;
        double? theirs = p?.PngquantSeconds;
        return [new("#22", "condense image coffee --colors 256, whole process: s", F(ours, "F3"), theirs is null ? "–" : $"{F(theirs, "F3")} pngquant (live)",
            Ratio(ours / theirs, "F2", "≤ 2×"), ours is { } a && theirs is { } b ? a <= 2 * b : null)];
    }

    public static IReadOnlyList<BenchFigure> Scale(ScaleBenchReport j)
    {
        var rows = new List<BenchFigure>();
        var size = $"{j.Methods[0].InputBytes / 1e9:F1} GB";
        foreach (var m in j.Methods)
        {
            var method = m.Method;
            double? mbs = m.MbPerS;
            double? cpu = m.CpuPercent;
            var aim = method.StartsWith("int8", StringComparison.Ordinal) ? 300 : 100;
            rows.Add(new("#12", $"stream {method}, synthetic {size}: MB/s", F(mbs, "F0"), "–", $"≥ {aim} MB/s", mbs is { } x ? x >= aim : null));
            rows.Add(new("#12", $"stream {method}: CPU utilisation %", F(cpu, "F0"), "–", "≥ 180 %", cpu is { } c ? c >= 180 : null));
        }
        double? peak = j.PeakRssBytes;
        rows.Add(new("#12", $"stream, synthetic {size}: peak resident memory MB", F(peak / 1e6, "F0"), "–", "≤ 2,000 MB", peak is { } p ? p <= 2e9 : null));
        return rows;
    }

    public static IReadOnlyList<BenchFigure> Studio(IReadOnlyList<PageLatency> j) =>
        j.SelectMany(p =>
        {
            double? p95 = p.P95;
            var change = p.ChangeP95;
            IEnumerable<BenchFigure> rows = [new BenchFigure("#10", $"Studio {p.Page}: slider p95 ms", F(p95, "F1"), "–", "< 100 ms", p95 is { } x ? x < 100 : null)];
            if (change is not null)
                rows = rows.Append(new BenchFigure("#20", $"Studio {p.Page}: change of {p.Change} p95 ms", F(change, "F1"), "–", "< 1000 ms", change < 1000));
            return rows;
        }).ToList();
}
