using Condense.Formats.Onnx;
using Condense.Graph;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Graph;

public sealed class GraphFoldingTests
{
    static ValueInfoProto Value(string name, params long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = shape } } };
    }

    static float[] Random(int n, int seed, float lo = -1, float hi = 1)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(lo + (hi - lo) * r.NextDouble())).ToArray();
    }

    static NodeProto Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var n = new NodeProto { OpType = op, Name = name };
        n.Input.AddRange(inputs);
        n.Output.AddRange(outputs);
        n.Attribute.AddRange(attributes);
        return n;
    }

    static void AddBatchNorm(GraphProto g, string name, string x, string y, int channels, int seed)
    {
        g.Initializer.Add(OnnxTensorData.FromFloat32(name + "_g", Random(channels, seed, 0.5f, 2), [channels]));
        g.Initializer.Add(OnnxTensorData.FromFloat32(name + "_b", Random(channels, seed + 1), [channels]));
        g.Initializer.Add(OnnxTensorData.FromFloat32(name + "_m", Random(channels, seed + 2), [channels]));
        g.Initializer.Add(OnnxTensorData.FromFloat32(name + "_v", Random(channels, seed + 3, 0.1f, 3), [channels]));
        g.Node.Add(Node("BatchNormalization", name, [x, name + "_g", name + "_b", name + "_m", name + "_v"], [y],
            new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 1e-3f }));
    }

    static OnnxModel Wrap(GraphProto g, long opset = 13)
    {
        var m = new ModelProto { IrVersion = 7, Graph = g };
        m.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return OnnxReader.Parse(m.ToByteArray(), "sample");
    }

    static double MaxRelative(OnnxModel a, OnnxModel b) => OnnxVerifier.Compare(a.Proto, b.Proto, "sample").WorstRelative;

    /// <summary>Conv (no bias) → BN → Relu, a Conv with bias → BN, and Gemm → BN: all fold, outputs agree.</summary>
    static OnnxModel ConvAndGemm()
    {
        var g = new GraphProto { Name = "g" };
        g.Input.Add(Value("x", 2, 3, 6, 6));
        g.Output.Add(Value("y", 2, 5));
        g.Initializer.Add(OnnxTensorData.FromFloat32("w1", Random(4 * 3 * 3 * 3, 1), [4, 3, 3, 3]));
        g.Node.Add(Node("Conv", "conv1", ["x", "w1"], ["c1"]));
        AddBatchNorm(g, "bn1", "c1", "b1", 4, 10);
        g.Node.Add(Node("Relu", "relu", ["b1"], ["r1"]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("w2", Random(4 * 4, 2), [4, 4, 1, 1]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("c2b", Random(4, 3), [4]));
        g.Node.Add(Node("Conv", "conv2", ["r1", "w2", "c2b"], ["c2"]));
        AddBatchNorm(g, "bn2", "c2", "b2", 4, 20);
        g.Node.Add(Node("GlobalAveragePool", "gap", ["b2"], ["p"]));
        g.Node.Add(Node("Flatten", "flat", ["p"], ["f"]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("w3", Random(5 * 4, 4), [5, 4]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("b3", Random(5, 5), [5]));
        g.Node.Add(Node("Gemm", "fc", ["f", "w3", "b3"], ["fc"], new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 }));
        AddBatchNorm(g, "bn3", "fc", "y", 5, 30);
        return Wrap(g);
    }

    [Fact]
    public void Conv_and_gemm_batch_norms_fold_to_the_same_function()
    {
        var model = ConvAndGemm();
        var (folded, report) = GraphFolding.Fold(model);
        Assert.Equal(3, report.BatchNormsFolded);
        Assert.Equal(model.Proto.Graph.Node.Count - 3, folded.Proto.Graph.Node.Count);
        Assert.DoesNotContain(folded.Proto.Graph.Node, n => n.OpType == "BatchNormalization");
        Assert.Equal(12, report.InitializersRemoved); // the BNs' four parameters each
        Assert.Empty(report.Left);
        Assert.True(MaxRelative(model, folded) < 1e-5);
        Assert.Equal("y", folded.Proto.Graph.Output[0].Name);
    }

    [Fact]
    public void Folding_matches_the_formula_on_one_channel()
    {
        // Conv 1×1 with weight 2, no bias; BN γ = 3, β = 1, μ = 0.5, σ² = 3, ε = 1: s = 3/2, w' = 3, b' = 1 − 0.75 = 0.25.
        var g = new GraphProto();
        g.Input.Add(Value("x", 1, 1, 1, 1));
        g.Output.Add(Value("y", 1, 1, 1, 1));
        g.Initializer.Add(OnnxTensorData.FromFloat32("w", [2f], [1, 1, 1, 1]));
        g.Node.Add(Node("Conv", "c", ["x", "w"], ["c"]));
        foreach (var (n, v) in new[] { ("g", 3f), ("b", 1f), ("m", 0.5f), ("v", 3f) }) g.Initializer.Add(OnnxTensorData.FromFloat32(n, [v], [1]));
        g.Node.Add(Node("BatchNormalization", "bn", ["c", "g", "b", "m", "v"], ["y"], new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 1f }));
        var (folded, _) = GraphFolding.Fold(Wrap(g));
        var conv = Assert.Single(folded.Proto.Graph.Node);
        Assert.Equal(3f, OnnxTensorData.ToFloat32(folded.Proto.Graph.Initializer.Single(t => t.Name == conv.Input[1]))[0]);
        Assert.Equal(0.25f, OnnxTensorData.ToFloat32(folded.Proto.Graph.Initializer.Single(t => t.Name == conv.Input[2]))[0], 6);
    }

    [Fact]
    public void A_weight_shared_with_another_node_is_copied_not_changed()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 1, 2, 4, 4));
        g.Output.Add(Value("y", 1, 2, 4, 4));
        g.Output.Add(Value("z", 1, 2, 4, 4));
        g.Initializer.Add(OnnxTensorData.FromFloat32("w", Random(4, 7), [2, 2, 1, 1]));
        g.Node.Add(Node("Conv", "c1", ["x", "w"], ["c1"]));
        AddBatchNorm(g, "bn", "c1", "y", 2, 40);
        g.Node.Add(Node("Conv", "c2", ["x", "w"], ["z"]));
        var model = Wrap(g);
        var (folded, report) = GraphFolding.Fold(model);
        Assert.Equal(1, report.BatchNormsFolded);
        Assert.Equal(OnnxTensorData.ToFloat32(model.Proto.Graph.Initializer.Single(t => t.Name == "w")),
            OnnxTensorData.ToFloat32(folded.Proto.Graph.Initializer.Single(t => t.Name == "w")));
        Assert.True(MaxRelative(model, folded) < 1e-5);
    }

    [Fact]
    public void A_conv_output_read_elsewhere_is_left_and_named()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 1, 2, 4, 4));
        g.Output.Add(Value("y", 1, 2, 4, 4));
        g.Output.Add(Value("c", 1, 2, 4, 4));
        g.Initializer.Add(OnnxTensorData.FromFloat32("w", Random(4, 7), [2, 2, 1, 1]));
        g.Node.Add(Node("Conv", "conv", ["x", "w"], ["c"]));
        AddBatchNorm(g, "bn", "c", "y", 2, 50);
        var (folded, report) = GraphFolding.Fold(Wrap(g));
        Assert.Equal(0, report.BatchNormsFolded);
        Assert.Contains("bn (BatchNormalization)", Assert.Single(report.Left));
        Assert.Equal(2, folded.Proto.Graph.Node.Count);
    }

    [Fact]
    public void Identities_and_dead_nodes_go_and_outputs_keep_their_names()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 1, 4));
        g.Output.Add(Value("y", 1, 4));
        g.Node.Add(Node("Relu", "relu", ["x"], ["r"]));
        g.Node.Add(Node("Identity", "id1", ["r"], ["i1"]));
        g.Node.Add(Node("Dropout", "drop", ["i1"], ["d"]));
        g.Node.Add(Node("Sigmoid", "sig", ["d"], ["s"]));
        g.Node.Add(Node("Identity", "id2", ["s"], ["y"]));
        g.Node.Add(Node("Tanh", "unused", ["x"], ["t"]));
        g.Node.Add(Node("Neg", "unused2", ["t"], ["u"]));
        g.Initializer.Add(OnnxTensorData.FromFloat32("orphan", [1f], [1]));
        var model = Wrap(g);
        var (folded, report) = GraphFolding.Fold(model);
        Assert.Equal(3, report.IdentitiesRemoved);
        Assert.Equal(2, report.DeadNodesRemoved);
        Assert.Equal(1, report.InitializersRemoved);
        Assert.Equal(["Relu", "Sigmoid"], folded.Proto.Graph.Node.Select(n => n.OpType));
        Assert.Equal("y", folded.Proto.Graph.Node[^1].Output[0]);
        Assert.Equal(0, MaxRelative(model, folded));
    }

    [Fact]
    public void An_identity_from_input_to_output_stays()
    {
        var g = new GraphProto();
        g.Input.Add(Value("x", 1, 4));
        g.Output.Add(Value("y", 1, 4));
        g.Node.Add(Node("Identity", "id", ["x"], ["y"]));
        var (folded, report) = GraphFolding.Fold(Wrap(g));
        Assert.Single(folded.Proto.Graph.Node);
        Assert.Single(report.Left);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ResNet18_folds_22_batch_norms_exactly()
    {
        var model = OnnxReader.Read(PackagedModels.ResNet18);
        var (folded, report) = GraphFolding.Fold(model);
        Assert.Equal(22, report.BatchNormsFolded);
        Assert.Equal(model.Proto.Graph.Node.Count - 22, folded.Proto.Graph.Node.Count);
        Assert.True(MaxRelative(model, folded) <= 1e-5);
    }
}
