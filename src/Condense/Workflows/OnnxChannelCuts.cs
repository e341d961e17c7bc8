using System.Collections.Concurrent;
using Condense.Analysis;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Graph.Dependency;
using Condense.Graph.Structure;
using Condense.Quantization.Gptq;
using Onnx;

namespace Condense.Workflows;

/// <summary>One channel group as the planner sees it: offered as "c&lt;p&gt;" on its producer, or why not.</summary>
/// <param name="Group">The group's name (its producer, as <c>prune --structured</c> reports it).</param>
/// <param name="Producer">The layer the setting is offered on (its first producer).</param>
/// <param name="Consumers">The layers whose input columns go with the channels (refitted).</param>
/// <param name="Width">Channels in the group.</param>
/// <param name="Offered">Whether "c&lt;p&gt;" is a choice for the producer.</param>
/// <param name="Reason">Why not, when not offered.</param>
public sealed record ChannelGroupOffer(string Group, string Producer, IReadOnlyList<string> Consumers, int Width, bool Offered, string? Reason);

/// <summary>
/// The channel settings of a plan ("c&lt;p&gt;[g&lt;bits&gt;]", <see cref="ChannelSetting"/>) made real: the model's
/// dependency groups (<see cref="DependencyAnalysis"/>, attention heads left whole), the reconstruction scores
/// and least-squares refit of <c>prune --structured</c> (<see cref="ChannelScores"/>, <see cref="StructuredPruner"/>,
/// refit once on the original's calibration inputs), and the model of any choice: the chosen groups cut first,
/// then every layer's own setting encoded — on the shrunk weight, by GPTQ against the calibration H restricted
/// to the columns kept, for a layer the cut touched. A group is offered on its one producer only: a residual
/// group has several (the stream every block adds to), so it is not offered; nor is a group a graph output or an
/// op the analysis does not follow blocks. Because a cut changes shapes, a channel setting cannot be swapped into
/// the weight-swap session: its model error is measured on the real cut model in ONNX Runtime.
/// </summary>
public sealed class OnnxChannelCuts : IDisposable
{
    const double Ridge = StructuredPruningOptions.DefaultRidge;
    readonly OnnxModel model;
    readonly Dictionary<string, ChannelGroup> groupOfWeight;
    readonly Dictionary<string, string> nodeOfWeight;
    readonly IReadOnlyDictionary<int, double[]> scores;
    readonly InputGrams grams;
    readonly OnnxAnalysisRequest request;
    readonly long opset;
    readonly ConcurrentDictionary<string, OnnxQuantizedMatrix?> encoded = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<(string, int), long> aloneBytes = new();
    readonly Lazy<long> baseBytes;

    OnnxChannelCuts(OnnxModel model, IReadOnlyList<ChannelGroupOffer> groups, Dictionary<string, ChannelGroup> groupOfWeight,
        Dictionary<string, string> nodeOfWeight, IReadOnlyDictionary<int, double[]> scores, InputGrams grams, OnnxAnalysisRequest request)
    {
        this.model = model;
        Groups = groups;
        this.groupOfWeight = groupOfWeight;
        this.nodeOfWeight = nodeOfWeight;
        this.scores = scores;
        this.grams = grams;
        this.request = request;
        opset = model.DefaultOpset;
        baseBytes = new(() => OnnxCompressor.Compress(model, Options, new Dictionary<string, OnnxQuantizedMatrix>()).ModelBytesAfter);
    }

    static OnnxCompressionOptions Options => new(OnnxCompressionMethod.Linear, 8, MinSize: long.MaxValue);

    /// <summary>Every channel group of the model, offered or not and why.</summary>
    public IReadOnlyList<ChannelGroupOffer> Groups { get; }

