using Onnx;

namespace Condense.Graph.Dependency;

/// <summary>
/// Finds which output channels of a graph's Conv, Gemm and MatMul layers must be removed
/// together, by following each channel forward through the graph (DepGraph, Fang et al. 2023):
/// element-wise ops and pools pass channels through; BatchNormalization, biases and depthwise
/// convolutions carry one entry per channel; Add/Mul of two values ties their groups (residual
/// connections); Concat and Flatten/Reshape translate indices; the next Conv/Gemm/MatMul is where a
/// channel ends, as one of its input rows. Anything the walk does not understand — a reshape that
/// splits or mixes channels, an op outside the table, a weight two nodes share, a graph output —
/// leaves the groups it touches whole and records why, so a pass never writes a broken graph.
/// </summary>
/// <remarks>
/// The walk needs every value's shape (for reshapes, broadcasting and FLOPs): pass what
/// <see cref="ValueShapes.Capture"/> reads from one run in ONNX Runtime. Nodes are visited in the
/// graph's order, which ONNX requires to be topological.
/// </remarks>
public static class DependencyAnalysis
{
    static readonly HashSet<string> Unary = new(StringComparer.Ordinal)
    {
        "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Erf", "Gelu", "Elu", "Selu", "Celu", "Softplus", "Softsign", "HardSigmoid",
        "HardSwish", "Mish", "Clip", "Identity", "Dropout", "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Cast",
        "Floor", "Ceil", "Round", "Sin", "Cos", "Sign", "ThresholdedRelu", "Shrink",
    };
    static readonly HashSet<string> Binary = new(StringComparer.Ordinal) { "Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum", "PRelu" };
    static readonly HashSet<string> Pools = new(StringComparer.Ordinal)
    {
        "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LpPool", "GlobalLpPool",
    };
    static readonly HashSet<string> Reshapes = new(StringComparer.Ordinal) { "Reshape", "Flatten", "Squeeze", "Unsqueeze" };

