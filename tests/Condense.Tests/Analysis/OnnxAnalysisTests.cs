using Condense.Analysis;
using Condense.Calibration;
using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Models;
using Condense.Workflows;
using Onnx;
using Xunit;

namespace Condense.Tests.Analysis;

/// <summary>
/// The analysis on the three real models (few samples): the seeds' bound (5) must hold for every
/// layer and setting measured, and a plan must meet its budget or be refused with nothing written.
/// </summary>
public sealed class OnnxAnalysisTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("condense-analysis-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>The MNIST classifier (untrained weights suffice for the invariants) as ONNX, and real digits.</summary>
    (string Path, CalibrationData Data) Classifier()
    {
        var path = Path.Combine(folder, "classifier.onnx");
        using (var net = ModelFactory.Create(ModelKind.Classifier, 0)) OnnxWriter.Write(path, OnnxExporter.Export(net, DataSets.Mnist10k));
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        List<IReadOnlyList<TensorProto>> Digits(int from, int count) =>
            [.. Enumerable.Range(from, count).Select(i => (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("input", test.Images.AsSpan(i * 784, 784), [1, 784])])];
        var data = new CalibrationData(Digits(0, 16), Digits(16, 8), "24 test digits", false, [.. test.Labels.Take(16)], [.. test.Labels.Skip(16).Take(8)]);
        return (path, data);
    }

    static void AssertBoundHolds(OnnxAnalysisReport report, int layers)
    {
        Assert.Equal(layers, report.Layers.Count);
        foreach (var l in report.Layers)
            foreach (var s in l.Settings)
            {
                Assert.NotNull(s.LayerError);
                Assert.True(s.LayerError > 0, $"{l.Node} {s.Setting}: no error measured");
                Assert.True(s.Bound >= s.LayerError, $"{l.Node} {s.Setting}: bound {s.Bound} < measured {s.LayerError}");
                Assert.InRange(s.ModelError, 0, 10);
            }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Classifier_BoundHoldsAndSensitivityIsMeasuredPerLayer()
    {
        var (path, data) = Classifier();
        var report = OnnxAnalysis.Run(new OnnxAnalysisRequest(path, data, [QuantizationSetting.Parse("g4"), QuantizationSetting.Parse("k2-rtn")], SensitivitySamples: 4));
        AssertBoundHolds(report, 3);
        // Two bits are worse than four for the output of every layer and of the whole model.
        foreach (var l in report.Layers) Assert.True(l.Settings[1].ModelError > l.Settings[0].ModelError, l.Node);
        Assert.True(report.Uniform[1].Error > report.Uniform[0].Error);
        Assert.True(report.Uniform[0].Bytes < report.Original.Bytes / 4);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ResNet18Folded_BoundHoldsForEveryConv()
    {
        var (folded, _) = GraphFolding.Fold(OnnxReader.Read(PackagedModels.ResNet18));
        var path = Path.Combine(folder, "resnet18.onnx");
        OnnxWriter.Write(path, folded.Proto);
        var model = OnnxReader.Read(path);
        var data = CalibrationDataLoader.Load(model, new DataSpec(null, Count: 3, HeldOutFraction: 0.34));
        var (report, candidates) = OnnxAnalysis.Analyze(new OnnxAnalysisRequest(path, data, [QuantizationSetting.Parse("g3-rtn")], SensitivitySamples: 1));
        using (candidates)
        {
            Assert.True(report.IsRandomData);
            AssertBoundHolds(report, LinearLayers.Find(model).Layers.Count);
            // Each layer's sensitivity came from the part of the graph after it (residual branches cut out and fed
            // their captured values); the whole model with only that layer compressed gives the same figure
            // (ONNX Runtime may pick other kernels for the part: float32 rounding, 1e-4 relative at most).
            for (int l = 0; l < candidates.Layers.Count; l += 5)
            {
                var choice = new int[candidates.Layers.Count];
                choice[l] = 1;
                var (whole, _, _) = candidates.Measure(choice);
                Assert.Equal(whole, report.Layers[l].Settings[0].ModelError, Math.Max(1e-6, whole * 1e-4));
            }
        }
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MiniLm_BoundHoldsForEveryMatMul()
    {
        var model = OnnxReader.Read(PackagedModels.MiniLm);
        var data = CalibrationDataLoader.Load(model, new DataSpec(null, Count: 3, HeldOutFraction: 0.34, MaxSequenceLength: 16));
        var report = OnnxAnalysis.Run(new OnnxAnalysisRequest(PackagedModels.MiniLm, data, [QuantizationSetting.Parse("g3-rtn")], SensitivitySamples: 1));
        // The MatMuls and the two embedding tables (word and position), each measured like a layer.
        AssertBoundHolds(report, LinearLayers.Find(model).Layers.Count + 2);
        Assert.Equal(2, report.Layers.Count(l => l.Kind == "Gather"));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Plan_MeetsTheBudgetOrRefusesItWritingNothing()
    {
        var (path, data) = Classifier();
        var analysis = new OnnxAnalysisRequest(path, data, [QuantizationSetting.Parse("g8-rtn"), QuantizationSetting.Parse("k2-rtn")], SensitivitySamples: 4);
        var output = Path.Combine(folder, "plan.onnx");
        var json = Path.Combine(folder, "plan.json");

        var tooSmall = Assert.Throws<CondenseException>(() => OnnxPlanning.Run(new OnnxPlanRequest(analysis, output, json, 10_000, null)));
        Assert.Contains("cannot be met", tooSmall.Message);
        var unknown = Assert.Throws<CondenseException>(() => OnnxPlanning.Run(new OnnxPlanRequest(analysis, output, json, 1_000_000, null, ["fc9"])));
        Assert.Contains("'fc9'", unknown.Message);
        Assert.False(File.Exists(output) || File.Exists(json));

        var report = OnnxPlanning.Run(new OnnxPlanRequest(analysis, output, json, 1_000_000, null, ["fc3"]));
        Assert.True(new FileInfo(output).Length <= 1_000_000);
        Assert.Equal(new FileInfo(output).Length, report.Plan.Bytes);
        Assert.Equal("fp32", report.Layers.Single(l => l.Node == "fc3").Setting);
        Assert.Contains("\"layers\"", File.ReadAllText(json));
        // The file runs in ONNX Runtime and its figure is the one reported: on every held-out sample (none of which it was chosen on).
        Assert.Equal(data.HeldOut.Count, report.Analysis.HeldOutOutputSamples);
        var outputs = HeldOutQuality.Outputs(OnnxReader.Read(output).Proto, output, data.HeldOut);
        var original = HeldOutQuality.Outputs(OnnxReader.Read(path).Proto, path, data.HeldOut);
        Assert.Equal(report.Plan.Cosine, HeldOutQuality.MeanCosine(original, outputs), 6);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void PlanMaxLatency_RefusesAnImpossibleBudgetAndMeetsAGenerousOne()
    {
        var (path, data) = Classifier();
        var analysis = new OnnxAnalysisRequest(path, data, [QuantizationSetting.Parse("g4"), QuantizationSetting.Parse("r10")], SensitivitySamples: 2);
        var output = Path.Combine(folder, "fast.onnx");
        var both = Assert.Throws<CondenseException>(() => OnnxPlanning.Run(new OnnxPlanRequest(analysis, output, null, 1_000_000, null, MaxLatencyMs: 5)));
        Assert.Contains("exactly one of", both.Message);
        // No model runs in a nanosecond: refused after timing the fastest choice, nothing written.
        var impossible = Assert.Throws<CondenseException>(() => OnnxPlanning.Run(new OnnxPlanRequest(analysis, output, null, null, null, MaxLatencyMs: 1e-6, LatencyRuns: 3)));
        Assert.Contains("cannot be met", impossible.Message);
        Assert.False(File.Exists(output));
        // A second is met by anything; the plan spends it on the least error (every layer float32 or its best setting).
        var report = OnnxPlanning.Run(new OnnxPlanRequest(analysis, output, null, null, null, MaxLatencyMs: 1000, LatencyRuns: 3));
        Assert.True(File.Exists(output));
        Assert.Contains("measured", report.Budget);
        Assert.All(report.Layers, l => Assert.Equal("fp32", l.Setting));
    }
}
