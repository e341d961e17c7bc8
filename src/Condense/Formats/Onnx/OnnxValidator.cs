using Onnx;
using AttributeType = Onnx.AttributeProto.Types.AttributeType;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// The checks <see cref="OnnxReader"/> runs on a parsed model before anyone touches its data.
/// Kept apart from the reader so the compressor can re-check what it builds.
/// </summary>
internal static class OnnxValidator
{
    public static void Check(ModelProto model, string source, string? directory, OnnxReadOptions options)
    {
        if (model.Graph is null) throw new InvalidFileException(source, "model has no graph (truncated or not an ONNX model)");
        if (model.IrVersion <= 0) throw new InvalidFileException(source, $"ir_version {model.IrVersion} is not a valid ONNX IR version");
        foreach (var t in AllTensors(model.Graph)) CheckTensor(t, source, directory, options);
        foreach (var s in AllSparse(model.Graph))
        {
            if (s.Values is null) throw new InvalidFileException(source, "sparse tensor without values");
            CheckTensor(s.Values, source, directory, options);
            if (s.Indices is not null) CheckTensor(s.Indices, source, directory, options);
            if (OnnxTensorData.ElementCount(s.Dims, options.MaxTensorElements) < 0)
                throw new InvalidFileException(source, $"sparse tensor '{s.Values.Name}' has absurd dims [{string.Join(", ", s.Dims)}]");
        }
        CheckGraph(model.Graph, source, outer: null, depth: 0);
    }

    /// <summary>Every dense tensor in the graph and its subgraphs: initializers and attribute tensors.</summary>
    public static IEnumerable<TensorProto> AllTensors(GraphProto graph)
    {
        foreach (var t in graph.Initializer) yield return t;
        foreach (var node in graph.Node)
        {
            foreach (var a in node.Attribute)
            {
                if (a.T is not null) yield return a.T;
                foreach (var t in a.Tensors) yield return t;
                if (a.SparseTensor is not null)
                {
                    if (a.SparseTensor.Values is not null) yield return a.SparseTensor.Values;
                    if (a.SparseTensor.Indices is not null) yield return a.SparseTensor.Indices;
                }
                foreach (var g in Subgraphs(a))
                    foreach (var t in AllTensors(g)) yield return t;
            }
        }
    }

    static IEnumerable<SparseTensorProto> AllSparse(GraphProto graph)
    {
        foreach (var s in graph.SparseInitializer) yield return s;
        foreach (var node in graph.Node)
            foreach (var a in node.Attribute)
                foreach (var g in Subgraphs(a))
                    foreach (var s in AllSparse(g)) yield return s;
    }

    static IEnumerable<GraphProto> Subgraphs(AttributeProto a)
    {
        if (a.G is not null) yield return a.G;
        foreach (var g in a.Graphs) yield return g;
    }

