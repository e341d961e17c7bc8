using Condense.Analysis;
using Condense.Calibration;
using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Workflows;
using Onnx;
using Xunit;

namespace Condense.Tests.Analysis;

/// <summary>
/// The planner's kernel settings ("n4": MatMulNBits, "d8": dynamic int8) on the MNIST classifier in ONNX: their bytes
/// against a count from the operators' layouts, the built model uses the operators and ONNX Runtime runs it to the
/// figure analysis reported, and a latency budget no choice meets is refused with nothing written.
/// </summary>
public sealed class KernelSettingsTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("condense-kernels-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("n4", KernelOperator.MatMulNBits, 4, 32, true)]
    [InlineData("n4b64-rtn", KernelOperator.MatMulNBits, 4, 64, false)]
    [InlineData("N8", KernelOperator.MatMulNBits, 8, 32, true)]
    [InlineData("d8", KernelOperator.DynamicInt8, 7, 0, false)]
    public void Parse_ReadsKernelLabels(string label, KernelOperator kernel, int bits, int block, bool gptq)
    {
        var s = QuantizationSetting.Parse(label);
        Assert.Equal((kernel, bits, block, gptq), (s.Kernel, s.Bits, s.BlockSize, s.Gptq));
        Assert.True(s.OnKernel);
        Assert.False(s.Structural);
        Assert.False(QuantizationSetting.Parse("g4").OnKernel);
    }

    [Theory]
    [InlineData("n3")]
    [InlineData("n4b20")]
    [InlineData("n4b8")]
    [InlineData("d4")]
    [InlineData("d8-rtn")]
    public void Parse_RefusesWhatTheKernelsDoNotRun(string label) =>
        Assert.Throws<CondenseException>(() => QuantizationSetting.Parse(label));

    (string Path, CalibrationData Data) Classifier()
    {
        var path = Path.Combine(folder, "classifier.onnx");
        using (var net = ModelFactory.Create(ModelKind.Classifier, 0)) OnnxWriter.Write(path, OnnxExporter.Export(net, DataSets.Mnist10k));
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        List<IReadOnlyList<TensorProto>> Digits(int from, int count) =>
            [.. Enumerable.Range(from, count).Select(i => (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("input", test.Images.AsSpan(i * 784, 784), [1, 784])])];
        return (path, new CalibrationData(Digits(0, 32), Digits(32, 8), "40 test digits", false, [.. test.Labels.Take(32)], [.. test.Labels.Skip(32).Take(8)]));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Classifier_KernelSettingsAreCountedBuiltOnTheirOperatorsAndMeasuredThere()
    {
        var (path, data) = Classifier();
        var request = new OnnxAnalysisRequest(path, data, [.. new[] { "g4", "n4", "n4b64-rtn", "d8" }.Select(QuantizationSetting.Parse)], SensitivitySamples: 4);
        var (analysis, candidates) = OnnxAnalysis.Analyze(request);
        using var _ = candidates;
        int n4 = 2, n4b64 = 3, d8 = 4;
        // 784-1000-1000-10 as Gemm [out, in]: K = in, N = out.
        (int K, int N)[] shapes = [(784, 1000), (1000, 1000), (1000, 10)];
        for (int l = 0; l < 3; l++)
        {
            var (k, n) = shapes[l];
            foreach (var (s, block) in new[] { (n4, 32), (n4b64, 64) })
            {
                // MatMulNBits: B uint8 [N, blocks, block/2], float scales [N·blocks], packed 4-bit zero points [N·⌈blocks/2⌉].
                long blocks = (k + block - 1) / block;
                long raw = n * blocks * (block / 2) + 4 * n * blocks + n * ((blocks * 4 + 7) / 8);
                Assert.InRange(candidates.Bytes[l][s], raw, raw + 3 * 64);
            }
            // DynamicQuantizeMatMul: int8 [K, N], float scales [N], int8 zero points [N].
            long int8 = (long)k * n + 4 * n + n;
            Assert.InRange(candidates.Bytes[l][d8], int8, int8 + 3 * 64);
            Assert.InRange(candidates.Bytes[l][0], 4L * k * n, 4L * k * n + 64);
        }

        foreach (var (s, op) in new[] { (n4, "MatMulNBits"), (d8, "DynamicQuantizeMatMul") })
        {
            var built = candidates.Compress([s, s, s]).Model;
            Assert.Equal(3, built.Graph.Node.Count(x => x.OpType == op && x.Domain == "com.microsoft"));
            Assert.DoesNotContain(built.Graph.Node, x => x.OpType == "Gemm");
            // The uniform row was measured on the kernels themselves: running the built model gives the same figure.
            var uniform = analysis.Uniform[s - 1];
            Assert.Equal(built.CalculateSize(), uniform.Bytes);
            Assert.Equal(uniform.Error, candidates.MeasureFile(built, path).Error, 12);
            // So was each layer alone, on the selection samples (what the planner chooses from; the uniform row is held out).
            var alone = candidates.Compress([0, s, 0]).Model;
            Assert.Equal(analysis.Layers[1].Settings[s - 1].ModelError, candidates.MeasureFileOnSelection(alone, path).Error, 12);
            Assert.InRange(uniform.Error, 1e-5, 0.2);
        }

        // A byte budget between uniform d8 and float32, from the kernel settings alone: met, written with the operators, run.
        var budget = analysis.Uniform[d8 - 1].Bytes + 200_000;
        var plan = OnnxBudgetPlan.WithinBytes(analysis, candidates, budget, offer: s => s.OnKernel);
        Assert.True(plan.Bytes <= budget, $"{plan.Bytes} > {budget}");
        Assert.All(plan.Layers, l => Assert.Contains(l.Setting, new[] { "fp32", "n4", "n4b64-rtn", "d8" }));
        Assert.Contains(plan.Model.Graph.Node, x => x.OpType is "MatMulNBits" or "DynamicQuantizeMatMul");
        Assert.Equal(plan.Bytes, plan.Model.CalculateSize());
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void LatencyPlan_WithKernelSettings_RefusesAnImpossibleBudgetWithExitOneAndNoFile()
    {
        var (path, data) = Classifier();
        _ = data;
        var output = Path.Combine(folder, "fast.onnx");
        // No model runs in a nanosecond, whatever its kernels: one line, exit 1, nothing written.
        var (code, _, stderr) = CliHarness.Run("plan", path, "--settings", "n4", "d8", "--sensitivity-samples", "2", "--max-latency", "0.000001", "-o", output);
        Assert.Equal(1, code);
        Assert.Contains("cannot be met", stderr);
        Assert.StartsWith("condense: error:", stderr.Trim());
        Assert.False(File.Exists(output));
    }
}
