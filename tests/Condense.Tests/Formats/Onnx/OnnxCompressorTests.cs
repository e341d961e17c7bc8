using Condense.Formats.Onnx;
using Google.Protobuf;
using Xunit.Abstractions;

namespace Condense.Tests.Formats.Onnx;

public sealed class OnnxCompressorTests(ITestOutputHelper output)
{
    /// <summary>Worst max|Δ|/max|expected| accepted against the stored outputs, per method.</summary>
    public static TheoryData<string, string, double> Cases()
    {
        var data = new TheoryData<string, string, double>();
        foreach (var row in OnnxTestData.Models())
        {
            data.Add((string)row[0], "fp16", 0.01);
            data.Add((string)row[0], "kmeans8", 0.05);
        }
        return data;
    }

    [OnnxTestDataTheory]
    [MemberData(nameof(Cases))]
    public void Compressed_test_models_run_in_onnx_runtime_close_to_the_stored_outputs(string model, string method, double tolerance)
    {
        var original = OnnxReader.Read(OnnxTestData.ModelPath(model));
        var options = method == "fp16"
            ? new OnnxCompressionOptions(OnnxCompressionMethod.Fp16, MinSize: 1)
            : new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, Bits: 8, MinSize: 1);
        var result = OnnxCompressor.Compress(original, options);
        // What the compressor wrote must pass the reader's checks.
        var reread = OnnxReader.Parse(result.Model.ToByteArray(), model + " (compressed)");