    static void CheckTensor(TensorProto t, string source, string? directory, OnnxReadOptions options)
    {
        var name = $"tensor '{t.Name}'";
        foreach (var d in t.Dims)
        {
            if (d < 0) throw new InvalidFileException(source, $"{name} has a negative dimension {d}");
            if (d > options.MaxTensorElements)
                throw new InvalidFileException(source, $"{name} has an absurd dimension {d} (limit {options.MaxTensorElements})");
        }
        var count = OnnxTensorData.ElementCount(t.Dims, options.MaxTensorElements);
        if (count < 0)
            throw new InvalidFileException(source, $"{name} has absurd dims [{string.Join(", ", t.Dims)}]: more than {options.MaxTensorElements} elements");
        var type = (DataType)t.DataType;
        // UINT4 and INT4 (IR 10; not in Debian's onnx.proto enum): two values per byte, as Condense's
        // GatherBlockQuantized writers store them.
        var nibbles = t.DataType is OnnxTensorData.Uint4 or OnnxTensorData.Int4;
        if (!nibbles && (!Enum.IsDefined(type) || type == DataType.Undefined))
            throw new InvalidFileException(source, $"{name} has unknown data type {t.DataType}");
        var size = OnnxTensorData.ElementSize(t.DataType);
        var bytes = nibbles ? (count + 1) / 2 : count * size;
        if (OnnxTensorData.IsExternal(t))
        {
            if (size == 0 && !nibbles) throw new InvalidFileException(source, $"{name}: external data of type {OnnxTensorData.TypeName(t.DataType)} is not allowed");
            if (directory is null) throw new InvalidFileException(source, $"{name} has external data but the model was not read from a folder");
            var path = ResolveExternal(source, directory, t);
            var fileLength = new FileInfo(path).Length;
            var offsetText = OnnxTensorData.ExternalValue(t, "offset");
            var lengthText = OnnxTensorData.ExternalValue(t, "length");
            long offset = 0, length;
            if (offsetText is not null && (!long.TryParse(offsetText, out offset) || offset < 0))
                throw new InvalidFileException(source, $"{name}: external offset '{offsetText}' is not a non-negative integer");
            if (offset > fileLength) throw new InvalidFileException(source, $"{name}: external offset {offset} is past the end of its {fileLength}-byte file");
            if (lengthText is not null)
            {
                if (!long.TryParse(lengthText, out length) || length < 0)
                    throw new InvalidFileException(source, $"{name}: external length '{lengthText}' is not a non-negative integer");
                if (length > fileLength - offset)
                    throw new InvalidFileException(source, $"{name}: external data {offset}+{length} runs past the end of its {fileLength}-byte file");
            }
            else length = fileLength - offset;
            if (length != bytes)
                throw new InvalidFileException(source, $"{name}: external data holds {length} bytes but dims [{string.Join(", ", t.Dims)}] of {OnnxTensorData.TypeName(t.DataType)} need {bytes}");
            return;
        }
        if (t.HasRawData)
        {
            if (size == 0 && !nibbles) throw new InvalidFileException(source, $"{name}: raw_data is not allowed for {OnnxTensorData.TypeName(t.DataType)}");
            if (t.RawData.Length != bytes)
                throw new InvalidFileException(source, $"{name}: raw_data holds {t.RawData.Length} bytes but dims [{string.Join(", ", t.Dims)}] of {OnnxTensorData.TypeName(t.DataType)} need {bytes}");
            return;
        }
        var (field, stored) = type switch
        {
            DataType.Float => ("float_data", (long)t.FloatData.Count),
            DataType.Complex64 => ("float_data", t.FloatData.Count / 2L),
            DataType.Double => ("double_data", t.DoubleData.Count),
            DataType.Complex128 => ("double_data", t.DoubleData.Count / 2L),
            DataType.Int64 => ("int64_data", t.Int64Data.Count),
            DataType.Uint32 or DataType.Uint64 => ("uint64_data", t.Uint64Data.Count),
            DataType.String => ("string_data", t.StringData.Count),
            _ => ("int32_data", t.Int32Data.Count),
        };
        // int32_data holds 4-bit values one per element or, packed, two.
        if (stored != count && !(nibbles && stored == (count + 1) / 2))
            throw new InvalidFileException(source, $"{name}: {field} holds {stored} values but dims [{string.Join(", ", t.Dims)}] need {count}");
    }

