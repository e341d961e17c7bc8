using Onnx;

namespace Condense.Graph.Dependency;

/// <summary>
/// Attention heads as channel groups: in multi-head attention, Q, K and V are each reshaped from
/// [B, S, H·D] to [B, S, H, D] and attended per head, so column block h (D columns) of the three
/// projections and row block h of the output projection are one unit: removing head h removes all
/// four blocks, and the reshapes' head counts (H → H′, H·D → H′·D) shrink with it. The column
/// walk of <see cref="DependencyAnalysis"/> cannot see this (the reshape splits channels into
/// heads, and its target is computed from a <c>Shape</c>), so this matcher recognises the block
/// as exported from PyTorch (BERT, MiniLM): Reshape → Transpose [0,2,1,3] (Q, V) or [0,2,3,1]
/// (K), Q·Kᵀ, element-wise ops and Softmax that keep the head axis, ·V, Transpose back, Reshape
/// to [B, S, H·D], output MatMul. Shape reads are allowed only of the batch and sequence
/// dimensions (Gather of index 0 or 1), and each head count in a reshape target must be a
/// stored constant only that reshape reads (or −1). Anything else is left whole and named, so a
/// pass never writes a broken graph.
/// </summary>
internal static class AttentionHeads
{
    static readonly HashSet<string> KeepsHeads = new(StringComparer.Ordinal) { "Div", "Mul", "Add", "Sub", "Softmax", "Dropout", "Cast", "Identity", "Where" };

    /// <summary>Head groups (ids from <paramref name="firstId"/>), prunable or left whole with the reason.</summary>
    public static List<ChannelGroup> Find(GraphProto graph, IReadOnlyDictionary<string, long[]> shapes, int firstId)
    {
        var m = new Matcher(graph, shapes);
        var groups = new List<ChannelGroup>();
        foreach (var node in graph.Node)
        {
            if (node.OpType != "MatMul" || node.Input.Count != 2 || m.IsStored(node.Input[0]) || m.IsStored(node.Input[1])) continue;
            if (m.Producer(node.Input[0]) is not { OpType: "Transpose" } t || m.Producer(t.Input[0]) is not { OpType: "Reshape" }) continue;
            var id = firstId + groups.Count;
            try
            {
                groups.Add(m.Match(node, id));
            }
            catch (HeadsNotFollowed e)
            {
                groups.Add(new ChannelGroup(id, e.Heads, [DependencyAnalysis.NodeName(node)], [], [], [e.Message], $"heads at {DependencyAnalysis.NodeName(node)}", true));
            }
        }
        return groups;
    }

    sealed class HeadsNotFollowed(string message, int heads) : Exception(message)
    {
        public int Heads { get; } = heads;
    }

    sealed class Matcher(GraphProto graph, IReadOnlyDictionary<string, long[]> shapes)
    {
        readonly Dictionary<string, TensorProto> initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        readonly Dictionary<string, NodeProto> producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).GroupBy(p => p.o)
            .ToDictionary(g => g.Key, g => g.First().n, StringComparer.Ordinal);
        readonly GraphUses uses = new(graph);
        int heads = 1;
        string at = "";

        public bool IsStored(string name) => initializers.ContainsKey(name);

        public NodeProto? Producer(string name) => producers.GetValueOrDefault(name);

        HeadsNotFollowed Fail(string why) => new($"attention at '{at}': {why}", heads);

        public ChannelGroup Match(NodeProto scores, int id)
        {
            at = DependencyAnalysis.NodeName(scores);
            heads = 1;
            var (q, hq, d) = Split(scores.Input[0], [0, 2, 1, 3], "Q");
            heads = (int)hq;
            var (k, hk, dk) = Split(scores.Input[1], [0, 2, 3, 1], "K");
            if (hk != hq || dk != d) throw Fail($"K has {hk} heads of {dk}, Q {hq} of {d}");
            var context = Chain(scores);
            var (v, hv, dv) = Split(context.Input[1], [0, 2, 1, 3], "V");
            if (hv != hq || dv != d) throw Fail($"V has {hv} heads of {dv}, Q {hq} of {d}");
            var back = Single(context.Output[0], "the context");
            if (back.OpType != "Transpose" || !Perm(back).SequenceEqual([0, 2, 1, 3])) throw Fail($"the context is read by {back.OpType} '{DependencyAnalysis.NodeName(back)}', not Transpose [0,2,1,3]");
            var merge = uses.Consumers(back.Output[0]).Where(n => n.OpType != "Shape").ToList();
            if (merge is not [{ OpType: "Reshape" } reshape] || reshape.Input[0] != back.Output[0]) throw Fail("the context is not merged by one Reshape");
            ShapeReadsOnlyBatchAndSequence(back.Output[0]);
            var output = Single(reshape.Output[0], "the merged context");
            if (output.OpType != "MatMul" || output.Input[0] != reshape.Output[0] || !initializers.TryGetValue(output.Input[1], out var wo) || wo.Dims.Count != 2 || wo.Dims[0] != hq * d)
                throw Fail("the merged context is not read by one MatMul with a stored [H·D, E] weight");
            Own(wo.Name);
            var slices = new List<ChannelSlice>();
            foreach (var p in new[] { q, k, v }) slices.AddRange(Projection(p, hq * d, d));
            foreach (var p in new[] { q, k, v }) slices.AddRange(HeadCount(p, 2, hq, 1));
            slices.AddRange(HeadCount(reshape, 2, hq * d, d));
            var outputName = DependencyAnalysis.NodeName(output);
            slices.Add(new ChannelSlice(outputName, wo.Name, 0, 0, d, SliceRole.ConsumerInput));
            var producerNames = slices.Where(s => s.Role == SliceRole.ProducerOutput).Select(s => s.Node).ToList();
            return new ChannelGroup(id, heads, producerNames, [outputName], slices.Distinct().ToList(), [], $"heads of {outputName}", true);
        }

