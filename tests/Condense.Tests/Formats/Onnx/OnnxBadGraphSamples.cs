using Condense.Formats.Onnx;
using Onnx;
using static Condense.Tests.Formats.Onnx.OnnxControlFlowSamples;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Formats.Onnx;

/// <summary>Models a user brings that Condense must refuse, or compress in part, with one line of its own.</summary>
public static class OnnxBadGraphSamples
{
    /// <summary>Y = Relu(X + b) with b of 4 elements: nothing any method can make smaller.</summary>
    public static ModelProto OnlyAddRelu()
    {
        var graph = new GraphProto { Name = "add_relu" };
        graph.Input.Add(Value("X", DataType.Float, 1, 4));
        graph.Output.Add(Value("Y", DataType.Float, 1, 4));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("b", [0.5f, -1, 2, 0], [4]));
        graph.Node.Add(Node("Add", "add", ["X", "b"], ["s"]));
        graph.Node.Add(Node("Relu", "relu", ["s"], ["Y"]));
        return Wrap(graph);
    }

    /// <summary>Class = ArgMax(X·W) (int64) and Top = ReduceMax(X·W) (float): an output that is not float.</summary>
    public static ModelProto ArgMaxOutput()
    {
        var graph = new GraphProto { Name = "argmax" };
        graph.Input.Add(Value("X", DataType.Float, 4, 64));
        graph.Output.Add(Value("Class", DataType.Int64, 4));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("W", Weights(64 * 32, 41), [64, 32]));
        graph.Node.Add(Node("MatMul", "logits", ["X", "W"], ["L"]));
        graph.Node.Add(Node("ArgMax", "argmax", ["L"], ["Class"], Int("axis", 1), Int("keepdims", 0)));
        return Wrap(graph);
    }

    /// <summary>
    /// A float32 weight W [64, 64] that compresses, a float16 weight H [64, 64] (cast up before its
    /// MatMul) and a float32 weight N [64] holding one +∞ (a Min's ceiling): the Cast and the Min
    /// are left as they were and named.
    /// </summary>
    public static ModelProto MixedWeights()
    {
        var graph = new GraphProto { Name = "mixed" };
        graph.Input.Add(Value("X", DataType.Float, 2, 64));
        graph.Output.Add(Value("Y", DataType.Float, 2, 64));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("W", Weights(64 * 64, 51), [64, 64]));
        var half = Weights(64 * 64, 52).SelectMany(v => BitConverter.GetBytes((Half)v)).ToArray();
        graph.Initializer.Add(OnnxTensorData.Raw("H", DataType.Float16, half, [64, 64]));
        var ceiling = Weights(64 * 2, 53);
        ceiling[7] = float.PositiveInfinity;
        graph.Initializer.Add(OnnxTensorData.FromFloat32("N", ceiling, [2, 64]));
        graph.Node.Add(Node("MatMul", "first", ["X", "W"], ["a"]));
        graph.Node.Add(Node("Cast", "widen", ["H"], ["H32"], Int("to", (long)DataType.Float)));
        graph.Node.Add(Node("MatMul", "second", ["a", "H32"], ["b"]));
        graph.Node.Add(Node("Min", "ceiling", ["b", "N"], ["Y"]));
        return Wrap(graph);
    }

    /// <summary>Y = log(relu(X·W)): −∞ wherever X·W ≤ 0, in the original and the compressed model alike.</summary>
    public static ModelProto LogOfRelu()
    {
        var graph = new GraphProto { Name = "log_relu" };
        graph.Input.Add(Value("X", DataType.Float, 4, 64));
        graph.Output.Add(Value("Y", DataType.Float, 4, 32));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("W", Weights(64 * 32, 71), [64, 32]));
        graph.Node.Add(Node("MatMul", "project", ["X", "W"], ["P"]));
        graph.Node.Add(Node("Relu", "relu", ["P"], ["R"]));
        graph.Node.Add(Node("Log", "log", ["R"], ["Y"]));
        return Wrap(graph);
    }

    /// <summary>A MatMul weight and a node in a custom domain no runtime here implements.</summary>
    public static ModelProto CustomDomain()
    {
        var model = ArgMaxOutput();
        model.Graph.Node[1].Domain = "com.example.custom";
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.example.custom", Version = 1 });
        return model;
    }

    /// <summary>Y = X·W where the model reads 'Z', which nothing defines.</summary>
    public static ModelProto UndefinedValue()
    {
        var model = ArgMaxOutput();
        model.Graph.Node[0].Input[0] = "Z";
        return model;
    }

    /// <summary>
    /// X [batch, seq] reshaped to [-1, <paramref name="group"/>] before a MatMul with W [group, 64]:
    /// runs only when batch·seq is a multiple of <paramref name="group"/>.
    /// </summary>
    public static ModelProto GroupedSequence(int group)
    {
        var graph = new GraphProto { Name = "grouped" };
        graph.Input.Add(Value("X", DataType.Float, "batch", "seq"));
        graph.Output.Add(Value("Y", DataType.Float, "rows", 64));
        graph.Initializer.Add(OnnxTensorData.Int64("shape", [-1, group], 2));
        graph.Initializer.Add(OnnxTensorData.FromFloat32("W", Weights(group * 64, 61), [group, 64]));
        graph.Node.Add(Node("Reshape", "group", ["X", "shape"], ["G"]));
        graph.Node.Add(Node("MatMul", "project", ["G", "W"], ["Y"]));
        return Wrap(graph);
    }
}
