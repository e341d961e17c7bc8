using Condense.Formats.Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>The two real models restored by the build are found, and MiniLM's resources extract byte for byte.</summary>
public sealed class PackagedModelsTests
{
    [Fact]
    public void ResNet18_is_a_real_onnx_model_with_22_convolutions()
    {
        var model = OnnxReader.Read(PackagedModels.ResNet18);
        Assert.Equal(22, model.Proto.Graph.Node.Count(n => n.OpType == "Conv"));
        Assert.Equal(22, model.Proto.Graph.Node.Count(n => n.OpType == "BatchNormalization"));
        Assert.True(File.Exists(PackagedModels.ResNet18Preprocess));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MiniLm_extracts_from_the_assembly_and_parses()
    {
        var model = OnnxReader.Read(PackagedModels.MiniLm);
        Assert.Contains(model.Proto.Graph.Input, i => i.Name == "input_ids");
        Assert.True(model.Proto.Graph.Node.Count(n => n.OpType == "MatMul") >= 36);
        var vocab = File.ReadAllLines(PackagedModels.MiniLmVocab);
        Assert.Equal(30522, vocab.Length);
        Assert.Equal("[PAD]", vocab[0]);
    }

    [Fact]
    public void A_missing_resource_is_one_line_naming_the_assembly()
    {
        var dll = typeof(PackagedModels).Assembly.Location;
        var ex = Assert.Throws<InvalidFileException>(() => PackagedModels.ReadManifestResource(dll, "no.such.resource"));
        Assert.Contains(dll, ex.Message);
    }
}
