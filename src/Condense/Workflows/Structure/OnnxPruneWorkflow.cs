using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Graph.Dependency;
using Condense.Graph.Structure;
using Onnx;

namespace Condense.Workflows.Structure;

/// <summary>
/// <c>condense prune MODEL.onnx --structured</c> as a library call: fold, find the channel groups
/// (<see cref="DependencyAnalysis"/>), collect the consumers' input statistics on calibration data,
/// score, choose channels to meet the budget, cut (refitting the consumers), run the result in
/// ONNX Runtime on held-out inputs, and only then write it.
/// </summary>
public static class OnnxPruneWorkflow
{
    /// <summary>Removes whole channels, neurons or attention heads from an ONNX model with a least-squares refit of what follows, verifies it in ONNX Runtime and reports the measured error.</summary>
    public static OnnxPruneReport Run(OnnxPruneRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        OutputPath.RefuseOverwrite(request.ModelPath, request.OutputPath);
        var options = request.Options;
        if (options.NeedsData && request.Calibration.Count == 0)
            throw new CondenseException($"{request.ModelPath}: refit and reconstruction scores need calibration data (--data), or use --no-refit --importance l2");
        var (original, folded, heldOut, shapes) = FoldedModel.Load(request.ModelPath, request.Calibration, request.HeldOut);
        var graph = folded.Proto.Graph;
        var deps = DependencyAnalysis.Analyze(graph, shapes, heads: options.Heads > 0);
        string? Skipped(ChannelGroup g) => options.KeepWhole.Contains(g.Name) ? "kept whole as asked (--keep)"
            : g.Heads ? null
            : options.Fraction == 0 ? "no channel budget (only heads asked for)"
            : options.KeepTied && g.Producers.Count > 1 ? "tied by a residual connection (kept whole as asked)" : null;
        var prunable = deps.Prunable.Where(g => Skipped(g) is null).ToList();
        if (options.Shares.Keys.FirstOrDefault(n => !prunable.Any(g => g.Name == n)) is { } unknown)
            throw new CondenseException($"{request.ModelPath}: --shares names '{unknown}', which is not a prunable channel group (known: {string.Join(", ", prunable.Select(g => g.Name).Take(12))})");
        var leftWhole = deps.LeftWhole.Select(l => new LeftWholeRow(l.Group.Name, l.Group.Width, l.Reason))
            .Concat(deps.Prunable.Where(g => Skipped(g) is not null).Select(g => new LeftWholeRow(g.Name, g.Width, Skipped(g)!))).ToList();
        if (prunable.Count == 0)
            throw new CondenseException($"{request.ModelPath}: no channel group can be pruned ({string.Join("; ", deps.LeftWhole.Select(l => $"{l.Group.Name}: {l.Reason}").Take(5))})");

        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var nodes = graph.Node.ToDictionary(n => n.Name, StringComparer.Ordinal);
        using var grams = options.NeedsData ? InputGrams.Collect(folded, ConsumerLayers(prunable, nodes, initializers), request.Calibration) : null;
        var scores = ChannelScores.Compute(graph, prunable, options.Importance, grams, Math.Max(options.Ridge, 1e-6),
            relative: options.Scope == BudgetScope.PerFlop);
        var costs = new PruningCosts(graph, prunable, shapes);
        var channelGroups = prunable.Where(g => !g.Heads).ToList();
        var removed = channelGroups.Count == 0 ? new Dictionary<int, int[]>()
            : ChannelSelection.Choose(channelGroups, scores, new PruningCosts(graph, channelGroups, shapes), options).ToDictionary();
        foreach (var (id, heads) in ChannelSelection.ChooseHeads(prunable.Where(g => g.Heads).ToList(), scores, options.Heads)) removed[id] = heads;
        var (pruned, refitted) = options.Refit && options.RefitMode != RefitMode.Once
            ? StructuredPruner.ApplySequential(folded, prunable, removed, request.Calibration, options.Ridge, options.RefitMode == RefitMode.Residual,
                options.RefitMode == RefitMode.All)
            : StructuredPruner.Apply(folded.Proto, prunable, removed, options.Refit ? grams : null, options.Ridge);

        var reference = original.Proto.Clone();
        OnnxOpsetUpgrade.ToOpset7(reference, request.ModelPath);
        var agreement = OutputAgreement.Measure(reference, pruned, request.ModelPath, heldOut);
        OutputAgreement? plain = null;
        if (options.Refit && request.CompareWithoutRefit)
            plain = OutputAgreement.Measure(reference, StructuredPruner.Apply(folded.Proto, prunable, removed, null, 0).Model, request.ModelPath, heldOut);
        (double, double)? latency = request.LatencyRuns > 0 ? LatencyProbe.Compare(reference, pruned, heldOut[0], request.LatencyRuns, request.ModelPath) : null;

        var counts = removed.ToDictionary(p => p.Key, p => p.Value.Length);
        var layers = LayerRows(folded, new OnnxModel(pruned, request.ModelPath, null), prunable, removed, costs, counts, refitted, shapes, heldOut);
        OnnxWriter.Write(request.OutputPath, pruned);

        var (flopsBefore, _) = costs.Total(new Dictionary<int, int>());
        var (flopsAfter, _) = costs.Total(counts);
        var removedFraction = options.Kind switch
        {
            BudgetKind.Channels => counts.Values.Sum() / (double)prunable.Sum(g => g.Width),
            BudgetKind.Flops => 1 - flopsAfter / flopsBefore,
            _ => 1 - costs.Total(counts).Parameters / costs.Total(new Dictionary<int, int>()).Parameters,
        };
        return new OnnxPruneReport(request.ModelPath, request.OutputPath, request.DataDescription, request.DataIsRandom, Describe(options),
            prunable.Select(g => new PrunedGroupRow(g.Name, g.Width, counts.GetValueOrDefault(g.Id), g.Producers, g.Consumers)).ToList(),
            leftWhole, layers,
            removedFraction, flopsBefore, flopsAfter, Parameters(original.Proto), Parameters(pruned),
            original.FileBytes, new FileInfo(request.OutputPath).Length, agreement, plain, latency?.Item1, latency?.Item2);
    }

