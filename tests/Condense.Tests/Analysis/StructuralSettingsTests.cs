using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Workflows;
using Onnx;
using Xunit;

namespace Condense.Tests.Analysis;

/// <summary>
/// Low rank and sparsity as planner settings: parsed, written as ONNX Runtime decodes them (the values
/// the analysis measured are the file's), and chosen by the planner where they are best.
/// </summary>
public sealed class StructuralSettingsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("condense-structural-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public void Parse_ReadsRankAndSparsityAndRefusesBadOnes()
    {
        var r = QuantizationSetting.Parse("r25g8");
        Assert.Equal((25, 0, 8, true, true), (r.RankPercent, r.SparsityPercent, r.Bits, r.Gptq, r.Structural));
        var s = QuantizationSetting.Parse("s50-rtn");
        Assert.Equal((0, 50, 32, false), (s.RankPercent, s.SparsityPercent, s.Bits, s.Gptq));
        Assert.False(QuantizationSetting.Parse("g4").Structural);
        Assert.Contains("1–99 %", Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("r0")).Message);
        Assert.Contains("1–99 %", Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("s100")).Message);
        Assert.Contains("2–8", Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("s50g9")).Message);
        // r = ⌊p · rows·columns / (rows + columns)⌋: 25 % of 1000×784 is rank 109 (109·1784 = 194,456 ≤ 196,000).
        Assert.Equal(109, StructuralSettings.Rank(1000, 784, 25));
        Assert.Equal(1, StructuralSettings.Rank(10, 10, 1));
        Assert.Equal(9, StructuralSettings.Rank(10, 1000, 99)); // 99 % of 10×1000 in factors of 1,010 a rank: 9.8
        Assert.Equal(4, StructuralSettings.Rank(10, 10, 99)); // a square matrix: factors of 99 % reach only half its rank
    }

    [Theory]
    [InlineData("r25", false)]
    [InlineData("r25g4", true)]
    [InlineData("s50", false)]
    [InlineData("s75g4", true)]
    [InlineData("s50g8-rtn", false)]
    public void Written_DecodesInOnnxRuntimeToTheValuesMeasured(string label, bool gemm)
    {
        // X·W with W [in = 64, out = 48] (MatMul) or Gemm with W [out, in] (transB = 1).
        var rng = new Random(3);
        var weight = Enumerable.Range(0, 64 * 48).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var path = Path.Combine(folder, "one.onnx");
        OnnxWriter.Write(path, Chain(("W", weight, 64, 48, gemm)));
        var model = OnnxReader.Read(path);
        var layer = LinearLayers.Find(model).Layers.Single();
        var w = gemm ? weight : Condense.Metrics.RowMajor.Transpose(weight, 64, 48);
        var (encoding, values) = StructuralSettings.Apply(layer, w, QuantizationSetting.Parse(label), null, null, 17);
        Assert.NotNull(encoding);
        var compressed = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Linear, 8, MinSize: long.MaxValue),
            new Dictionary<string, OnnxQuantizedMatrix> { ["W"] = encoding });
        var x = Enumerable.Range(0, 64).Select(_ => (float)rng.NextDouble()).ToArray();
        var y = HeldOutQuality.Outputs(compressed.Model, path, [[OnnxTensorData.FromFloat32("X", x, [1, 64])]])[0];
        for (int o = 0; o < 48; o++)
        {
            double expected = 0;
            for (int i = 0; i < 64; i++) expected += x[i] * values[o * 64 + i];
            Assert.Equal(expected, y[o], 3e-4);
        }
        if (label.StartsWith('r'))
        {
            // Written as two thin products (X·P₁)·P₂: the same outputs, and no MatMul of the factors left to fold.
            Assert.Equal(1, LowRankSplit.Apply(compressed.Model, ["W"]));
            Assert.DoesNotContain(compressed.Model.Graph.Node, n => n.Output.Contains("W"));
            var split = HeldOutQuality.Outputs(compressed.Model, path, [[OnnxTensorData.FromFloat32("X", x, [1, 64])]])[0];
            for (int o = 0; o < 48; o++) Assert.Equal(y[o], split[o], 1e-4);
        }
        // The tensor decoded in its own layout (MatMul's [in, out] is the matrix transposed).
        Assert.Equal(gemm ? values : Condense.Metrics.RowMajor.Transpose(values, 48, 64), encoding.Decoded());
        var bytes = compressed.Tensors.Single(t => t.Name == "W").BytesAfter;
        if (label.StartsWith('s')) Assert.Equal(int.Parse(label[1..3]) / 100.0, values.Count(v => v == 0) / (double)values.Length, 2);
        // Fewer bytes than float32 (12,288): r25 holds a quarter of the parameters; s50 a byte of mask a weight (the bit
        // table does not pay in so small a model) and half the values; quantized factors or non-zeros under half.
        Assert.InRange(bytes, 1, label switch { "r25" => 64 * 48 * 4 * 3 / 4, "s50" => 64 * 48 * 4 - 1, _ => 64 * 48 * 4 / 2 });
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Planner_ChoosesLowRankAndSparsityWhereTheyAreBest_AndRefusesTooSmallABudget()
    {
        // Layer a is exactly rank 4 (r10 keeps rank 12: no error, 19 % of float32); layer b has three zeros in every four
        // weights (s75g8: a mask and 8-bit non-zeros, 9 % of float32). 4-bit grids cost more, with far more error.
        var rng = new Random(5);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        var u = Enumerable.Range(0, 256 * 4).Select(_ => (float)Normal()).ToArray();
        var v = Enumerable.Range(0, 4 * 256).Select(_ => (float)Normal()).ToArray();
        var a = Condense.Formats.Onnx.FloatMatrix.Product(u, v, 256, 4, 256).Select(x => x / 16).ToArray();
        var b = Enumerable.Range(0, 256 * 256).Select(i => i % 4 == 0 ? (float)(Normal() / 8) : 0f).ToArray();
        var path = Path.Combine(folder, "two.onnx");
        // b first: a after it would see inputs in a 4-dimensional space, where the whitened low rank fits b exactly too.
        OnnxWriter.Write(path, Chain(("b", b, 256, 256, false), ("a", a, 256, 256, false)));
        List<IReadOnlyList<TensorProto>> Samples(int n) =>
            [.. Enumerable.Range(0, n).Select(_ => (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("X", [.. Enumerable.Range(0, 256).Select(_ => (float)Normal())], [1, 256])])];
        var data = new CalibrationData(Samples(300), Samples(16), "normal inputs", false);
        var settings = new[] { "g4", "g3", "g2", "r10", "s75g8" }.Select(QuantizationSetting.Parse).ToList();
        var analysis = new OnnxAnalysisRequest(path, data, settings, SensitivitySamples: 8);
        var output = Path.Combine(folder, "plan.onnx");

        var tooSmall = Assert.Throws<CondenseException>(() => OnnxPlanning.Run(new OnnxPlanRequest(analysis, output, null, 20_000, null)));
        Assert.Contains("cannot be met", tooSmall.Message);
        Assert.False(File.Exists(output));

        var report = OnnxPlanning.Run(new OnnxPlanRequest(analysis, output, null, null, null, MaxBytesOfUniform: "g4"));
        var g4 = report.Analysis.Uniform.Single(m => m.Name == "uniform g4");
        Assert.Equal(["s75g8", "r10"], report.Layers.Select(l => l.Setting));
        Assert.True(report.Plan.Bytes <= g4.Bytes && new FileInfo(output).Length == report.Plan.Bytes);
        Assert.True(report.Plan.Error < 0.01, $"plan error {report.Plan.Error}");
        Assert.True(g4.Error > 5 * report.Plan.Error, $"uniform g4 {g4.Error}, plan {report.Plan.Error}");
    }

    /// <summary>X [1, in] through MatMuls (weight [in, out]) or Gemms (weight [out, in], transB = 1), opset 17.</summary>
    static ModelProto Chain(params (string Name, float[] Weight, int In, int Out, bool Gemm)[] layers)
    {
        var graph = new GraphProto { Name = "chain" };
        graph.Input.Add(Value("X", layers[0].In));
        graph.Output.Add(Value("Y", layers[^1].Out));
        var previous = "X";
        for (int l = 0; l < layers.Length; l++)
        {
            var (name, weight, inputs, outputs, gemm) = layers[l];
            graph.Initializer.Add(OnnxTensorData.FromFloat32(name, weight, gemm ? [outputs, inputs] : [inputs, outputs]));
            var node = new NodeProto { OpType = gemm ? "Gemm" : "MatMul", Name = $"layer_{name}" };
            node.Input.AddRange([previous, name]);
            previous = l == layers.Length - 1 ? "Y" : $"h{l}";
            node.Output.Add(previous);
            if (gemm) node.Attribute.Add(new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 });
            graph.Node.Add(node);
        }
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "condense test" };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return model;
    }

    static ValueInfoProto Value(string name, long width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }
}
