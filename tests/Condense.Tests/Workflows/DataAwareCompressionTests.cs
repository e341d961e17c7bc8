using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;
using Condense.Workflows;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Workflows;

public sealed class DataAwareCompressionTests
{
    static IReadOnlyList<IReadOnlyList<TensorProto>> Samples(int count, int seed)
    {
        var rng = new Random(seed);
        // Smooth images (a few low-frequency patterns): correlated inputs, as real images are.
        return Enumerable.Range(0, count).Select(_ =>
        {
            var a = Enumerable.Range(0, 4 * 3).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            var x = new float[4 * 8 * 8];
            for (int c = 0; c < 4; c++)
                for (int i = 0; i < 64; i++)
                    x[c * 64 + i] = (float)(a[c * 3] * Math.Sin(i / 8 * 0.7) + a[c * 3 + 1] * Math.Cos(i % 8 * 0.9) + a[c * 3 + 2] + 0.05 * (rng.NextDouble() - 0.5));
            return (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("x", x, [1, 4, 8, 8])];
        }).ToList();
    }

    [Theory]
    [InlineData(OnnxCompressionMethod.Linear, 3, 0)]
    [InlineData(OnnxCompressionMethod.Linear, 3, 16)]
    [InlineData(OnnxCompressionMethod.KMeans, 2, 0)]
    public void Every_layer_kind_is_quantized_and_the_figures_are_the_files(OnnxCompressionMethod method, int bits, int block)
    {
        using var dir = new TempDir();
        var input = dir.File("tiny.onnx");
        OnnxWriter.Write(input, TinyOnnxModels.ConvNet());
        var data = new CalibrationData(Samples(96, 1), Samples(24, 2), "smooth random images", IsRandom: true);
        var output = dir.File("tiny-q.onnx");
        var report = DataAwareCompression.Run(new DataAwareCompressionRequest(input, output, method, bits, data, BlockSize: block, MinSize: 0));

        Assert.Equal(["conv1", "conv2", "fc1", "fc2"], report.Layers.Select(l => l.Node));
        Assert.Equal([8, 8, 24, 10], report.Layers.Select(l => l.Rows));
        Assert.Equal([36, 36, 128, 24], report.Layers.Select(l => l.Columns));
        Assert.All(report.Layers, l => Assert.StartsWith("gptq", l.Encoding));
        Assert.Empty(report.Untouched);
        // Compensation pays on the held-out inputs, layer by layer in sum and for the model.
        Assert.True(report.Layers.Sum(l => l.OutputError) < report.Layers.Sum(l => l.DataFreeOutputError));
        Assert.True(report.Quality >= report.DataFreeQuality!.Value - 1e-3, $"{report.Quality} vs {report.DataFreeQuality}");
        // The reported quality is the written file's: recomputed with a bare session.
        var original = OnnxReader.Read(input).Proto;
        using var a = new OnnxRuntimeRunner(original.ToByteArray(), "original");
        using var b = OnnxRuntimeRunner.FromFile(output);
        var cosines = data.HeldOut.Select(s =>
        {
            var u = OnnxTensorData.ToFloat32(a.Run(s)[0]);
            var v = OnnxTensorData.ToFloat32(b.Run(s)[0]);
            return u.Zip(v, (p, q) => (double)p * q).Sum() / Math.Sqrt(u.Sum(p => (double)p * p) * v.Sum(q => (double)q * q));
        }).Average();
        Assert.Equal(cosines, report.Quality, 1e-6);
        Assert.True(report.BytesAfter < report.BytesBefore);
    }

    [Theory]
    [InlineData(4, 0, false)]
    [InlineData(4, 16, false)]
    [InlineData(3, 8, false)]
    [InlineData(2, 0, true)]
    public void Written_codes_decode_in_onnx_runtime_to_exactly_the_solved_values(int bits, int block, bool codebook)
    {
        int k = 40, n = 12;
        var rng = new Random(bits);
        var w = Enumerable.Range(0, k * n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        // The matrix GPTQ sees is Wᵀ (rows = outputs).
        var m = new float[n * k];
        for (int r = 0; r < n; r++) for (int c = 0; c < k; c++) m[r * k + c] = w[c * n + r];
        IGptqQuantizer quantizer = codebook ? new CodebookQuantizer(bits) : new LinearGridQuantizer(bits, block);
        var q = RoundToNearest.Solve(m, n, k, quantizer);
        var encoding = quantizer is LinearGridQuantizer grid
            ? new OnnxQuantizedMatrix("grid", true, Grid: grid.Result())
            : new OnnxQuantizedMatrix("codebook", true, Codebook: ((CodebookQuantizer)quantizer).Result());
        var model = new OnnxModel(TinyOnnxModels.MatMul(w, k, n), "matmul.onnx", null);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Linear, MinSize: 0),
            new Dictionary<string, OnnxQuantizedMatrix> { ["w"] = encoding });
        Assert.DoesNotContain(result.Model.Graph.Initializer, t => t.Name == "w");
        var identity = new float[k * k];
        for (int i = 0; i < k; i++) identity[i * k + i] = 1;
        using var runner = new OnnxRuntimeRunner(result.Model.ToByteArray(), "compressed");
        var decoded = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32("x", identity, [k, k])])[0]);
        Assert.Equal(encoding.Decoded(), decoded);
        for (int r = 0; r < n; r++) for (int c = 0; c < k; c++) Assert.Equal(q[r * k + c], decoded[c * n + r]);
    }

    [Fact]
    public void A_model_without_layers_is_refused_naming_it()
    {
        using var dir = new TempDir();
        var input = dir.File("tiny.onnx");
        OnnxWriter.Write(input, TinyOnnxModels.ConvNet());
        var data = new CalibrationData(Samples(4, 1), Samples(2, 2), "x", IsRandom: true);
        var ex = Assert.Throws<CondenseException>(() => DataAwareCompression.Run(new DataAwareCompressionRequest(input, dir.File("o.onnx"), OnnxCompressionMethod.Linear, 4, data, MinSize: 1_000_000)));
        Assert.Contains("tiny.onnx", ex.Message);
        Assert.False(File.Exists(dir.File("o.onnx")));
    }
}
