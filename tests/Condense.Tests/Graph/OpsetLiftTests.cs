using Condense.Formats.Onnx;
using Condense.Graph;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Graph;

public sealed class OpsetLiftTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void ResNet18_lifted_to_13_computes_the_same_features()
    {
        var model = OnnxReader.Read(PackagedModels.ResNet18);
        var lifted = model.Proto.Clone();
        Assert.True(OpsetLift.To13(lifted, model.Source));
        Assert.Equal(13, lifted.OpsetImport.Single(o => o.Domain == "").Version);
        Assert.DoesNotContain(lifted.Graph.Node, n => n.Attribute.Any(a => a.Name == "spatial"));
        Assert.DoesNotContain(lifted.Graph.Input, i => lifted.Graph.Initializer.Any(t => t.Name == i.Name));
        var inputs = OnnxVerifier.RandomInputs(model.Proto.Graph, seed: 1);
        var original = model.Proto.Clone();
        OnnxOpsetUpgrade.ToOpset7(original, model.Source);
        var a = TinyModels.Run(original, [.. inputs]);
        var b = TinyModels.Run(lifted, [.. inputs]);
        var scale = a.Max(Math.Abs);
        Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * scale));
    }

    [Fact]
    public void A_non_spatial_BatchNormalization_is_refused_naming_the_node()
    {
        var model = new ModelProto { IrVersion = 3, Graph = new GraphProto() };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 8 });
        var bn = new NodeProto { OpType = "BatchNormalization", Name = "bn7" };
        bn.Input.AddRange(["x", "s", "b", "m", "v"]);
        bn.Output.Add("y");
        bn.Attribute.Add(new AttributeProto { Name = "spatial", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        model.Graph.Node.Add(bn);
        var ex = Assert.Throws<CondenseException>(() => OpsetLift.To13(model, "m.onnx"));
        Assert.Contains("'bn7'", ex.Message);
        Assert.Contains("spatial", ex.Message);
    }

    [Theory]
    [InlineData("Softmax")]
    [InlineData("Upsample")]
    public void Ops_whose_meaning_changed_are_refused(string op)
    {
        var model = new ModelProto { IrVersion = 3, Graph = new GraphProto() };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 9 });
        var node = new NodeProto { OpType = op, Name = "n1" };
        node.Input.Add("x");
        node.Output.Add("y");
        model.Graph.Node.Add(node);
        var ex = Assert.Throws<CondenseException>(() => OpsetLift.To13(model, "m.onnx"));
        Assert.Contains(op, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
