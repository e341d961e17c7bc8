using System.Text.Json;
using Condense.Formats.Onnx;
using Condense.Graph.Structure;
using Condense.Workflows.Structure;

namespace Condense.Tests.Graph.Structure;

public sealed class ScratchTests
{
    [Fact]
    [Trait("Category", "Scratch")]
    public void Scratch()
    {
        var cal = int.Parse(Environment.GetEnvironmentVariable("CAL") ?? "8");
        var calibration = RealInputs.ResNetCrops(cal, seed: 1);
        var heldOut = RealInputs.ResNetCrops(8, seed: 99);
        var report = OnnxPruneWorkflow.Run(new OnnxPruneRequest(PackagedModels.ResNet18, "/tmp/r.onnx",
            new StructuredPruningOptions(0.25, roundTo: int.Parse(Environment.GetEnvironmentVariable("ROUND") ?? "1"), keepTied: Environment.GetEnvironmentVariable("TIED") == "1"), calibration, heldOut, "photo crops", LatencyRuns: 10));
        File.WriteAllText("/tmp/scratch.json", JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
    }
}