        /// <summary>Value → Transpose(perm) ← Reshape [B, S, H, D] ← the projection: (reshape, H, D).</summary>
        (NodeProto Reshape, long Heads, long Size) Split(string value, long[] perm, string role)
        {
            var t = Producer(value);
            if (t is not { OpType: "Transpose" } || !Perm(t).SequenceEqual(perm))
                throw Fail($"{role} does not come from Transpose [{string.Join(",", perm)}] (heads interleaved or laid out another way)");
            var r = Producer(t.Input[0]);
            if (r is not { OpType: "Reshape" }) throw Fail($"{role} is not split into heads by a Reshape");
            if (uses.Consumers(t.Input[0]).Count != 1 || uses.EscapesNodes(t.Input[0]) || uses.Consumers(value).Count != 1 || uses.EscapesNodes(value))
                throw Fail($"{role}'s heads are read elsewhere");
            if (!shapes.TryGetValue(r.Output[0], out var s) || s.Length != 4 || !shapes.TryGetValue(r.Input[0], out var x) || x.Length != 3 || x[2] != s[2] * s[3])
                throw Fail($"{role}'s Reshape '{DependencyAnalysis.NodeName(r)}' does not split [B, S, H·D] into [B, S, H, D]");
            return (r, s[2], s[3]);
        }

        /// <summary>From Q·Kᵀ through ops that keep the head axis to the MatMul with V.</summary>
        NodeProto Chain(NodeProto scores)
        {
            var value = scores.Output[0];
            for (int step = 0; step < 16; step++)
            {
                var next = Single(value, "the attention scores");
                if (next.OpType == "MatMul" && next.Input[0] == value) return next;
                if (!KeepsHeads.Contains(next.OpType)) throw Fail($"the scores are read by {next.OpType} '{DependencyAnalysis.NodeName(next)}'");
                if (next.OpType == "Softmax" && next.Attribute.FirstOrDefault(a => a.Name == "axis") is { } axis && axis.I is not (-1 or 3))
                    throw Fail("Softmax over another axis than the keys");
                foreach (var other in next.Input.Where(i => i.Length > 0 && i != value))
                {
                    long[]? dims = initializers.TryGetValue(other, out var c) ? [.. c.Dims] : shapes.GetValueOrDefault(other);
                    if (dims is null) throw Fail($"shape of '{other}' unknown");
                    var headAxis = dims.Length - 3;
                    if (headAxis >= 0 && dims[headAxis] != 1) throw Fail($"'{other}' has an entry per head ({DependencyAnalysis.NodeName(next)})");
                }
                value = next.Output[0];
            }
            throw Fail("no MatMul with V within 16 ops of the scores");
        }

        NodeProto Single(string value, string what)
        {
            var readers = uses.Consumers(value);
            if (readers.Count != 1 || uses.EscapesNodes(value)) throw Fail($"{what} '{value}' is read by {readers.Count} nodes or leaves the graph");
            return readers[0];
        }

        /// <summary>The projection before a head split: MatMul (stored [E, H·D]) with an optional bias Add; and every Shape read of it.</summary>
        (NodeProto Weight, NodeProto? Bias, string? BiasTensor) Projected(string value)
        {
            var p = Producer(value) ?? throw Fail($"'{value}' is not computed by a projection");
            if (p.OpType == "Add")
            {
                var stored = p.Input.Where(initializers.ContainsKey).ToList();
                var computed = p.Input.Where(i => !initializers.ContainsKey(i)).ToList();
                if (stored.Count != 1 || computed.Count != 1 || Producer(computed[0]) is not { OpType: "MatMul" } mm)
                    throw Fail($"'{value}' is not a MatMul plus a stored bias");
                return (mm, p, stored[0]);
            }
            if (p.OpType == "MatMul") return (p, null, null);
            throw Fail($"'{value}' comes from {p.OpType}, not a projection");
        }

