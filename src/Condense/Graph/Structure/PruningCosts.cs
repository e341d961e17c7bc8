using Condense.Graph.Dependency;
using Onnx;

namespace Condense.Graph.Structure;

/// <summary>
/// FLOPs and parameters of the layers that prunable groups touch, before and after removing a
/// number of channels from each group: a layer's FLOPs are 2 × output positions × weight elements,
/// and its weight loses <c>removed × block</c> indices on each axis a group slices, so the cost of
/// a plan follows from counts alone, before any tensor is cut.
/// </summary>
public sealed class PruningCosts
{
    readonly List<(string Node, string Op, string Weight, long[] Dims, long Positions)> layers = [];
    readonly Dictionary<string, long[]> tensorDims = new(StringComparer.Ordinal);
    readonly List<(int Group, string Tensor, int Axis, long Block)> slices = [];

    /// <summary>Collects the layers and tensors of <paramref name="prunable"/> groups.</summary>
    public PruningCosts(GraphProto graph, IReadOnlyList<ChannelGroup> prunable, IReadOnlyDictionary<string, long[]> shapes)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(prunable);
        ArgumentNullException.ThrowIfNull(shapes);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var g in prunable)
            foreach (var s in g.Slices.Where(s => s.Role != SliceRole.ShapeConstant))
            {
                slices.Add((g.Id, s.Tensor, s.Axis, s.Block));
                tensorDims.TryAdd(s.Tensor, [.. initializers[s.Tensor].Dims]);
            }
        foreach (var node in graph.Node)
        {
            if (node.OpType is not ("Conv" or "Gemm" or "MatMul") || node.Input.Count < 2 || !tensorDims.TryGetValue(node.Input[1], out var dims)) continue;
            long outChannels = node.OpType switch
            {
                "Conv" => dims[0],
                "Gemm" => node.Attribute.Any(a => a.Name == "transB" && a.I != 0) ? dims[0] : dims[1],
                _ => dims[1],
            };
            var outElements = shapes.TryGetValue(node.Output[0], out var o) ? o.Aggregate(1L, (a, b) => a * b) : outChannels;
            layers.Add((DependencyAnalysis.NodeName(node), node.OpType, node.Input[1], dims, Math.Max(1, outElements / outChannels)));
        }
    }

    /// <summary>The layers counted: node, op, weight.</summary>
    public IEnumerable<(string Node, string Op, string Weight)> Layers => layers.Select(l => (l.Node, l.Op, l.Weight));

    /// <summary>Total FLOPs and parameters when <paramref name="removed"/>[group] channels leave each group.</summary>
    public (double Flops, double Parameters) Total(IReadOnlyDictionary<int, int> removed)
    {
        var after = DimsAfter(removed);
        double flops = layers.Sum(l => 2.0 * l.Positions * Elements(after[l.Weight]));
        double parameters = after.Values.Sum(Elements);
        return (flops, parameters);
    }

    /// <summary>Per layer: FLOPs and weight elements before and after.</summary>
    public IReadOnlyList<(string Node, string Op, double FlopsBefore, double FlopsAfter, long ParamsBefore, long ParamsAfter)> PerLayer(IReadOnlyDictionary<int, int> removed)
    {
        var after = DimsAfter(removed);
        return layers.Select(l => (l.Node, l.Op, 2.0 * l.Positions * Elements(l.Dims), 2.0 * l.Positions * Elements(after[l.Weight]),
            Elements(l.Dims), Elements(after[l.Weight]))).ToList();
    }

    Dictionary<string, long[]> DimsAfter(IReadOnlyDictionary<int, int> removed)
    {
        var after = tensorDims.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        foreach (var (group, tensor, axis, block) in slices)
            if (removed.TryGetValue(group, out var n)) after[tensor][axis] -= n * block;
        return after;
    }

    static long Elements(long[] dims) => dims.Aggregate(1L, (a, b) => a * Math.Max(0, b));
}
