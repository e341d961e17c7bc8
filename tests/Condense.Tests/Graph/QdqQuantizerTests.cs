using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Imaging;
using Condense.Runtime;
using Condense.Workflows;
using Google.Protobuf;

namespace Condense.Tests.Graph;

public sealed class QdqQuantizerTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void ResNet18_static_int8_runs_on_integer_kernels_and_keeps_its_features()
    {
        var model = OnnxReader.Read(PackagedModels.ResNet18);
        var crops = RuntimeSamples.FromImages(SampleImages.Names.Select(SampleImages.Load).ToList(), 8, 224,
            model.Proto.Graph.Input[0].Name, PackagedModels.ResNet18Preprocess, seed: 3);
        var (cal, held) = RuntimeSamples.Split(crops);
        var request = new RuntimeCompressionRequest(model.Source, "unused.onnx", RuntimeMethod.Int8Static, cal, held, "crops");
        var (proto, details) = RuntimeCompression.Rewrite(model, RuntimeMethod.Int8Static, request);
        Assert.Contains("22 BatchNormalization folded", details);
        var path = Path.Combine(Path.GetTempPath(), $"condense-qdq-{Guid.NewGuid():N}.onnx");
        try
        {
            File.WriteAllBytes(path, proto.ToByteArray());
            // What the runtime runs after its optimiser: every Conv and residual Add on integers.
            var ops = OptimizedGraph.OpCounts(path);
            Assert.Equal(22, ops.GetValueOrDefault("QLinearConv"));
            Assert.Equal(9, ops.GetValueOrDefault("QLinearAdd"));
            Assert.False(ops.ContainsKey("Conv"));
            var agreement = RuntimeCompression.Compare(model, proto.ToByteArray(), held);
            Assert.True(agreement[0].MeanCosine > 0.98, $"cosine {agreement[0].MeanCosine}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Activation_parameters_put_zero_on_the_grid_and_relu_ranges_at_the_grid_minimum()
    {
        Assert.Equal((1f / 255f * 2f, 0), QdqQuantizer.Params(0f, 2f, signed: false));
        Assert.Equal(-128, QdqQuantizer.Params(0f, 2f, signed: true).Zero);
        var (scale, zero) = QdqQuantizer.Params(-1f, 3f, signed: false);
        Assert.Equal(4f / 255f, scale, 1e-7f);
        Assert.Equal(64, zero); // round(1 / (4/255)) = round(63.75)
    }

    [Fact]
    public void Per_channel_weights_are_symmetric_and_within_half_a_step()
    {
        var w = TinyModels.Random(4 * 3 * 2 * 2, 5);
        var (codes, scales) = QdqQuantizer.SymmetricPerChannel(w, [4, 3, 2, 2], 0);
        Assert.Equal(4, scales.Length);
        for (int i = 0; i < w.Length; i++)
        {
            var c = i / 12;
            Assert.True(Math.Abs((sbyte)codes[i] * scales[c] - w[i]) <= scales[c] / 2 + 1e-7f);
        }
        Assert.Contains(codes, c => (sbyte)c is 127 or -127);
    }
}
