using Condense.Data;
using Condense.DeepCompression;
using Condense.Distillation;
using Condense.Formats.Onnx.Cnn;
using Condense.LowRank;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Quantization;
using static TorchSharp.torch;

namespace Condense.Tests.Models.Cnn;

/// <summary>Issue 18: quantization, low rank, Deep Compression and distillation on conv layers.</summary>
public class ConvCompressionTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-convc-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PerChannelLinearQuantizationOfAKernelScalesEachFilterByItsOwnMaximum()
    {
        // Two 1×2×2 filters: int8 symmetric per output channel, so each filter's largest |w| is a
        // grid point and the second filter's step is 0.4/1 of the first's.
        float[] kernel = [-1f, -0.5f, 0.5f, 1f, 0.1f, -0.2f, 0.3f, 0.4f];
        var q = new ModelQuantizationOptions(QuantizationMethod.Linear, 8) { Granularity = Granularity.PerChannel }.Quantize("k", kernel, [2, 1, 2, 2]);
        var scales = q.Encoded.Scales;
        Assert.Equal(2, scales.Length);
        Assert.Equal(0.4, scales[1] / scales[0], 6);
        var back = q.Reconstruct();
        Assert.Equal(1f, back[3], 6);
        Assert.Equal(0.4f, back[7], 6);
        for (var i = 0; i < 8; i++) Assert.True(Math.Abs(back[i] - kernel[i]) <= scales[i / 4] / 2 + 1e-7, $"element {i}");
    }

    [Fact]
    public void ConvInputsAreTheKernelsPatches()
    {
        using var net = CnnFactory.Create("lenet5", 0);
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        var rows = ConvLayerInputs.Capture(net, test, 2);
        Assert.Equal(2 * 784 * 25, rows[0].Length);          // conv1: 2 images × 784 positions × 1·5·5
        Assert.Equal(2 * 100 * 150, rows[1].Length);         // conv2: 10×10 positions × 6·5·5
        Assert.Equal(2 * 400, rows[2].Length);               // fc1
        // Position (0, 0) of image 0 with padding 2: the window's (2, 2) is pixel (0, 0), (0, 0) is padding.
        var n = Normalization.Mnist;
        Assert.Equal(0f, rows[0][0]);
        Assert.Equal((test.Images[0] - n.Mean) / n.Std, rows[0][12], 5);
        Assert.Equal((test.Images[1] - n.Mean) / n.Std, rows[0][13], 5);
    }

    [Fact]
    public void LowRankConvInOnnxIsTwoConvsThatOnnxRuntimeRunsLikeTheProduct()
    {
        using var net = CnnFactory.Create("lenet5", 1);
        var conv2 = net.WeightLayers[1];
        var shape = conv2.Weight.shape;
        using var approx = TruncatedSvd.Compute(conv2.Matrix.detach(), 3);
        using (no_grad()) conv2.Weight.copy_(approx.Reconstruct().reshape(shape));
        var proto = CnnOnnxExporter.Build(net).Model;
        LowRankConvOnnx.Factorise(proto, "conv2", approx.Left, approx.Right, shape);
        Assert.Equal(3, proto.Graph.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal([3L, 6, 5, 5], proto.Graph.Initializer.Single(t => t.Name == "conv2.low_rank.weight").Dims);
        Assert.Equal([16L, 3, 1, 1], proto.Graph.Initializer.Single(t => t.Name == "conv2.low_rank.mix").Dims);
        var worst = CnnOnnxExporter.Verify(net, proto, CnnTestNets.Images(8, 1), 8);
        Assert.True(worst < 1e-4, $"ORT differs by {worst}");
    }

    [Fact]
    public void DeepCompressionOfLeNet5DecodesToTheSameConvKernels()
    {
        using var net = CnnFactory.Create("lenet5", 2);
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var result = DeepCompressionPipeline.Run(net, train.Take(64), test.Take(100),
            new DeepCompressionOptions { Sparsity = [0.5], Bits = [4], PruneSteps = 1, PruneEpochs = 0, ShareEpochs = 0 });
        Assert.True(result.Verified);
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", "fc3"], result.Layers.Select(l => l.Name));
        Assert.Equal(75, result.Layers[0].NonZeros);      // ⌊0.5·150⌋ pruned
        var path = Path.Combine(_dir, "lenet.cdz");
        CompressedContainer.Write(path, net.Describe(), result.Encoded);
        using var loaded = CompressedModelFile.Load(path);
        var cnn = Assert.IsAssignableFrom<CnnModel>(loaded);
        Assert.Equal(net.WeightLayers[1].Weight.data<float>().ToArray(), cnn.WeightLayers[1].Weight.data<float>().ToArray());
        Assert.True(cnn.WeightLayers[1].Weight.data<float>().ToArray().Distinct().Count() <= 16);   // a 4-bit codebook: at most 16 values
    }

    [Fact]
    public void ACnnStudentIsParsedAndBuilt()
    {
        var spec = StudentSpec.Parse("vgg:4,M,8");
        Assert.Equal("vgg", spec.Cnn);
        Assert.Equal("vgg:4,M,8", spec.ToString());
        using var student = spec.Create(0, CnnFactory.FashionNormalization);
        var vgg = Assert.IsType<VggNet>(student);
        Assert.Equal(CnnFactory.FashionNormalization, vgg.Normalization);
        Assert.Equal(2, vgg.ConvUnits.Count);
        Assert.Throws<CondenseException>(() => StudentSpec.Parse("vgg:4,X"));
    }
}
