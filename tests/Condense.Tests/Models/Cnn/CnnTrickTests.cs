using Condense.Formats.Onnx.Cnn;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning.Slimming;
using Condense.Workflows.Cnn;
using static TorchSharp.torch;

namespace Condense.Tests.Models.Cnn;

/// <summary>Issue 18's architectural tricks: group convolutions, the Conv→ReLU→MaxPool→BN order, the convolutional autoencoders.</summary>
public class CnnTrickTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-cnntricks-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void GroupConvolutionHasAFractionOfTheWeightsAndMacs()
    {
        using var net = new VggNet("4,M,8g2");
        // conv1 4·1·9 + BN 2·4; conv2 8 filters of 4/2 input channels: 8·2·9 + BN 2·8; fc 8·10 + 10
        Assert.Equal(36 + 8 + 144 + 16 + 90, net.ParameterCount);
        Assert.Equal(2, net.ConvUnits[1].Groups);
        var export = CnnOnnxExporter.Build(net);
        // conv1 4 × 784 × 9; conv2 8 × 196 positions × 2 input channels × 9; fc 80
        Assert.Equal(4 * 784 * 9, export.MacsByLayer["conv1"]);
        Assert.Equal(8 * 196 * 2 * 9, export.MacsByLayer["conv2"]);
        Assert.Equal(4 * 784 * 9 + 8 * 196 * 2 * 9 + 80, export.MultiplyAccumulates);
        using var dense = new VggNet("4,M,8");
        Assert.Equal(2 * export.MacsByLayer["conv2"], CnnOnnxExporter.Build(dense).MacsByLayer["conv2"]);
    }

    [Fact]
    public void GroupConvolutionExportRunsInOnnxRuntimeWithItsGroupAttribute()
    {
        using var net = CnnTestNets.Randomise(new VggNet("4,M,8g2,8g4,M", true, CnnFactory.FashionNormalization), 6);
        var export = CnnOnnxExporter.Build(net, "fashion");
        Assert.True(CnnOnnxExporter.Verify(net, export.Model, CnnTestNets.Images(8, 2), 8) < 1e-4);
        var groups = export.Model.Graph.Node.Where(n => n.OpType == "Conv").Select(n => n.Attribute.Single(a => a.Name == "group").I);
        Assert.Equal([1L, 2L, 4L], groups);
        // BN fusion keeps the groups: the fused network computes the same function.
        using var fused = BnFusion.Fuse(net);
        var x = CnnTestNets.Images(4, 3);
        Assert.True(CnnTestNets.MaxDifference(Evaluator.Predict(net, x, 4, 784), Evaluator.Predict(fused, x, 4, 784)) < 1e-4);
    }

    [Theory]
    [InlineData("4,M,8g3")]    // 3 divides neither 8 filters nor 4 inputs
    [InlineData("4,M,6g4")]
    [InlineData("4,M,d8g2")]   // a depthwise unit is already one group per channel
    [InlineData("4,M,8g0")]
    public void BadGroupTokensAreRefused(string config) =>
        Assert.Throws<CondenseException>(() => new VggNet(config));

    [Fact]
    public void GroupConfigReplacesEveryUnitButTheFirstWhereTheGroupsDivide()
    {
        Assert.Equal("16,M,32g2,32g2,M,64g2,64g2,M", CnnStudy.GroupConfig(VggNet.DefaultConfig, 2));
        Assert.Equal("4,M,8g4,6", CnnStudy.GroupConfig("4,M,8,6", 4));   // 6 filters in 4 groups cannot be: dense
        Assert.Equal("4,M,6,8", CnnStudy.GroupConfig("4,M,6,8", 4));     // and 8 filters from 6 inputs neither
    }

    [Fact]
    public void ReluPoolBnOrderPutsEachBatchNormAfterThePool()
    {
        using var net = CnnTestNets.Randomise(new VggNet("4,M,8,8,M", true, CnnFactory.FashionNormalization, order: ConvOrder.ConvReluPoolBn), 5);
        using var usual = new VggNet("4,M,8,8,M", true, CnnFactory.FashionNormalization);
        Assert.Equal(usual.ParameterCount, net.ParameterCount);
        var export = CnnOnnxExporter.Build(net, "fashion");
        Assert.True(CnnOnnxExporter.Verify(net, export.Model, CnnTestNets.Images(8, 4), 8) < 1e-4);
        var ops = export.Model.Graph.Node.Select(n => n.OpType).SkipWhile(o => o != "Conv").TakeWhile(o => o != "GlobalAveragePool");
        Assert.Equal(["Conv", "Relu", "MaxPool", "BatchNormalization", "Conv", "Relu", "BatchNormalization",
            "Conv", "Relu", "MaxPool", "BatchNormalization"], ops);
        // The same MACs: BN is not counted, and the convs are the same.
        Assert.Equal(CnnOnnxExporter.MultiplyAccumulates(usual), export.MultiplyAccumulates);
        var refusal = Assert.Throws<CondenseException>(() => BnFusion.Fuse(net));
        Assert.Contains("cannot be fused", refusal.Message);
        Assert.Throws<CondenseException>(() => VggSurgery.Shrink(net, net.ConvUnits.Select(u => new long[] { 0 }).ToList()));
    }

    [Fact]
    public void ReluPoolBnMatchesTheOrderWrittenOut()
    {
        using var net = CnnTestNets.Randomise(new VggNet("3,M", true, null, order: ConvOrder.ConvReluPoolBn), 8);
        var x = CnnTestNets.Images(2, 6);
        using var _ = no_grad();
        using var images = tensor(x, [2, 1, 28, 28]);
        var u = net.ConvUnits[0];
        using var pooled = nn.functional.max_pool2d(nn.functional.relu(u.Conv.forward(images)), 2);
        var scale = u.Norm!.weight! / (u.Norm.running_var! + 1e-5).sqrt();
        using var normed = (pooled - u.Norm.running_mean!.reshape(1, -1, 1, 1)) * scale.reshape(1, -1, 1, 1) + u.Norm.bias!.reshape(1, -1, 1, 1);
        using var expected = nn.functional.log_softmax(net.HeadOf(normed), 1);
        Assert.True(CnnTestNets.MaxDifference(expected.data<float>().ToArray(), Evaluator.Predict(net, x, 2, 784)) < 1e-5);
    }

    [Fact]
    public void ReluPoolBnOrderSurvivesTheModelFile()
    {
        using var net = CnnTestNets.Randomise(new VggNet("4,M,6", true, null, order: ConvOrder.ConvReluPoolBn), 2);
        var path = Path.Combine(_dir, "reordered.safetensors");
        ModelFile.Save(path, net);
        var (loaded, _) = CnnModelFile.Load(path);
        using (loaded)
        {
            Assert.Equal(ConvOrder.ConvReluPoolBn, ((VggNet)loaded).Order);
            var x = CnnTestNets.Images(3, 1);
            Assert.Equal(Evaluator.Predict(net, x, 3, 784), Evaluator.Predict(loaded, x, 3, 784));
        }
    }

    [Theory]
    [InlineData(AutoencoderDecoder.ConvTranspose, 423_360L, "ConvTranspose")]
    [InlineData(AutoencoderDecoder.Bilinear, 677_376L, "Resize")]
    public void AutoencodersHaveTheirCountsAndRunInOnnxRuntime(AutoencoderDecoder decoder, long macs, string op)
    {
        manual_seed(3);
        using var net = new ConvAutoencoder(decoder);
        // enc1 16·9+16, enc2 8·16·9+8, decoder 8·16·9+16 and 16·9+1 whichever way it upsamples
        Assert.Equal(160 + 1160 + 1168 + 145, net.ParameterCount);
        var export = AutoencoderOnnxExporter.Build(net);
        // encoder 16·784·9 + 8·196·16·9; ConvTranspose: in-channels × in-pixels × out-channels × 9;
        // bilinear: the convs run on the upsampled 14×14 and 28×28 grids.
        Assert.Equal(macs, export.MultiplyAccumulates);
        Assert.Contains(op, export.Model.Graph.Node.Select(n => n.OpType));
        if (decoder == AutoencoderDecoder.Bilinear)
        {
            var resize = export.Model.Graph.Node.First(n => n.OpType == "Resize");
            Assert.Equal("linear", resize.Attribute.Single(a => a.Name == "mode").S.ToStringUtf8());
        }
        var x = CnnTestNets.Images(8, 7);
        Assert.True(AutoencoderOnnxExporter.Verify(net, export.Model, x, 8) <= AutoencoderOnnxExporter.Tolerance);
        using var input = tensor(x, [8, 784]);
        using var y = net.forward(input);
        Assert.Equal([8L, 784L], y.shape);
        Assert.InRange(y.min().item<float>(), 0f, 1f);
        Assert.InRange(y.max().item<float>(), 0f, 1f);
    }

    [Fact]
    public void AutoencoderExportCatchesAWrongGraph()
    {
        manual_seed(1);
        using var net = new ConvAutoencoder(AutoencoderDecoder.Bilinear);
        var export = AutoencoderOnnxExporter.Build(net);
        // Nearest instead of bilinear upsampling: ORT no longer computes what TorchSharp does.
        foreach (var n in export.Model.Graph.Node.Where(n => n.OpType == "Resize"))
            n.Attribute.Single(a => a.Name == "mode").S = Google.Protobuf.ByteString.CopyFromUtf8("nearest");
        Assert.Throws<CondenseException>(() => AutoencoderOnnxExporter.Verify(net, export.Model, CnnTestNets.Images(4, 2), 4));
    }
}
