using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Lifts a model's default-domain opset to 13, the first with per-channel
/// <c>QuantizeLinear</c>/<c>DequantizeLinear</c> (an <c>axis</c>), which int8 static quantization
/// needs. Only ops whose meaning is known across 7–13 are lifted: those whose semantics did not
/// change for float tensors (Conv, Relu, Add, MaxPool's new attributes default to the old
/// behaviour, …), and those that changed in a way this rewrites (<c>BatchNormalization</c> lost
/// <c>spatial</c> in 9: only the default <c>spatial=1</c> can be lifted). Any other op, or an old
/// Softmax/Unsqueeze/Squeeze/Split/Dropout whose attributes moved, is refused with one line naming
/// the node, rather than lifted to something that computes another function.
/// </summary>
public static class OpsetLift
{
    /// <summary>The opset written.</summary>
    public const long Target = 13;

    // Ops whose float semantics at opset 13 are those of every version from 7: the changes in
    // between added types, negative axes, or attributes whose defaults keep the old behaviour.
    static readonly HashSet<string> Unchanged =
    [
        "Conv", "ConvTranspose", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "HardSigmoid", "Softplus", "Softsign",
        "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Exp", "Log", "Neg", "Abs", "Reciprocal", "Floor", "Ceil", "Erf",
        "Sum", "Max", "Min", "Mean", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LRN",
        "Gemm", "MatMul", "Flatten", "Reshape", "Transpose", "Concat", "Identity", "Shape", "Cast", "Gather",
        "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "Constant", "PRelu", "Equal", "Greater", "Less", "Where",
        "ConstantOfShape", "Expand", "Range", "Tile", "Not", "And", "Or",
    ];

    /// <summary>
    /// Rewrites <paramref name="model"/> in place to default-domain opset 13 (via opset 7 for older
    /// models); returns false when it already was at 13 or later.
    /// </summary>
    public static bool To13(ModelProto model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        var current = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        if (current >= Target) return false;
        OnnxOpsetUpgrade.ToOpset7(model, source);
        foreach (var node in model.Graph.Node.Where(n => n.Domain is "" or "ai.onnx"))
        {
            if (node.OpType == "BatchNormalization")
            {
                var spatial = node.Attribute.FirstOrDefault(a => a.Name == "spatial");
                if (spatial is not null && spatial.I != 1)
                    throw new CondenseException($"{source}: cannot lift node {Describe(node)} to opset {Target}: BatchNormalization with spatial={spatial.I} has no equivalent after opset 8");
                if (node.Output.Count > 1)
                    throw new CondenseException($"{source}: cannot lift node {Describe(node)} to opset {Target}: training-mode outputs");
                Remove(node, "spatial");
            }
            else if (node.OpType == "Softmax" || node.OpType == "LogSoftmax")
            {
                // Before 13 Softmax flattened to 2-D at `axis` (default 1); from 13 it normalises one
                // axis (default -1). They agree when the axis is the last one; ranks are not always
                // known here, so only an explicit axis = -1 is lifted.
                var axis = node.Attribute.FirstOrDefault(a => a.Name == "axis");
                if (axis is null || axis.I != -1)
                    throw new CondenseException($"{source}: cannot lift node {Describe(node)} to opset {Target}: {node.OpType} before opset 13 normalises over all axes from 'axis' on");
            }
            else if (node.OpType == "Dropout")
            {
                // Inference: Dropout is the identity; keep only the first output.
                if (node.Output.Count > 1 && node.Output[1].Length > 0)
                    throw new CondenseException($"{source}: cannot lift node {Describe(node)} to opset {Target}: its mask output is used");
                node.OpType = "Identity";
                node.Attribute.Clear();
                while (node.Output.Count > 1) node.Output.RemoveAt(node.Output.Count - 1);
            }
            else if (!Unchanged.Contains(node.OpType))
            {
                throw new CondenseException($"{source}: cannot lift node {Describe(node)} to opset {Target}: {node.OpType} changed between opset {Math.Max(7, current)} and {Target} and is not rewritten");
            }
        }
        foreach (var o in model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx")) o.Version = Target;
        if (model.IrVersion < 7) model.IrVersion = 7;
        DropInitializerInputs(model.Graph);
        return true;
    }

    /// <summary>
    /// IR 3 listed every initializer as a graph input too; from IR 4 an initializer that is also an
    /// input is an overridable default, which ONNX Runtime will not treat as a constant, so it would
    /// neither fold nor fuse anything that reads a weight. Those inputs are removed.
    /// </summary>
    public static void DropInitializerInputs(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        for (int i = graph.Input.Count - 1; i >= 0; i--)
            if (initializers.Contains(graph.Input[i].Name)) graph.Input.RemoveAt(i);
    }

    static string Describe(NodeProto node) => node.Name.Length > 0 ? $"'{node.Name}' ({node.OpType})" : $"{node.OpType} -> '{node.Output.FirstOrDefault()}'";

    static void Remove(NodeProto node, string name)
    {
        for (int i = node.Attribute.Count - 1; i >= 0; i--)
            if (node.Attribute[i].Name == name) node.Attribute.RemoveAt(i);
    }
}