        IEnumerable<ChannelSlice> Projection(NodeProto reshape, long width, long d)
        {
            var value = reshape.Input[0];
            ShapeReadsOnlyBatchAndSequence(value);
            if (uses.Consumers(value).Count(n => n.OpType != "Shape") != 1) throw Fail($"'{value}' is read beside its head split");
            var (mm, add, bias) = Projected(value);
            if (!initializers.TryGetValue(mm.Input[1], out var w) || w.Dims.Count != 2 || w.Dims[1] != width || IsStored(mm.Input[0]))
                throw Fail($"projection '{DependencyAnalysis.NodeName(mm)}' has no stored [E, {width}] weight");
            Own(w.Name);
            var name = DependencyAnalysis.NodeName(mm);
            yield return new ChannelSlice(name, w.Name, 1, 0, d, SliceRole.ProducerOutput);
            if (add is null) yield break;
            if (uses.Consumers(mm.Output[0]).Count != 1) throw Fail($"projection '{name}' is read beside its bias");
            var b = initializers[bias!];
            if (b.Dims.Count != 1 || b.Dims[0] != width) throw Fail($"bias '{bias}' is not one value per column");
            Own(bias!);
            yield return new ChannelSlice(DependencyAnalysis.NodeName(add), bias!, 0, 0, d, SliceRole.PerChannel);
        }

        /// <summary>The reshape target's entry <paramref name="index"/> (a head count, or H·D) as a shape slice; −1 needs none.</summary>
        IEnumerable<ChannelSlice> HeadCount(NodeProto reshape, int index, long expected, long perHead)
        {
            var name = DependencyAnalysis.NodeName(reshape);
            var target = reshape.Input[1];
            if (initializers.TryGetValue(target, out var t))
            {
                var values = ReshapeRule.Values(t);
                if (values.Length <= index || (values[index] != expected && values[index] != -1)) throw Fail($"Reshape '{name}' target [{string.Join(",", values)}] has no head count at {index}");
                if (values[index] == -1) yield break;
                Own(target);
                yield return new ChannelSlice(name, target, 0, index, perHead, SliceRole.ShapeConstant);
                yield break;
            }
            var concat = Producer(target);
            if (concat is not { OpType: "Concat" } || uses.Consumers(target).Count != 1)
                throw Fail($"the target of Reshape '{name}' is computed (not a Concat of one-element parts)");
            if (concat.Input.Count <= index) throw Fail($"the target of Reshape '{name}' has no entry {index}");
            foreach (var part in concat.Input.Take(index + 1))
            {
                long[]? dims = initializers.TryGetValue(part, out var c) ? [.. c.Dims] : shapes.GetValueOrDefault(part);
                if (dims is null || dims.Aggregate(1L, (a, b) => a * b) != 1) throw Fail($"the target of Reshape '{name}' joins parts that are not one entry each");
            }
            var entry = concat.Input[index];
            if (!initializers.TryGetValue(entry, out var e)) throw Fail($"the head count of Reshape '{name}' is computed");
            var value = ReshapeRule.Values(e)[0];
            if (value == -1) yield break;
            if (value != expected) throw Fail($"the head count of Reshape '{name}' is {value}, expected {expected}");
            Own(entry);
            yield return new ChannelSlice(DependencyAnalysis.NodeName(concat), entry, 0, 0, perHead, SliceRole.ShapeConstant);
        }

        /// <summary>Shape nodes reading <paramref name="value"/> feed only Gathers of dimension 0 or 1 (batch, sequence), which heads do not change.</summary>
        void ShapeReadsOnlyBatchAndSequence(string value)
        {
            foreach (var shape in uses.Consumers(value).Where(n => n.OpType == "Shape"))
            {
                if (shape.Attribute.Any(a => a.Name is "start" or "end")) throw Fail($"Shape '{DependencyAnalysis.NodeName(shape)}' reads a slice of the dimensions");
                foreach (var reader in uses.Consumers(shape.Output[0]))
                {
                    if (reader.OpType != "Gather" || reader.Input[0] != shape.Output[0] || (reader.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0) != 0
                        || Constant(reader.Input[1]) is not { } index || index.Any(i => i is not (0 or 1)))
                        throw Fail($"'{value}''s shape is read by {reader.OpType} '{DependencyAnalysis.NodeName(reader)}', which may depend on the head count");
                }
                if (uses.EscapesNodes(shape.Output[0])) throw Fail($"'{value}''s shape leaves the graph");
            }
        }

        long[]? Constant(string name)
        {
            if (initializers.TryGetValue(name, out var t)) return ReshapeRule.Values(t);
            if (Producer(name) is { OpType: "Constant" } c && c.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } v }) return ReshapeRule.Values(v);
            return null;
        }

        void Own(string tensor)
        {
            if (uses.Consumers(tensor).Count != 1 || uses.EscapesNodes(tensor))
                throw Fail($"'{tensor}' is shared by {string.Join(", ", uses.Consumers(tensor).Select(DependencyAnalysis.NodeName))}");
        }

        static long[] Perm(NodeProto t) => t.Attribute.FirstOrDefault(a => a.Name == "perm")?.Ints.ToArray() ?? [];
    }
}
