using System.Text.Json;
using Condense.Formats.Onnx;
using Condense.Graph.Structure;
using Condense.Workflows.Structure;

namespace Condense.Tests.Graph.Structure;

public sealed class ScratchTests
{
    static void Save(string name, object report) =>
        File.WriteAllText($"/tmp/measure/{name}.json", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));

    [Fact]
    [Trait("Category", "Scratch")]
    public void Measure()
    {
        Directory.CreateDirectory("/tmp/measure");
        var imgCal = RealInputs.ResNetCrops(32, seed: 1);
        var imgHeld = RealInputs.ResNetCrops(8, seed: 99);
        var txtCal = RealInputs.MiniLmSentences(48, skip: 0);
        var txtHeld = RealInputs.MiniLmSentences(16, skip: 200);
        Save("minilm-prune", OnnxPruneWorkflow.Run(new OnnxPruneRequest(PackagedModels.MiniLm, "/tmp/measure/minilm-pruned.onnx",
            new StructuredPruningOptions(0.25, BudgetKind.Channels, roundTo: 16), txtCal, txtHeld, "48 sentences of docs/ / 16 held out", LatencyRuns: 20)));
        foreach (var f in new[] { 0.25, 0.5, 0.75 })
            Save($"minilm-lowrank-{f}", OnnxLowRankWorkflow.Run(new OnnxLowRankRequest(PackagedModels.MiniLm, $"/tmp/measure/minilm-lr-{f}.onnx", f, true, txtCal, txtHeld, LatencyRuns: f == 0.5 ? 20 : 0)));
        Save("resnet-prune", OnnxPruneWorkflow.Run(new OnnxPruneRequest(PackagedModels.ResNet18, "/tmp/measure/resnet-pruned.onnx",
            new StructuredPruningOptions(0.25, roundTo: 16, keepTied: true), imgCal, imgHeld, "32 crops of the 2 sample photos / 8 held-out crops", LatencyRuns: 20)));
        foreach (var f in new[] { 0.25, 0.5, 0.75 })
        {
            Save($"resnet-lowrank-{f}", OnnxLowRankWorkflow.Run(new OnnxLowRankRequest(PackagedModels.ResNet18, $"/tmp/measure/resnet-lr-{f}.onnx", f, true, imgCal, imgHeld, LatencyRuns: f == 0.5 ? 20 : 0)));
        }
    }
}
