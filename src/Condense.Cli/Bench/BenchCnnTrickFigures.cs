using Condense.Workflows.Cnn;
using static Condense.Cli.Bench.FigureText;

namespace Condense.Cli.Bench;

/// <summary>
/// The architectural tricks of issue 18 in <c>bench all</c>: group convolutions (distilled), the
/// Conv→ReLU→MaxPool→BN order and the two convolutional autoencoder decoders, from one short
/// CNN study (<see cref="CnnStudy"/>, what <c>condense study cnn</c> runs) on MNIST-10k, each beside
/// the baseline of the same run. They are reports (the issue sets no accuracy target for them)
/// except the ONNX parity of the autoencoders, which it does: ±1e-4.
/// </summary>
static class BenchCnnTrickFigures
{
    /// <summary>
    /// The suite's study: a quarter-width VGG on all of MNIST-10k, two epochs per network at
    /// batch 64 (about 85 s of CPU). One epoch of 2,000 digits was tried and is too short to say
    /// anything: the baseline was still at chance and both autoencoders above the all-black MSE.
    /// </summary>
    public static CnnStudyRequest Request { get; } = new()
    {
        DataSet = Condense.Data.DataSets.Mnist10k, Config = "8,M,16,16,M,32,32,M", Epochs = 2, BatchSize = 64, LearningRate = 2e-3,
        Stages = new HashSet<string> { "groups", "order", "autoencoder" }, Groups = [2, 4],
    };

    /// <summary>The command that runs <see cref="Request"/> (what reproduces the suite's figures).</summary>
    public static readonly string[] Arguments =
        ["study", "cnn", "--data", "mnist10k", "--config", "8,M,16,16,M,32,32,M", "--epochs", "2", "--batch-size", "64",
         "--lr", "2e-3", "--stages", "groups,order,autoencoder", "--groups", "2,4", "--json"];

    /// <summary>One line per group count, one for the reordered network, two for the autoencoders (MSE, ONNX parity).</summary>
    public static IReadOnlyList<BenchFigure> Figures(CnnStudyReport j)
    {
        var baseline = j.Variant("baseline")!;
        var baseAccuracy = baseline.Accuracy;
        double baseMacs = baseline.Macs;
        var baseMs = baseline.OrtMilliseconds;
        var rows = new List<BenchFigure>();
        foreach (var g in j.Groups ?? [])
        {
            var v = j.Variant(g.Variant);
            var ratio = (double)g.Before / g.After;
            rows.Add(new("#18", $"group conv {g.Variant[6..]} groups (distilled, 2 epochs) test accuracy", F(100 * v?.Accuracy, "F2") + " %",
                $"{F(100 * baseAccuracy, "F2")} % (baseline, same run)",
                $"{F(ratio, "F1")}× fewer replaced params, {F(v?.Macs / baseMacs, "F2")}× MACs, {F(v?.OrtMilliseconds / baseMs, "F2")}× ORT ms (report)", null));
        }
        if (j.Variant("relu-pool-bn") is { } reordered)
            rows.Add(new("#18", "Conv→ReLU→MaxPool→BN (2 epochs) test accuracy", F(100 * reordered.Accuracy, "F2") + " %",
                $"{F(100 * baseAccuracy, "F2")} % (Conv→BN→ReLU→MaxPool)", $"{F(reordered.OrtMilliseconds / baseMs, "F2")}× ORT ms; BN fusion refused (report)", null));
        if (j.Autoencoders is { Count: 2 } autoencoders)
        {
            var (transposed, bilinear) = (autoencoders[0], autoencoders[1]);
            var worst = Math.Max(transposed.OrtMaxDifference, bilinear.OrtMaxDifference);
            rows.Add(new("#18", "conv autoencoder, bilinear + Conv decoder (2 epochs) test MSE", F(bilinear.Mse, "F5"),
                $"{F(transposed.Mse, "F5")} (ConvTranspose decoder)",
                $"{F((double)bilinear.Macs / transposed.Macs, "F2")}× MACs, {F(bilinear.OrtMilliseconds / transposed.OrtMilliseconds, "F2")}× ORT ms (report)", null));
            rows.Add(new("#18", "conv autoencoders in ONNX Runtime: max |ORT − TorchSharp|", F(worst, "G3"), "–", "≤ 1e-4", worst <= 1e-4));
        }
        return rows;
    }
}