    internal static string Describe(StructuredPruningOptions o) =>
        $"{(o.Heads > 0 ? $"{o.Heads:P0} of each attention block's heads, " : "")}{o.Fraction:P0} of {o.Kind.ToString().ToLowerInvariant()}, {o.Scope.ToString().ToLowerInvariant()}{(o.Shares.Count > 0 ? $" ({string.Join(", ", o.Shares.Select(p => $"{p.Key} {p.Value:P1}"))} by hand)" : "")}{(o.KeepTied ? ", residual groups whole" : "")}{(o.RoundTo > 1 ? $", kept channels multiple of {o.RoundTo}" : "")}, {o.Importance.ToString().ToLowerInvariant()} scores, {(o.Refit ? $"{(o.RefitMode == RefitMode.Once ? "" : o.RefitMode.ToString().ToLowerInvariant() + " ")}least-squares refit (ridge {o.Ridge:G3})" : "no refit")}";

    internal static long Parameters(ModelProto model) =>
        model.Graph.Initializer.Where(t => OnnxTensorData.IsFloat(t.DataType)).Sum(t => OnnxTensorData.ElementCount(t.Dims));

    static List<MatrixLayer> ConsumerLayers(IReadOnlyList<ChannelGroup> prunable, Dictionary<string, NodeProto> nodes, Dictionary<string, TensorProto> initializers) =>
        prunable.SelectMany(g => g.Slices.Where(s => s.Role == SliceRole.ConsumerInput).Select(s => s.Node)).Distinct()
            .Select(n => MatrixLayer.Of(nodes[n], initializers)).OfType<MatrixLayer>().ToList();

    /// <summary>A layer's output as the model uses it: after its bias Add when one follows.</summary>
    internal static string LayerOutput(GraphProto graph, NodeProto node)
    {
        var readers = graph.Node.Where(n => n.Input.Contains(node.Output[0])).ToList();
        var init = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return node.OpType == "MatMul" && readers.Count == 1 && readers[0].OpType == "Add" && readers[0].Input.Any(init.Contains)
            ? readers[0].Output[0] : node.Output[0];
    }

    static List<StructureLayerRow> LayerRows(OnnxModel folded, OnnxModel pruned, IReadOnlyList<ChannelGroup> prunable,
        IReadOnlyDictionary<int, int[]> removed, PruningCosts costs, Dictionary<int, int> counts, IReadOnlyList<string> refitted,
        IReadOnlyDictionary<string, long[]> shapes, IReadOnlyList<IReadOnlyList<TensorProto>> heldOut)
    {
        var graph = folded.Proto.Graph;
        var nodes = graph.Node.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var cut = new Dictionary<string, (int Axis, HashSet<long> Removed)>(StringComparer.Ordinal);
        foreach (var g in prunable.Where(g => removed.ContainsKey(g.Id)))
            foreach (var s in g.Slices.Where(s => s.Role == SliceRole.ProducerOutput))
            {
                var node = nodes[s.Node];
                var output = LayerOutput(graph, node);
                var rank = shapes.TryGetValue(output, out var d) ? d.Length : 2;
                cut[output] = (node.OpType == "Conv" ? 1 : rank - 1,
                    removed[g.Id].SelectMany(i => Enumerable.Range(0, (int)s.Block).Select(j => s.Offset + i * s.Block + j)).ToHashSet());
            }
        var perLayer = costs.PerLayer(counts).Where(l => l.FlopsAfter != l.FlopsBefore || refitted.Contains(l.Node)).ToList();
        var outputs = perLayer.Select(l => LayerOutput(graph, nodes[l.Node])).ToList();
        var errors = LayerErrors.Measure(folded, pruned, outputs, cut, heldOut);
        return perLayer.Select((l, i) => new StructureLayerRow(l.Node, l.Op, l.FlopsBefore, l.FlopsAfter, l.ParamsBefore, l.ParamsAfter,
            4 * l.ParamsBefore, 4 * l.ParamsAfter, errors.TryGetValue(outputs[i], out var e) ? e : null,
            refitted.Contains(l.Node) ? "pruned, refitted" : "pruned")).ToList();
    }
}
