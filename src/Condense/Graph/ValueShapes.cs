using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Every value's dimensions, read from one run in ONNX Runtime rather than inferred: Condense has no
/// shape inference of its own, and the runtime's answer is the one that matters. One input set is
/// enough for the static parts; dynamic axes take that sample's sizes.
/// </summary>
public static class ValueShapes
{
    /// <summary>Runs <paramref name="inputs"/> once and returns the dims of every node output and graph input of the main graph.</summary>
    public static IReadOnlyDictionary<string, long[]> Capture(OnnxModel model, IReadOnlyList<TensorProto> inputs)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        var initializers = model.Proto.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var names = model.Proto.Graph.Node.SelectMany(n => n.Output).Where(o => o.Length > 0)
            .Concat(model.Proto.Graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n)))
            .Distinct(StringComparer.Ordinal).ToList();
        using var capture = new ActivationCapture(model, names);
        var values = capture.Run(inputs);
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var (name, t) in values) shapes[name] = [.. t.Dims];
        foreach (var t in model.Proto.Graph.Initializer) shapes.TryAdd(t.Name, [.. t.Dims]);
        return shapes;
    }
}