    /// <summary>
    /// The groups of <paramref name="model"/> (whose nodes get names where they have none) and the statistics their cuts
    /// need, or null when no setting is a channel setting.
    /// </summary>
    internal static OnnxChannelCuts? Prepare(OnnxModel model, IReadOnlyList<LinearLayer> layers, IReadOnlyList<QuantizationSetting> settings, OnnxAnalysisRequest request)
    {
        if (!settings.Any(s => s.ChannelPercent > 0)) return null;
        var calibration = request.Data.Calibration;
        if (calibration.Count == 0) throw new CondenseException($"{request.ModelPath}: channel settings choose and refit channels from calibration data (--data)");
        var graph = model.Proto.Graph;
        NodeNames.Ensure(graph);
        var shapes = ValueShapes.Capture(model, calibration[0]);
        var deps = DependencyAnalysis.Analyze(graph, shapes, heads: false);
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var analysed = layers.Where(l => l.Kind != LinearLayerKind.Gather).Select(l => l.Weight).ToHashSet(StringComparer.Ordinal);
        var nodes = graph.Node.ToDictionary(DependencyAnalysis.NodeName, StringComparer.Ordinal);
        string? WeightOf(string node) => nodes.TryGetValue(node, out var n) && n.Input.Count > 1 && analysed.Contains(n.Input[1]) ? n.Input[1] : null;
        var offers = new List<ChannelGroupOffer>();
        var offered = new List<ChannelGroup>();
        foreach (var g in deps.Groups.Where(g => g.Producers.Count > 0))
        {
            var reason = g.Blocked.Count > 0 ? g.Blocked[0]
                : g.Consumers.Count == 0 ? "no layer reads it through a weight"
                : g.Producers.Count > 1 ? $"tied by a residual connection ({g.Producers.Count} producers)"
                : WeightOf(g.Producers[0]) is null ? "its producer is not an analysed layer"
                : g.Width < 2 ? "one channel" : null;
            offers.Add(new ChannelGroupOffer(g.Name, g.Producers[0], g.Consumers, g.Width, reason is null, reason));
            if (reason is null) offered.Add(g);
        }
        var matrixLayers = offered.SelectMany(g => g.Producers.Concat(g.Consumers)).Distinct(StringComparer.Ordinal)
            .Select(n => MatrixLayer.Of(nodes[n], initializers)).OfType<MatrixLayer>().ToList();
        var grams = InputGrams.Collect(model, matrixLayers, calibration);
        try
        {
            var scores = offered.Count == 0 ? new Dictionary<int, double[]>() : ChannelScores.Compute(graph, offered, ChannelImportance.Reconstruction, grams, Ridge);
            var groupOfWeight = offered.ToDictionary(g => WeightOf(g.Producers[0])!, StringComparer.Ordinal);
            var nodeOfWeight = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, n) in nodes)
                if (n.Input.Count > 1 && analysed.Contains(n.Input[1])) nodeOfWeight.TryAdd(n.Input[1], name);
            return new OnnxChannelCuts(model, offers, groupOfWeight, nodeOfWeight, scores, grams, request);
        }
        catch
        {
            grams.Dispose();
            throw;
        }
    }

    /// <summary>Whether a channel setting applies to the layer of <paramref name="weight"/> (it produces an offered group).</summary>
    public bool Offers(string weight) => groupOfWeight.ContainsKey(weight);

    /// <summary>The offers with the groups that touch a node in <paramref name="keep"/> withdrawn (a kept node is left as it is).</summary>
    public IReadOnlyList<ChannelGroupOffer> WithKeep(IReadOnlySet<string> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        return [.. Groups.Select(o => o.Offered && Kept(o, keep) is { } k ? o with { Offered = false, Reason = $"--keep {k}" } : o)];
    }

    /// <summary>Whether the group produced by the layer of <paramref name="weight"/> touches a node in <paramref name="keep"/>.</summary>
    public bool Touches(string weight, IReadOnlySet<string> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        return groupOfWeight.TryGetValue(weight, out var g) && g.Producers.Concat(g.Consumers).Any(keep.Contains);
    }

    static string? Kept(ChannelGroupOffer o, IReadOnlySet<string> keep) => o.Consumers.Prepend(o.Producer).FirstOrDefault(keep.Contains);

    /// <summary>The channels the group of <paramref name="weight"/> loses at "c<paramref name="percent"/>": the lowest reconstruction scores.</summary>
    public int[] Removed(string weight, int percent)
    {
        var g = groupOfWeight[weight];
        return ChannelSetting.Lowest(scores[g.Id], ChannelSetting.Removed(g.Width, percent));
    }

    /// <summary>
    /// A channel setting's encoding and values for analysis: a marker encoding (so the planner may choose it; the
    /// file is made by <see cref="Compress"/>), and the layer's matrix with the removed rows 0, the kept rows on the
    /// setting's grid by GPTQ when it has bits (rows are independent under GPTQ's per-row grids, so these are the
    /// kept rows the file holds when the layer's inputs are not cut too). Null where the layer produces no offered group.
    /// </summary>
    internal (OnnxQuantizedMatrix? Encoding, float[] Values) Values(LinearLayer layer, float[] w, QuantizationSetting setting, IReadOnlyList<GptqFactor>? factors)
    {
        if (!groupOfWeight.TryGetValue(layer.Weight, out var g) || layer.Groups != 1) return (null, w);
        var rows = Rows(layer.Weight, g, Removed(layer.Weight, setting.ChannelPercent));
        var kept = setting.Bits >= 32 ? w : DataAwareCompression.Quantize(layer, w, factors, OnnxAnalysis.Request(request, Grid(setting))).Values;
        var values = ChannelSetting.ZeroRows(kept, layer.Columns, rows);
        var label = $"channels: {g.Width - rows.Count} of {g.Width} kept ({(setting.Bits >= 32 ? "float32" : $"{setting.Bits}-bit")}), consumers refitted";
        return (new OnnxQuantizedMatrix(label, layer.Transposed, Float: new FloatMatrix(layer.Rows, layer.Columns, values)), values);
    }

    static QuantizationSetting Grid(QuantizationSetting channel) => QuantizationSetting.Parse($"g{channel.Bits}");

    // The producer's matrix rows a group's removed channels are.
    static HashSet<int> Rows(string weight, ChannelGroup g, int[] channels)
    {
        var s = g.Slices.First(x => x.Role == SliceRole.ProducerOutput && x.Tensor == weight);
        return [.. channels.SelectMany(c => Enumerable.Range(0, (int)s.Block).Select(j => (int)(s.Offset + c * s.Block + j)))];
    }

    /// <summary>
    /// The model of <paramref name="choice"/> when it cuts channels (null when it does not): the chosen groups cut and
    /// their consumers refitted, then each layer's setting encoded on its (shrunk) weight. A cut producer's tensor
    /// reports the bytes the cut saves in the whole file when made alone (its rows, per-channel parameters and consumers'
    /// columns), so that the planner's per-layer sums hold the real saving.
    /// </summary>
    internal OnnxCompressionResult? Compress(OnnxLayerCandidates candidates, IReadOnlyList<int> choice) => Build(candidates, choice, report: true);

    OnnxCompressionResult? Build(OnnxLayerCandidates candidates, IReadOnlyList<int> choice, bool report)
    {
        var cut = new Dictionary<string, (ChannelGroup Group, int Setting)>(StringComparer.Ordinal);
        for (int l = 0; l < candidates.Layers.Count; l++)
            if (candidates.Settings[choice[l]].ChannelPercent > 0 && groupOfWeight.TryGetValue(candidates.Layers[l].Weight, out var g))
                cut[candidates.Layers[l].Weight] = (g, choice[l]);
        if (cut.Count == 0) return null;
        var groups = cut.Values.Select(c => c.Group).ToList();
        var removed = cut.ToDictionary(c => c.Value.Group.Id, c => Removed(c.Key, candidates.Settings[c.Value.Setting].ChannelPercent));
        var (cuts, _) = StructuredPruner.Cuts(groups, removed);
        var (pruned, _) = StructuredPruner.Apply(model.Proto, groups, removed, grams, Ridge);
        var prunedModel = new OnnxModel(pruned, model.Source, model.Directory);
        var touched = groups.SelectMany(g => g.Slices).Where(s => s.Role is SliceRole.ProducerOutput or SliceRole.ConsumerInput)
            .Select(s => s.Tensor).ToHashSet(StringComparer.Ordinal);
        var shrunk = LinearLayers.Find(prunedModel, 0).Layers.ToDictionary(l => l.Weight, StringComparer.Ordinal);
        var initializers = pruned.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var given = new Dictionary<string, OnnxQuantizedMatrix>(StringComparer.Ordinal);
        for (int l = 0; l < candidates.Layers.Count; l++)
        {
            var weight = candidates.Layers[l].Weight;
            var setting = candidates.Settings[choice[l]];
            if (choice[l] == 0 || (setting.ChannelPercent > 0 && !cut.ContainsKey(weight))) continue;
            if (!touched.Contains(weight) && setting.ChannelPercent == 0)
            {
                if (candidates.Encodings[l][choice[l]] is { } e) given[weight] = e;
                continue;
            }
            var own = setting.ChannelPercent > 0 ? (setting.Bits >= 32 ? null : Grid(setting)) : setting;
            if (own is null || !shrunk.TryGetValue(weight, out var layer)) continue;
            var key = $"{weight}|{own.Label}|{string.Join(",", cuts.Where(c => c.Key.Tensor == weight).OrderBy(c => c.Key.Axis).Select(c => $"{c.Key.Axis}:{string.Join(".", c.Value.Order())}"))}";
            if (encoded.GetOrAdd(key, _ => Encode(layer, initializers[weight], own, cuts)) is { } encoding) given[weight] = encoding;
        }
        var result = OnnxCompressor.Compress(prunedModel, Options, given);
        var lowRank = given.Where(p => p.Value.Left is not null).Select(p => p.Key).ToList();
        if (lowRank.Count > 0 && LowRankSplit.Apply(result.Model, lowRank) > 0) result = result with { ModelBytesAfter = result.Model.CalculateSize() };
        if (!report) return result;
        var before = candidates.Layers.Select((x, l) => (x.Weight, l)).ToDictionary(p => p.Weight, p => p.l, StringComparer.Ordinal);
        var tensors = result.Tensors.Select(t => cut.TryGetValue(t.Name, out var c)
            ? t with { Encoding = $"channels {candidates.Settings[c.Setting].Label}: {c.Group.Width - removed[c.Group.Id].Length} of {c.Group.Width} kept, consumers refitted", BytesAfter = AloneBytes(candidates, before[t.Name], c.Setting) }
            : t).ToList();
        return result with { Tensors = tensors };
    }

    // The layer's bytes under a channel setting: its float32 bytes less what the cut alone saves in the file.
    long AloneBytes(OnnxLayerCandidates candidates, int layer, int setting) => aloneBytes.GetOrAdd((candidates.Layers[layer].Weight, setting), _ =>
    {
        var choice = new int[candidates.Layers.Count];
        choice[layer] = setting;
        var alone = Build(candidates, choice, report: false)!.ModelBytesAfter;
        var original = OnnxTensorData.ElementCount(model.Proto.Graph.Initializer.First(t => t.Name == candidates.Layers[layer].Weight).Dims) * 4;
        return original + alone - baseBytes.Value;
    });

    // A touched layer's own setting on its shrunk weight, by GPTQ against its calibration H restricted to the columns kept.
    OnnxQuantizedMatrix? Encode(LinearLayer layer, TensorProto tensor, QuantizationSetting setting, Dictionary<(string Tensor, int Axis), HashSet<long>> cuts)
    {
        var w = DataAwareCompression.Matrix(layer, OnnxTensorData.ToFloat32(tensor));
        GptqFactor? factor = null;
        try
        {
            if (setting.Gptq && layer.Groups == 1 && nodeOfWeight.TryGetValue(layer.Weight, out var node) && grams.Has(node))
            {
                var full = grams.For(node);
                int k = (int)Math.Round(Math.Sqrt(full.Length)) - 1;
                var area = layer.Kind == LinearLayerKind.Conv ? (int)(layer.Shape[2] * layer.Shape[3]) : 1;
                var axis = layer.Kind switch { LinearLayerKind.Conv => 1, LinearLayerKind.MatMul => 0, _ => layer.Transposed ? 0 : 1 };
                var gone = cuts.TryGetValue((layer.Weight, axis), out var set) ? set : [];
                var kept = Enumerable.Range(0, k).Where(f => !gone.Contains(f / area)).ToArray();
                if (kept.Length == layer.Columns)
                {
                    var h = new double[kept.Length * kept.Length];
                    for (int i = 0; i < kept.Length; i++)
                        for (int j = 0; j < kept.Length; j++) h[i * kept.Length + j] = full[kept[i] * (k + 1) + kept[j]];
                    factor = GptqFactor.Of(h, kept.Length, request.Gptq ?? new GptqOptions());
                }
            }
            if (setting.Structural) return StructuralSettings.Apply(layer, w, setting, null, factor is null ? null : [factor], opset).Encoding;
            if (setting.ChoosesColumns && factor is not null && layer.Kind != LinearLayerKind.Gather && ColumnDrop.Applies(layer))
                return ColumnDrop.Quantize(layer, w, factor, setting, request.Seed).Encoding;
            return DataAwareCompression.Quantize(layer, w, factor is null ? null : [factor], OnnxAnalysis.Request(request, setting)).Encoding;
        }
        finally { factor?.Dispose(); }
    }

    /// <summary>Frees the calibration statistics.</summary>
    public void Dispose() => grams.Dispose();
}
