using Condense.Formats.Onnx.Cnn;
using Condense.Models;
using Condense.Models.Cnn;

namespace Condense.Tests.Models.Cnn;

public class CnnModelTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-cnn-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void LeNet5HasItsParameterCountAndTenLogProbabilities()
    {
        using var net = CnnFactory.Create("lenet5", 0);
        // conv1 6·25+6, conv2 16·6·25+16, fc 400·120+120, 120·84+84, 84·10+10
        Assert.Equal(156 + 2416 + 48120 + 10164 + 850, net.ParameterCount);
        Assert.Equal(["fc1", "fc2", "fc3"], net.Layers.Select(l => l.Name));
        var y = Evaluator.Predict(net, CnnTestNets.Images(3, 1), 3, 784);
        Assert.Equal(30, y.Length);
        for (var i = 0; i < 3; i++)   // log-probabilities: exp sums to one per row
            Assert.Equal(1.0, y.Skip(10 * i).Take(10).Sum(v => Math.Exp(v)), 4);
    }

    [Fact]
    public void MultiplyAccumulatesAreCountedOnTheGraph()
    {
        using var net = new VggNet("2,M,3");
        // conv1: 2 filters × 28·28 positions × 1·3·3; pool → 14×14; conv2: 3 × 14·14 × 2·3·3; fc: 3·10
        var export = CnnOnnxExporter.Build(net);
        Assert.Equal(2 * 784 * 9 + 3 * 196 * 18 + 30, export.MultiplyAccumulates);
        Assert.Equal(2 * 784 * 9, export.MacsByLayer["conv1"]);
        // A depthwise 3×3 costs one input channel per filter; the pointwise 1×1 all of them.
        using var separable = new VggNet("2,M,d3");
        Assert.Equal(2 * 784 * 9 + (2 * 196 * 9 + 3 * 196 * 2) + 30, CnnOnnxExporter.MultiplyAccumulates(separable));
    }

    [Theory]
    [InlineData("lenet5", null)]
    [InlineData("vgg", "4,M,8,8,M,d8,M")]
    [InlineData("resnet", "4")]
    public void OnnxExportRunsInOnnxRuntimeWithTorchSharpsOutputs(string name, string? config)
    {
        using var net = CnnTestNets.Randomise(CnnFactory.Create(name, 3, "fashion", config), 4);
        var x = CnnTestNets.Images(16, 5);
        var export = CnnOnnxExporter.Build(net, "fashion");
        var worst = CnnOnnxExporter.Verify(net, export.Model, x, 16);
        Assert.True(worst < 1e-4, $"{name}: ORT differs by {worst}");
        var ops = export.Model.Graph.Node.Select(n => n.OpType).ToHashSet();
        Assert.Contains("Conv", ops);
        if (name != "lenet5") Assert.Contains("BatchNormalization", ops);
        if (name == "resnet") Assert.Contains("Add", ops);
    }

    [Fact]
    public void ModelFileKeepsBatchNormStatistics()
    {
        using var net = CnnTestNets.Randomise((VggNet)CnnFactory.Create("vgg", 1, "fashion", "4,M,6"), 2);
        var path = Path.Combine(_dir, "vgg.safetensors");
        ModelFile.Save(path, net);
        var (loaded, _) = CnnModelFile.Load(path);
        using (loaded)
        {
            var x = CnnTestNets.Images(4, 9);
            Assert.Equal(Evaluator.Predict(net, x, 4, 784), Evaluator.Predict(loaded, x, 4, 784));
            Assert.Equal("4,M,6", ((VggNet)loaded).Config);
        }
        Assert.Throws<InvalidFileException>(() => ModelFile.Load(path));   // the MLP loader says it is a CNN
    }
}
