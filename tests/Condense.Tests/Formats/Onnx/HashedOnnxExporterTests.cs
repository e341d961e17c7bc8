using Condense.Formats.Onnx;
using Condense.Hashing;
using Google.Protobuf;
using static TorchSharp.torch;

namespace Condense.Tests.Formats.Onnx;

/// <summary>A hashed network exported to ONNX: ONNX Runtime rebuilds the virtual matrices and gives Condense's outputs.</summary>
public class HashedOnnxExporterTests
{
    [Theory]
    [InlineData(HashingVariant.Hashed, 8.0, 20)]      // 2K ≤ 65,536: uint16 index table
    [InlineData(HashingVariant.Hashed, 1.5, 200)]     // fc1 pool 104,534: 2K > 65,536, int32 index table
    [InlineData(HashingVariant.Structured, 16.0, 20)]
    public void OnnxRuntimeGivesTheHashedNetworksOutputs(HashingVariant variant, double factor, int hidden)
    {
        manual_seed(4);
        using var model = new HashedMlp([784, hidden, 10], new HashingOptions { Factor = factor, Variant = variant, Seed = 3 });
        model.eval();
        var random = new Random(1);
        var x = Enumerable.Range(0, 3 * 784).Select(_ => (float)random.NextDouble()).ToArray();
        float[] expected;
        using (no_grad())
        using (var input = tensor(x, [3, 784]))
        using (var y = model.forward(input))
            expected = y.data<float>().ToArray();

        var proto = HashedOnnxExporter.Export(model);
        using var runner = new OnnxRuntimeRunner(proto.ToByteArray(), "hashed.onnx");
        var actual = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32(runner.InputNames[0], x, [3, 784])])[0]);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);

        if (variant == HashingVariant.Hashed)
        {
            var index = proto.Graph.Initializer.Single(t => t.Name.StartsWith("fc1.index", StringComparison.Ordinal));
            Assert.Equal(2 * model.VirtualLayers[0].Layer.RealWeights <= 65_536 ? (int)global::Onnx.TensorProto.Types.DataType.Uint16 : (int)global::Onnx.TensorProto.Types.DataType.Int32, index.DataType);
        }
    }

    [Theory]
    [InlineData(2, HashReduction.Sum, false)]
    [InlineData(4, HashReduction.Product, true)]
    [InlineData(2, HashReduction.Max, true)]
    [InlineData(4, HashReduction.Min, false)]
    public void MultiHashingRunsInOnnxRuntimeWithTorchSharpsOutputs(int m, HashReduction reduction, bool separate)
    {
        manual_seed(5);
        using var model = new HashedMlp([784, 16, 10], new HashingOptions { Factor = 8, Hashes = m, Reduction = reduction, SeparateBuckets = separate, Seed = 9 });
        model.eval();
        var random = new Random(2);
        var x = Enumerable.Range(0, 4 * 784).Select(_ => (float)random.NextDouble()).ToArray();
        float[] expected;
        using (no_grad())
        using (var input = tensor(x, [4, 784]))
        using (var y = model.forward(input))
            expected = y.data<float>().ToArray();

        var proto = HashedOnnxExporter.Export(model);
        Assert.Equal(m, proto.Graph.Initializer.Count(t => t.Name.StartsWith("fc1.index.", StringComparison.Ordinal)));
        using var runner = new OnnxRuntimeRunner(proto.ToByteArray(), "multi.onnx");
        var actual = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32(runner.InputNames[0], x, [4, 784])])[0]);
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"output {i}: {expected[i]} vs {actual[i]}");
    }
}
