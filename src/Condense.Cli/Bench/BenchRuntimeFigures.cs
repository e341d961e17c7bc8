using System.Globalization;
using Condense.Workflows;

namespace Condense.Cli.Bench;

/// <summary>The lines of <c>bench all</c> for <c>bench runtime</c> (issue #24's acceptance), read off its typed report (<see cref="RuntimeBenchReport"/>).</summary>
public static class BenchRuntimeFigures
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    static string F(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, Inv) : "–";

    /// <summary>Seven lines: ResNet18 at 1 and 2 threads (beside PyTorch), its cosine, MiniLM int8 and 4-bit, the classifier, the load average.</summary>
    public static IReadOnlyList<BenchFigure> Figures(RuntimeBenchReport j)
    {
        RuntimeBenchLine? Row(string model, string variant) => j.Rows.FirstOrDefault(r => r.Model == model && r.Variant == variant);
        double? Ratio(double? a, double? b) => a / b;
        var list = new List<BenchFigure>();
        var r32 = Row("resnet18", "fp32");
        var r8 = Row("resnet18", "int8-static");
        var peer = j.Pytorch;
        double? peer1 = peer?.Threads1?.Int8Ms, peer2 = peer?.Threads2?.Int8Ms;
        var peerNote = peer is null ? $"– ({j.PytorchNote})" : $"{F(peer1, "F1")} PyTorch int8 (live)";
        var ratio1 = Ratio(r8?.Ms1t, r32?.Ms1t);
        var ratio2 = Ratio(r8?.Ms2t, r32?.Ms2t);
        list.Add(new("#24", "ResNet18 int8 static, 1 thread: ms (× fp32)", $"{F(r8?.Ms1t, "F1")} ({F(ratio1, "F2")}×)", peerNote,
            "≤ 0.55× fp32, ≤ 1.1× PyTorch", ratio1 is { } a ? a <= 0.55 && (peer1 is not { } p || r8?.Ms1t <= 1.1 * p) : null));
        list.Add(new("#24", "ResNet18 int8 static, 2 threads: ms (× fp32)", $"{F(r8?.Ms2t, "F1")} ({F(ratio2, "F2")}×)",
            peer is null ? "–" : $"{F(peer2, "F1")} PyTorch int8 (live)", "≤ 0.6× fp32", ratio2 is { } b ? b <= 0.6 : null));
        var cos = r8?.Cosine;
        list.Add(new("#24", "ResNet18 int8 static: mean feature cosine (held-out crops)", F(cos, "F4"), "–", "≥ 0.995", cos is { } c ? c >= 0.995 : null));
        var m32 = Row("minilm", "fp32");
        var m8 = Row("minilm", "int8-dynamic");
        var m4 = Row("minilm", "nbits4");
        var mr = Ratio(m8?.Ms1t, m32?.Ms1t);
        var mc = m8?.Cosine;
        list.Add(new("#24", "MiniLM int8 dynamic: latency × fp32 (cosine)", $"{F(mr, "F2")}× ({F(mc, "F4")})", "–", "≤ 0.6×, cosine ≥ 0.99",
            mr is { } x && mc is { } y ? x <= 0.6 && y >= 0.99 : null));
        var mem = Ratio(m4?.SessionBytes, m32?.SessionBytes);
        var lat = Ratio(m4?.Ms1t, m32?.Ms1t);
        var c4 = m4?.Cosine;
        list.Add(new("#24", "MiniLM MatMulNBits 4-bit (GPTQ): session memory, latency × fp32 (cosine)", $"{F(mem, "F2")}×, {F(lat, "F2")}× ({F(c4, "F4")})", "–",
            "≤ 0.35×, ≤ 1×, cosine ≥ 0.98", mem is { } m && lat is { } l && c4 is { } q ? m <= 0.35 && l <= 1 && q >= 0.98 : null));
        var c32 = Row("classifier", "fp32");
        var c8 = Row("classifier", "int8-static");
        var drop = c32?.Accuracy - c8?.Accuracy;
        var cr = Ratio(c8?.Ms1t, c32?.Ms1t);
        list.Add(new("#24", "MNIST classifier int8 static: accuracy drop (points), latency × fp32", $"{F(drop, "F2")}, {F(cr, "F2")}×", "–",
            "≤ 0.3, < 1×", drop is { } d && cr is { } z ? d <= 0.3 && z < 1 : null));
        list.Add(new("#24", "bench runtime: load average before the run", j.LoadAverage, "–", "–", null));
        return list;
    }
}
