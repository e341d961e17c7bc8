using System.Text.Json;
using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Workflows;
using Onnx;
using Xunit;

namespace Condense.Tests.Analysis;

/// <summary>
/// Channels as a planner setting ("c&lt;p&gt;[g&lt;bits&gt;]"): parsed, its bytes the real bytes the cut saves in the file
/// (producer rows, bias, consumer columns), the planned file run by ONNX Runtime, and --keep honoured through
/// the consumers a cut would change.
/// </summary>
public sealed class ChannelSettingTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("condense-channels-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Parse_ReadsKeptShareAndBitsAndRefusesBadOnes()
    {
        var c = QuantizationSetting.Parse("c75g4");
        Assert.Equal((75, 4, 0, 0, false), (c.ChannelPercent, c.Bits, c.RankPercent, c.SparsityPercent, c.Structural));
        Assert.Equal(32, QuantizationSetting.Parse("c50").Bits);
        Assert.Contains("1–99 %", Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("c100")).Message);
        Assert.Contains("2–8", Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("c50g9")).Message);
        Assert.Contains("-rtn", Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("c50-rtn")).Message);
        Assert.Equal(8, ChannelSetting.Removed(16, 50));
        Assert.Equal(9, ChannelSetting.Removed(10, 1)); // at least one channel kept
        Assert.Equal([1, 3], ChannelSetting.Lowest([5.0, 0.5, 2.0, 0.1], 2));
    }

    [Fact]
    public void Analysis_ChannelBytesAreTheFilesAndThePlanRunsAndHonoursKeep()
    {
        var path = Path.Combine(folder, "convs.onnx");
        OnnxWriter.Write(path, Convs());
        var rng = new Random(5);
        List<IReadOnlyList<TensorProto>> Samples(int n) => [.. Enumerable.Range(0, n).Select(_ =>
            (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("X", [.. Enumerable.Range(0, 3 * 8 * 8).Select(_ => (float)(rng.NextDouble() * 2 - 1))], [1, 3, 8, 8])])];
        var data = new CalibrationData(Samples(24), Samples(6), "uniform inputs", false);
        var settings = new[] { "g4", "c50", "c50g4" }.Select(QuantizationSetting.Parse).ToList();
        var request = new OnnxAnalysisRequest(path, data, settings, SensitivitySamples: 6, MinSize: 16);

        var (analysis, candidates) = OnnxAnalysis.Analyze(request);
        using (candidates)
        {
            Assert.NotNull(candidates.Channels);
            var weights = candidates.Layers.Select(l => l.Weight).ToList();
            Assert.Equal(["wa", "wb", "wc"], weights);
            int a = 0, c50 = 2, c50g4 = 3;
            // Offered on the producers of groups a (16 channels, read by b) and b (24, read by c); c's output is the graph's.
            Assert.True(candidates.Channels!.Offers("wa") && candidates.Channels.Offers("wb") && !candidates.Channels.Offers("wc"));
            Assert.False(candidates.Channels.Groups.Single(g => g.Producer == "conv_c").Offered);
            Assert.Null(candidates.Encodings[2][c50]);
            // c50 on a: 8 of 16 channels go: a's rows 8·3·3·3 floats, its bias 8, b's columns 24·8·3·3; b's bias takes the refit's shift.
            long counted = 4L * (8 * 27 + 8 + 24 * 8 * 9);
            // The file: write the model of that choice and count its bytes; the setting's bytes are what it saved there.
            var cut = candidates.Compress([c50, 0, 0]);
            var written = Path.Combine(folder, "a-c50.onnx");
            OnnxWriter.Write(written, cut.Model);
            var saved = new FileInfo(path).Length - new FileInfo(written).Length;
            Assert.Equal(4L * 16 * 27 - saved, candidates.Bytes[a][c50]);
            // Protobuf's length prefixes shrink with the tensors (the graph's from 3 bytes to 2): a byte or two beyond the floats.
            Assert.InRange(saved - counted, 0, 4);
            // Its kept rows at 4 bits: smaller still, and its b consumer re-encoded on the shrunk weight when b is g4 too.
            Assert.True(candidates.Bytes[a][c50g4] < candidates.Bytes[a][c50]);
            var both = candidates.Compress([c50g4, 1, 0]);
            var y = HeldOutQuality.Outputs(both.Model, path, data.HeldOut);
            Assert.Equal(6 * 8 * 8, y[0].Length);
            var measured = candidates.Measure([c50g4, 1, 0]);
            Assert.True(measured.Error > 0 && measured.Error < 1, $"error {measured.Error}");
            // The channel settings' model errors are measured on the cut itself (non-zero), the layer errors on a's output.
            var aSettings = analysis.Layers[a].Settings;
            Assert.True(aSettings.Single(s => s.Setting == "c50").ModelError > 0);
            Assert.True(aSettings.Single(s => s.Setting == "c50g4").ModelError >= aSettings.Single(s => s.Setting == "c50").ModelError * 0.9);
        }

        // A budget only a cut meets: a is cut; with conv_c kept, b's group (read by c) is withdrawn and says why.
        var output = Path.Combine(folder, "plan.onnx");
        var json = Path.Combine(folder, "plan.json");
        var budget = new FileInfo(path).Length - 2000;
        var channelsOnly = request with { Settings = [QuantizationSetting.Parse("c50")] };
        var report = OnnxPlanning.Run(new OnnxPlanRequest(channelsOnly, output, json, budget, null, ["conv_c"]));
        Assert.Equal(["c50", "fp32", "fp32"], report.Layers.Select(l => l.Setting));
        Assert.True(new FileInfo(output).Length <= budget && new FileInfo(output).Length == report.Plan.Bytes);
        var run = HeldOutQuality.Outputs(OnnxReader.Read(output).Proto, output, data.HeldOut);
        Assert.Equal(6 * 8 * 8, run[0].Length);
        Assert.True(report.Plan.Error is > 0 and < 1, $"plan error {report.Plan.Error}");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var groups = doc.RootElement.GetProperty("channel_groups").EnumerateArray().ToList();
        var b = groups.Single(g => g.GetProperty("producer").GetString() == "conv_b");
        Assert.False(b.GetProperty("offered").GetBoolean());
        Assert.Equal("--keep conv_c", b.GetProperty("reason").GetString());
        Assert.True(groups.Single(g => g.GetProperty("producer").GetString() == "conv_a").GetProperty("offered").GetBoolean());

        // Keeping a's consumer b too leaves nothing to cut: the budget cannot be met and nothing is written.
        File.Delete(output);
        Assert.Throws<CondenseException>(() => OnnxPlanning.Run(new OnnxPlanRequest(channelsOnly, output, null, budget, null, ["conv_b"])));
        Assert.False(File.Exists(output));
    }

    /// <summary>X [1, 3, 8, 8] → conv a (16, 3×3) → Relu → conv b (24, 3×3) → Relu → conv c (6, 1×1) → Y, opset 17, biases everywhere.</summary>
    static ModelProto Convs()
    {
        var rng = new Random(11);
        float[] Values(int n, double scale) => [.. Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2 - 1) * scale))];
        var graph = new GraphProto { Name = "convs" };
        graph.Input.Add(Value("X", 3));
        graph.Output.Add(Value("Y", 6));
        var previous = "X";
        foreach (var (name, inputs, outputs, kernel) in new[] { ("a", 3, 16, 3), ("b", 16, 24, 3), ("c", 24, 6, 1) })
        {
            graph.Initializer.Add(OnnxTensorData.FromFloat32($"w{name}", Values(outputs * inputs * kernel * kernel, 1.0 / Math.Sqrt(inputs * kernel * kernel)), [outputs, inputs, kernel, kernel]));
            graph.Initializer.Add(OnnxTensorData.FromFloat32($"b{name}", Values(outputs, 0.1), [outputs]));
            var conv = new NodeProto { OpType = "Conv", Name = $"conv_{name}" };
            conv.Input.AddRange([previous, $"w{name}", $"b{name}"]);
            conv.Output.Add(name == "c" ? "Y" : $"{name}_out");
            var pad = kernel / 2;
            conv.Attribute.Add(new AttributeProto { Name = "pads", Type = AttributeProto.Types.AttributeType.Ints, Ints = { pad, pad, pad, pad } });
            graph.Node.Add(conv);
            if (name == "c") break;
            var relu = new NodeProto { OpType = "Relu", Name = $"relu_{name}" };
            relu.Input.Add($"{name}_out");
            relu.Output.Add($"{name}_relu");
            graph.Node.Add(relu);
            previous = $"{name}_relu";
        }
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "condense test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    static ValueInfoProto Value(string name, long channels)
    {
        var shape = new TensorShapeProto();
        foreach (var d in new[] { 1, channels, 8, 8 }) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }
}