        using var runner = new OnnxRuntimeRunner(reread.ToByteArray(), model);
        var outputs = runner.Run(OnnxTestData.Tensors(model, "input"));
        var worst = OnnxTestData.WorstRelative(outputs, OnnxTestData.Tensors(model, "output"));
        var compressed = result.Tensors.Count(t => t.Compressed);
        output.WriteLine($"RESULT {method} {model} worst-relative {worst:E3} tensors {compressed}/{result.Tensors.Count} bytes {result.ModelBytesBefore}->{result.ModelBytesAfter}");
        Assert.True(worst <= tolerance, $"worst relative difference {worst:E3} > {tolerance}");
    }

    [Fact]
    public void Fp16_of_a_single_initializer_is_a_cast_and_halves_its_bytes()
    {
        var model = OnnxSamples.Linear(out var weights, rows: 64, cols: 32);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Fp16, MinSize: 1));
        var w = Assert.Single(result.Tensors, t => t.Name == "W");
        Assert.Equal("fp16", w.Encoding);
        Assert.InRange(w.BytesBefore, 64 * 32 * 4, 64 * 32 * 4 + 32);
        Assert.InRange(w.BytesAfter, 64 * 32 * 2, 64 * 32 * 2 + 64);
        Assert.Contains(result.Model.Graph.Node, n => n.OpType == "Cast" && n.Output[0] == "W");
        Assert.DoesNotContain(result.Model.Graph.Initializer, i => i.Name == "W");
        Assert.True(w.MaxAbsError <= weights.Max(Math.Abs) / 1024);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void Kmeans_weights_decoded_by_onnx_runtime_equal_the_codebook_values(int bits)
    {
        // The graph's output is the weight itself, so ORT's decoded tensor can be compared
        // element by element with the encoder's own reconstruction.
        // 30 001 weights: enough for packing to beat the shared 8 KiB bit table, and not a multiple of 8.
        var model = OnnxSamples.WeightOutput(out var weights, count: 30001);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, Bits: bits, MinSize: 1));
        using var runner = new OnnxRuntimeRunner(result.Model.ToByteArray(), "kmeans");
        var decoded = OnnxTensorData.ToFloat32(Assert.Single(runner.Run([])));
        Assert.Equal(weights.Length, decoded.Length);
        var codebook = decoded.Distinct().ToArray();
        Assert.True(codebook.Length <= 1 << bits);
        for (int i = 0; i < weights.Length; i++)
        {
            // Each weight decodes to its nearest codebook entry.
            var nearest = codebook.MinBy(c => Math.Abs(c - weights[i]));
            Assert.Equal(nearest, decoded[i]);
        }
        var report = Assert.Single(result.Tensors);
        var stored = OnnxTensorData.ToFloat32(result.Model.Graph.Initializer.First(t => t.Name.EndsWith("codebook")));
        Assert.Equal(1 << bits, stored.Length);
        Assert.All(codebook, c => Assert.Contains(c, stored));
        // Packed: bits/8 bytes per weight plus the codebook, shape constants and decoding nodes.
        Assert.True(report.BytesAfter <= (30001 * bits + 7) / 8 + (4 << bits) + 1024, $"{report.BytesAfter} bytes");
    }

    [Theory]
    [InlineData(false, 8)]
    [InlineData(true, 8)]
    [InlineData(true, 4)]
    public void Linear_weights_decoded_by_dequantize_linear_match_the_encoder(bool perChannel, int bits)
    {
        var model = OnnxSamples.Linear(out _, rows: 16, cols: 100, opset: 13);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Linear, bits, perChannel, MinSize: 1));
        Assert.Contains(result.Model.Graph.Node, n => n.OpType == "DequantizeLinear");
        var w = Assert.Single(result.Tensors, t => t.Name == "W");
        Assert.Equal(perChannel ? $"linear {bits}-bit per-axis 0" : $"linear {bits}-bit", w.Encoding);
        var verification = OnnxVerifier.Compare(model.Proto, result.Model, "linear");
        Assert.True(verification.WorstRelative < (bits == 8 ? 0.02 : 0.2), $"{verification.WorstRelative}");
        Assert.True(verification.WorstRelative > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Linear_4_bit_levels_are_packed_and_decode_exactly_in_onnx_runtime(bool perChannel)
    {
        var model = OnnxSamples.Linear(out var weights, rows: 100, cols: 300, opset: 13);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Linear, 4, perChannel, MinSize: 1000));
        var w = Assert.Single(result.Tensors, t => t.Name == "W");
        Assert.EndsWith("packed", w.Encoding);
        Assert.InRange(w.BytesAfter, 30000 / 2, 30000 / 2 + 1500);
        Assert.Contains(result.Model.Graph.Node, n => n.OpType == "DequantizeLinear");
        // 16 levels per scale: the max error is at most half a step of the widest range.
        var step = (weights.Max() - Math.Min(0, weights.Min())) / 15;
        Assert.InRange(w.MaxAbsError, 0, step / 2 + 1e-6);
        var verification = OnnxVerifier.Compare(model.Proto, result.Model, "linear4");
        Assert.InRange(verification.WorstRelative, 1e-6, 0.2);
    }

    [Fact]
    public void Pruned_weights_are_stored_sparsely_and_zeros_stay_exact()
    {
        var model = OnnxSamples.WeightOutput(out var weights, count: 4000, keepEvery: 20);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Fp16, MinSize: 1));
        var report = Assert.Single(result.Tensors);
        Assert.StartsWith("sparse 5%", report.Encoding);
        Assert.Contains(result.Model.Graph.Node, n => n.OpType == "ScatterElements");
        Assert.True(report.BytesAfter < 4000 * 2 / 4, $"{report.BytesAfter} bytes");
        using var runner = new OnnxRuntimeRunner(result.Model.ToByteArray(), "sparse");
        var decoded = OnnxTensorData.ToFloat32(Assert.Single(runner.Run([])));
        for (int i = 0; i < weights.Length; i++)
        {
            if (weights[i] == 0) Assert.Equal(0f, decoded[i]);
            else Assert.Equal((float)(Half)weights[i], decoded[i]);
        }
    }

    [Fact]
    public void Tensors_below_min_size_and_non_float_tensors_are_left_alone()
    {
        var model = OnnxSamples.Linear(out _, rows: 8, cols: 8);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, Bits: 4, MinSize: 1000));
        Assert.All(result.Tensors, t => Assert.StartsWith("kept", t.Encoding));
        Assert.Equal(model.Proto.Graph.Initializer, result.Model.Graph.Initializer);
    }

    [Fact]
    public void Constant_node_weights_are_compressed_too()
    {
        var model = OnnxSamples.Linear(out _, rows: 32, cols: 32, asConstant: true);
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, Bits: 4, MinSize: 100));
        var w = Assert.Single(result.Tensors, t => t.Name == "W");
        Assert.Equal(OnnxParameterSource.ConstantNode, w.Source);
        Assert.True(w.Compressed);
        Assert.DoesNotContain(result.Model.Graph.Node, n => n.OpType == "Constant" && n.Output[0] == "W");
        var verification = OnnxVerifier.Compare(model.Proto, result.Model, "constant");
        Assert.True(verification.WorstRelative < 0.2);
    }

    [Theory]
    [InlineData(OnnxCompressionMethod.KMeans, 9, false)]
    [InlineData(OnnxCompressionMethod.KMeans, 0, false)]
    [InlineData(OnnxCompressionMethod.Linear, 1, false)]
    [InlineData(OnnxCompressionMethod.Fp16, 8, false)]
    [InlineData(OnnxCompressionMethod.KMeans, 4, true)]
    public void Bad_settings_are_rejected_quoting_the_value(OnnxCompressionMethod method, int bits, bool perChannel)
    {
        var ex = Assert.Throws<CondenseException>(() => new OnnxCompressionOptions(method, bits, perChannel));
        Assert.True(ex.Message.Contains(bits.ToString()) || ex.Message.Contains("per-channel scales apply to linear"), ex.Message);
    }
}
