using System.Text.Json.Nodes;
using static Condense.Cli.Bench.FigureText;

namespace Condense.Cli.Bench;

/// <summary>
/// The architectural tricks of issue 18 in <c>bench all</c>: group convolutions (distilled), the
/// Conv→ReLU→MaxPool→BN order and the two convolutional autoencoder decoders, from one short
/// <c>condense study cnn</c> run on MNIST-10k, each beside the baseline of the same run. They are
/// reports (the issue sets no accuracy target for them) except the ONNX parity of the
/// autoencoders, which it does: ±1e-4.
/// </summary>
static class BenchCnnTrickFigures
{
    /// <summary>
    /// The suite's arguments: a quarter-width VGG on all of MNIST-10k, two epochs per network at
    /// batch 64 (about 85 s of CPU). One epoch of 2,000 digits was tried and is too short to say
    /// anything: the baseline was still at chance and both autoencoders above the all-black MSE.
    /// </summary>
    public static readonly string[] Arguments =
        ["study", "cnn", "--data", "mnist10k", "--config", "8,M,16,16,M,32,32,M", "--epochs", "2", "--batch-size", "64",
         "--lr", "2e-3", "--stages", "groups,order,autoencoder", "--groups", "2,4", "--json"];

    public static IReadOnlyList<BenchFigure> Figures(JsonNode j)
    {
        var variants = j["variants"]!.AsArray();
        JsonNode? Variant(string name) => variants.FirstOrDefault(v => (string?)v!["name"] == name);
        var baseline = Variant("baseline")!;
        var baseAccuracy = D(baseline["accuracy"]);
        var baseMacs = D(baseline["macs"]);
        var baseMs = D(baseline["ort_milliseconds"]);
        var rows = new List<BenchFigure>();
        foreach (var g in j["groups"]?.AsArray() ?? [])
        {
            var name = (string)g!["variant"]!;
            var v = Variant(name);
            var ratio = D(g["before"]) / D(g["after"]);
            rows.Add(new("#18", $"group conv {name[6..]} groups (distilled, 2 epochs) test accuracy", F(100 * D(v?["accuracy"]), "F2") + " %",
                $"{F(100 * baseAccuracy, "F2")} % (baseline, same run)",
                $"{F(ratio, "F1")}× fewer replaced params, {F(D(v?["macs"]) / baseMacs, "F2")}× MACs, {F(D(v?["ort_milliseconds"]) / baseMs, "F2")}× ORT ms (report)", null));
        }
        if (Variant("relu-pool-bn") is { } reordered)
            rows.Add(new("#18", "Conv→ReLU→MaxPool→BN (2 epochs) test accuracy", F(100 * D(reordered["accuracy"]), "F2") + " %",
                $"{F(100 * baseAccuracy, "F2")} % (Conv→BN→ReLU→MaxPool)", $"{F(D(reordered["ort_milliseconds"]) / baseMs, "F2")}× ORT ms; BN fusion refused (report)", null));
        var autoencoders = j["autoencoders"]?.AsArray() ?? [];
        if (autoencoders.Count == 2)
        {
            var (transposed, bilinear) = (autoencoders[0]!, autoencoders[1]!);
            var worst = Math.Max(D(transposed["ort_max_difference"]) ?? double.NaN, D(bilinear["ort_max_difference"]) ?? double.NaN);
            rows.Add(new("#18", "conv autoencoder, bilinear + Conv decoder (2 epochs) test MSE", F(D(bilinear["mse"]), "F5"),
                $"{F(D(transposed["mse"]), "F5")} (ConvTranspose decoder)",
                $"{F(D(bilinear["macs"]) / D(transposed["macs"]), "F2")}× MACs, {F(D(bilinear["ort_milliseconds"]) / D(transposed["ort_milliseconds"]), "F2")}× ORT ms (report)", null));
            rows.Add(new("#18", "conv autoencoders in ONNX Runtime: max |ORT − TorchSharp|", F(worst, "G3"), "–", "≤ 1e-4", worst <= 1e-4));
        }
        return rows;
    }
}