    /// <summary>The channel groups of <paramref name="graph"/>.</summary>
    /// <param name="graph">The main graph (not modified).</param>
    /// <param name="shapes">Every value's dimensions, as one run produced them.</param>
    /// <param name="heads">Also find attention-head groups (<see cref="AttentionHeads"/>), appended after the channel groups.</param>
    public static DependencyGraph Analyze(GraphProto graph, IReadOnlyDictionary<string, long[]> shapes, bool heads = false)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(shapes);
        var channels = new Walk(graph, shapes).Run();
        return heads ? new DependencyGraph([.. channels.Groups, .. AttentionHeads.Find(graph, shapes, channels.Groups.Count)]) : channels;
    }

    /// <summary>A node's name for reports: its own, else its first output's.</summary>
    public static string NodeName(NodeProto node) => node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? node.OpType;

    sealed class Walk(GraphProto graph, IReadOnlyDictionary<string, long[]> shapes)
    {
        readonly GroupSet groups = new();
        readonly Dictionary<string, ChannelLayout> layouts = new(StringComparer.Ordinal);
        readonly Dictionary<string, TensorProto> initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        readonly GraphUses uses = new(graph);

        public DependencyGraph Run()
        {
            foreach (var node in graph.Node) Visit(node);
            foreach (var output in graph.Output)
                if (layouts.TryGetValue(output.Name, out var l)) BlockAll(l, $"reaches the graph output '{output.Name}'");
            foreach (var (name, l) in layouts)
                if (uses.EscapesNodes(name) && !graph.Output.Any(o => o.Name == name)) BlockAll(l, $"'{name}' is read inside a subgraph");
            return groups.ToGraph();
        }

        ChannelLayout? Layout(string name) => name.Length > 0 && layouts.TryGetValue(name, out var l) ? l : null;

        void BlockAll(ChannelLayout layout, string reason)
        {
            foreach (var s in layout.Segments) groups.Block(s.Group, reason);
        }

        void SliceAll(ChannelLayout layout, string node, string tensor, int axis, SliceRole role, long blockFactor = 1)
        {
            foreach (var (s, offset) in layout.WithOffsets())
                groups.Slice(s.Group, new ChannelSlice(node, tensor, axis, offset, s.Block * blockFactor, role));
        }

        /// <summary>An initializer only this node reads (so slicing it changes nothing else), or null with the reason.</summary>
        TensorProto? OwnInitializer(string name, out string? why)
        {
            why = null;
            if (!initializers.TryGetValue(name, out var t)) { why = $"'{name}' is computed, not a stored weight"; return null; }
            var readers = uses.Consumers(name);
            if (readers.Count > 1 || uses.EscapesNodes(name))
            {
                why = $"weight '{name}' is shared by {string.Join(", ", readers.Select(NodeName))}";
                return null;
            }
            return t;
        }

        int RankOf(string value, int fallback) => shapes.TryGetValue(value, out var s) ? s.Length : fallback;

        void Visit(NodeProto node)
        {
            var name = NodeName(node);
            var op = node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";
            var tracked = node.Input.Select(Layout).Where(l => l is not null).Cast<ChannelLayout>().ToList();
            switch (op)
            {
                case "Conv": Conv(node, name); return;
                case "Gemm": Gemm(node, name); return;
                case "MatMul": MatMul(node, name); return;
            }
            if (tracked.Count == 0) return;
            if (Unary.Contains(op) && Layout(node.Input[0]) is { } x)
            {
                if (op == "Clip" && node.Input.Skip(1).Any(i => Layout(i) is not null)) { BlockAll(x, $"Clip '{name}' has computed bounds"); return; }
                layouts[node.Output[0]] = x;
            }
            else if (Binary.Contains(op)) Elementwise(node, name, op);
            else if (Pools.Contains(op)) Pass(node, name, op, axis: 1);
            else if (op is "BatchNormalization" or "InstanceNormalization") Normalization(node, name, op);
            else if (Reshapes.Contains(op)) ReshapeLike(node, name, op);
            else if (op == "Transpose") Transpose(node, name);
            else if (op == "Concat") Concat(node, name);
            else foreach (var l in tracked) BlockAll(l, $"read by {op} '{name}', which Condense cannot follow");
        }

        void Pass(NodeProto node, string name, string op, int axis)
        {
            var x = Layout(node.Input[0])!;
            if (x.Axis != axis) { BlockAll(x, $"{op} '{name}' works on the channel axis"); return; }
            layouts[node.Output[0]] = x;
        }

        void Conv(NodeProto node, string name)
        {
            var x = Layout(node.Input[0]);
            var w = OwnInitializer(node.Input[1], out var why);
            var group = Attribute(node, "group", 1);
            if (w is null)
            {
                if (x is not null) BlockAll(x, $"Conv '{name}': {why}");
                return;
            }
            var bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
            var biasOk = bias is null || OwnInitializer(bias, out _) is not null;
            long cout = w.Dims[0];
            if (group == 1)
            {
                if (x is not null)
                {
                    if (x.Axis != 1 || x.Size != w.Dims[1]) BlockAll(x, $"Conv '{name}' reads channels on another axis");
                    else SliceAll(x, name, w.Name, 1, SliceRole.ConsumerInput);
                }
                var g = groups.New((int)cout, name);
                groups.Slice(g, new ChannelSlice(name, w.Name, 0, 0, 1, SliceRole.ProducerOutput));
                if (bias is not null) groups.Slice(g, new ChannelSlice(name, bias, 0, 0, 1, SliceRole.PerChannel));
                if (!biasOk) groups.Block(g, $"Conv '{name}': bias '{bias}' is shared or computed");
                layouts[node.Output[0]] = ChannelLayout.Single(g, (int)cout, 1, w.Dims.Count);
                return;
            }
            if (x is not null && w.Dims[1] == 1 && cout == group && x.Size == group && x.Axis == 1 && biasOk)
            {
                // Depthwise: output channel c is input channel c filtered, so it stays in the input's group.
                SliceAll(x, name, w.Name, 0, SliceRole.PerChannel);
                if (bias is not null) SliceAll(x, name, bias, 0, SliceRole.PerChannel);
                layouts[node.Output[0]] = x;
                return;
            }
            if (x is not null) BlockAll(x, $"grouped Conv '{name}' ({group} groups) ties channels to groups");
            var blocked = groups.New((int)cout, name);
            groups.Block(blocked, $"grouped Conv '{name}' ({group} groups) ties its output channels to groups");
        }

        void Gemm(NodeProto node, string name)
        {
            var a = Layout(node.Input[0]);
            var b = OwnInitializer(node.Input[1], out var why);
            var transA = Attribute(node, "transA", 0) != 0;
            var transB = Attribute(node, "transB", 0) != 0;
            if (b is null || b.Dims.Count != 2)
            {
                if (a is not null) BlockAll(a, $"Gemm '{name}': {why ?? "weight is not a matrix"}");
                if (Layout(node.Input[1]) is { } lb) BlockAll(lb, $"Gemm '{name}' multiplies two computed values");
                return;
            }
            if (a is not null)
            {
                if (transA || a.Axis != 1 || a.Rank != 2) BlockAll(a, $"Gemm '{name}' reads channels on another axis");
                else SliceAll(a, name, b.Name, transB ? 1 : 0, SliceRole.ConsumerInput);
            }
            var width = (int)(transB ? b.Dims[0] : b.Dims[1]);
            var g = groups.New(width, name);
            groups.Slice(g, new ChannelSlice(name, b.Name, transB ? 0 : 1, 0, 1, SliceRole.ProducerOutput));
            if (node.Input.Count > 2 && node.Input[2].Length > 0) BiasLike(g, name, node.Input[2], width);
            layouts[node.Output[0]] = ChannelLayout.Single(g, width, 1, 2);
        }

        void MatMul(NodeProto node, string name)
        {
            var a = Layout(node.Input[0]);
            if (!initializers.TryGetValue(node.Input[1], out var bt) || bt.Dims.Count != 2)
            {
                foreach (var l in node.Input.Select(Layout).OfType<ChannelLayout>()) BlockAll(l, $"MatMul '{name}' multiplies two computed values");
                return;
            }
            var b = OwnInitializer(node.Input[1], out var why);
            if (a is not null)
            {
                if (a.Axis != a.Rank - 1) BlockAll(a, $"MatMul '{name}' reads channels on another axis");
                else if (b is null) BlockAll(a, $"MatMul '{name}': {why}");
                else SliceAll(a, name, b.Name, 0, SliceRole.ConsumerInput);
            }
            var width = (int)bt.Dims[1];
            var g = groups.New(width, name);
            groups.Slice(g, new ChannelSlice(name, bt.Name, 1, 0, 1, SliceRole.ProducerOutput));
            if (b is null) groups.Block(g, $"MatMul '{name}': {why}");
            var rank = RankOf(node.Output[0], a?.Rank ?? 2);
            layouts[node.Output[0]] = ChannelLayout.Single(g, width, rank - 1, rank);
        }

        /// <summary>A bias-like initializer beside a producer: one entry per channel, or broadcast.</summary>
        void BiasLike(int g, string name, string tensor, int width)
        {
            if (!initializers.TryGetValue(tensor, out var c)) { groups.Block(g, $"'{name}': bias '{tensor}' is computed"); return; }
            if (c.Dims.Count == 0 || c.Dims[^1] == 1) return;
            if (c.Dims[^1] != width || c.Dims.Take(c.Dims.Count - 1).Any(d => d != 1)) { groups.Block(g, $"'{name}': bias '{tensor}' is not one value per channel"); return; }
            if (OwnInitializer(tensor, out var why) is null) groups.Block(g, $"'{name}': {why}");
            groups.Slice(g, new ChannelSlice(name, tensor, c.Dims.Count - 1, 0, 1, SliceRole.PerChannel));
        }

        void Elementwise(NodeProto node, string name, string op)
        {
            var inputs = node.Input.Where(i => i.Length > 0).ToList();
            var tracked = inputs.Select(Layout).OfType<ChannelLayout>().ToList();
            var first = tracked[0];
            var fromEnd = first.Rank - first.Axis;
            foreach (var other in tracked.Skip(1))
            {
                if (!other.SameShapeAs(first)) { BlockAll(first, $"{op} '{name}' joins differently laid-out channels"); BlockAll(other, $"{op} '{name}' joins differently laid-out channels"); continue; }
                for (int i = 0; i < first.Segments.Count; i++) groups.Tie(first.Segments[i].Group, other.Segments[i].Group);
            }
            foreach (var input in inputs.Where(i => Layout(i) is null))
            {
                long[]? dims = initializers.TryGetValue(input, out var t) ? [.. t.Dims] : shapes.GetValueOrDefault(input);
                if (dims is null) { BlockAll(first, $"{op} '{name}': shape of '{input}' unknown"); continue; }
                var aligned = dims.Length - fromEnd;
                if (aligned < 0 || dims[aligned] == 1) continue;
                if (t is null || dims[aligned] != first.Size) { BlockAll(first, $"{op} '{name}' mixes in '{input}', whose channels are not tracked"); continue; }
                if (OwnInitializer(input, out var why) is null) { BlockAll(first, $"{op} '{name}': {why}"); continue; }
                SliceAll(first, name, input, aligned, SliceRole.PerChannel);
            }
            var rank = RankOf(node.Output[0], tracked.Max(l => l.Rank));
            layouts[node.Output[0]] = first.Moved(rank - fromEnd, rank);
        }

        void Normalization(NodeProto node, string name, string op)
        {
            var x = Layout(node.Input[0]);
            if (x is null) { foreach (var l in node.Input.Skip(1).Select(Layout).OfType<ChannelLayout>()) BlockAll(l, $"{op} '{name}' reads computed parameters"); return; }
            if (x.Axis != 1) { BlockAll(x, $"{op} '{name}' normalises another axis"); return; }
            foreach (var p in node.Input.Skip(1).Where(i => i.Length > 0))
            {
                if (OwnInitializer(p, out var why) is null) { BlockAll(x, $"{op} '{name}': {why}"); return; }
                SliceAll(x, name, p, 0, SliceRole.PerChannel);
            }
            layouts[node.Output[0]] = x;
        }

        void ReshapeLike(NodeProto node, string name, string op)
        {
            var x = Layout(node.Input[0])!;
            if (!shapes.TryGetValue(node.Input[0], out var inShape) || !shapes.TryGetValue(node.Output[0], out var outShape))
            {
                BlockAll(x, $"{op} '{name}': shapes unknown");
                return;
            }
            var map = ReshapeRule.Follow(inShape, x.Axis, outShape);
            if (map is not { } m) { BlockAll(x, $"{op} '{name}' reshapes {Dims(inShape)} to {Dims(outShape)}, splitting or mixing channels"); return; }
            if (op == "Reshape")
            {
                if (!initializers.TryGetValue(node.Input[1], out var shapeTensor)) { BlockAll(x, $"Reshape '{name}': its shape is computed"); return; }
                var target = ReshapeRule.Values(shapeTensor);
                if (m.Axis < target.Length && target[m.Axis] > 0)
                {
                    if (OwnInitializer(shapeTensor.Name, out var why) is null) { BlockAll(x, $"Reshape '{name}': {why}"); return; }
                    foreach (var (s, _) in x.WithOffsets())
                        groups.Slice(s.Group, new ChannelSlice(name, shapeTensor.Name, 0, m.Axis, s.Block * m.BlockFactor, SliceRole.ShapeConstant));
                }
            }
            layouts[node.Output[0]] = x.Moved(m.Axis, outShape.Length, m.BlockFactor);
        }

        void Transpose(NodeProto node, string name)
        {
            var x = Layout(node.Input[0])!;
            var perm = node.Attribute.FirstOrDefault(a => a.Name == "perm")?.Ints.Select(i => (int)i).ToArray()
                ?? Enumerable.Range(0, x.Rank).Reverse().ToArray();
            var axis = Array.IndexOf(perm, x.Axis);
            if (axis < 0) { BlockAll(x, $"Transpose '{name}': bad perm"); return; }
            layouts[node.Output[0]] = x.Moved(axis, x.Rank);
        }

        void Concat(NodeProto node, string name)
        {
            var inputs = node.Input.Where(i => i.Length > 0).ToList();
            var all = inputs.Select(Layout).ToList();
            var known = all.OfType<ChannelLayout>().ToList();
            var rank = known[0].Rank;
            var axis = (int)Attribute(node, "axis", 0);
            if (axis < 0) axis += rank;
            if (all.Any(l => l is null) || known.Any(l => l.Axis != axis || l.Rank != rank))
            {
                foreach (var l in known) BlockAll(l, $"Concat '{name}' joins channels with values Condense cannot follow");
                return;
            }
            layouts[node.Output[0]] = new ChannelLayout(axis, rank, known.SelectMany(l => l.Segments).ToList());
        }

        static string Dims(long[] d) => $"[{string.Join(", ", d)}]";

        static long Attribute(NodeProto node, string name, long fallback) =>
            node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;
    }
}