    /// <summary>
    /// The full path of a tensor's external file, refusing absolute paths, paths that climb out
    /// of the model's folder (also through symbolic links) and missing files.
    /// </summary>
    public static string ResolveExternal(string source, string directory, TensorProto t)
    {
        var location = OnnxTensorData.ExternalValue(t, "location");
        if (string.IsNullOrEmpty(location)) throw new InvalidFileException(source, $"tensor '{t.Name}' has external data without a location");
        if (Path.IsPathRooted(location) || location.Contains('\0'))
            throw new InvalidFileException(source, $"tensor '{t.Name}': external data path '{location}' must be relative to the model's folder");
        var root = Path.GetFullPath(directory);
        var rootWithSep = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, location));
        if (!full.StartsWith(rootWithSep, StringComparison.Ordinal))
            throw new InvalidFileException(source, $"tensor '{t.Name}': external data path '{location}' leaves the model's folder");
        var info = new FileInfo(full);
        if (!info.Exists) throw new InvalidFileException(source, $"tensor '{t.Name}': external data file '{location}' does not exist");
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        if (target is not null && !Path.GetFullPath(target.FullName).StartsWith(rootWithSep, StringComparison.Ordinal))
            throw new InvalidFileException(source, $"tensor '{t.Name}': external data path '{location}' links outside the model's folder");
        return full;
    }

    /// <summary>
    /// Every value a node reads must come from a graph input, an initializer, an outer scope or
    /// another node; no value is produced twice; the nodes form no cycle.
    /// </summary>
    static void CheckGraph(GraphProto graph, string source, HashSet<string>? outer, int depth)
    {
        if (depth > 32) throw new InvalidFileException(source, "subgraphs nested more than 32 deep");
        var available = new HashSet<string>(StringComparer.Ordinal);
        if (outer is not null) available.UnionWith(outer);
        foreach (var i in graph.Input) available.Add(i.Name);
        foreach (var t in graph.Initializer) available.Add(t.Name);
        foreach (var s in graph.SparseInitializer) if (s.Values is not null) available.Add(s.Values.Name);

        var producer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int n = 0; n < graph.Node.Count; n++)
        {
            foreach (var o in graph.Node[n].Output)
            {
                if (o.Length == 0) continue;
                if (producer.ContainsKey(o) || graph.Input.Any(i => i.Name == o))
                    throw new InvalidFileException(source, $"value '{o}' is produced twice (node {Describe(graph.Node[n], n)})");
                producer[o] = n;
            }
        }
        // Kahn's algorithm over node -> node edges.
        var pending = new int[graph.Node.Count];
        var consumers = new List<int>[graph.Node.Count];
        for (int n = 0; n < graph.Node.Count; n++)
        {
            consumers[n] = [];
        }
        for (int n = 0; n < graph.Node.Count; n++)
        {
            var node = graph.Node[n];
            foreach (var input in node.Input.Concat(ImplicitInputs(node)))
            {
                if (input.Length == 0) continue;
                if (producer.TryGetValue(input, out var p))
                {
                    pending[n]++;
                    consumers[p].Add(n);
                }
                else if (!available.Contains(input))
                {
                    throw new InvalidFileException(source, $"dangling input: node {Describe(node, n)} reads '{input}', which no node, input or initializer provides");
                }
            }
        }
        var ready = new Queue<int>(Enumerable.Range(0, graph.Node.Count).Where(n => pending[n] == 0));
        var done = 0;
        while (ready.Count > 0)
        {
            var n = ready.Dequeue();
            done++;
            foreach (var c in consumers[n])
                if (--pending[c] == 0) ready.Enqueue(c);
        }
        if (done < graph.Node.Count)
        {
            var stuck = Enumerable.Range(0, graph.Node.Count).First(n => pending[n] > 0);
            throw new InvalidFileException(source, $"graph has a cycle through node {Describe(graph.Node[stuck], stuck)}");
        }
        foreach (var o in graph.Output)
        {
            if (!producer.ContainsKey(o.Name) && !available.Contains(o.Name))
                throw new InvalidFileException(source, $"dangling output: graph output '{o.Name}' is produced by nothing");
        }
        var scope = new HashSet<string>(available, StringComparer.Ordinal);
        scope.UnionWith(producer.Keys);
        foreach (var node in graph.Node)
            foreach (var a in node.Attribute)
                foreach (var g in Subgraphs(a))
                    CheckGraph(g, source, scope, depth + 1);
    }

    /// <summary>Outer-scope names a node's subgraphs read (they order the node after their producers).</summary>
    static IEnumerable<string> ImplicitInputs(NodeProto node)
    {
        foreach (var a in node.Attribute)
        {
            if (a.Type is not (AttributeType.Graph or AttributeType.Graphs) && a.G is null && a.Graphs.Count == 0) continue;
            foreach (var g in Subgraphs(a))
            {
                var local = new HashSet<string>(g.Input.Select(i => i.Name).Concat(g.Initializer.Select(i => i.Name))
                    .Concat(g.Node.SelectMany(n => n.Output)), StringComparer.Ordinal);
                foreach (var n in g.Node)
                    foreach (var i in n.Input)
                        if (i.Length > 0 && !local.Contains(i)) yield return i;
            }
        }
    }

    static string Describe(NodeProto node, int index) =>
        node.Name.Length > 0 ? $"'{node.Name}' ({node.OpType})" : $"#{index} ({node.OpType})";
}
