using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>
/// The part of a model downstream of one weight, as its own ONNX Runtime session: the nodes that
/// depend on the weight (transitively), fed the values they read from the rest of the model as
/// captured once from the original (<see cref="Frontier"/>), with that one weight as an input and
/// every other weight an initializer. Measuring the final output's sensitivity to one layer then
/// recomputes only what the layer changes (about half of ResNet18 on average instead of all of it),
/// and ONNX Runtime may pre-pack every constant weight, which a session whose weights are all inputs
/// (<see cref="OnnxWeightSwapSession"/>) cannot.
/// </summary>
internal sealed class OnnxSuffixSession : IDisposable
{
    readonly InferenceSession session;
    readonly string source;
    readonly string weight;
    readonly long[] shape;
    readonly int length;
    readonly List<(string[] Names, OrtValue[] Values)> samples = [];

    OnnxSuffixSession(InferenceSession session, string source, string weight, long[] shape)
    {
        this.session = session;
        this.source = source;
        this.weight = weight;
        this.shape = shape;
        length = (int)shape.Aggregate(1L, (a, b) => a * b);
    }

    /// <summary>
    /// The values the part downstream of <paramref name="weight"/> reads from the rest of the model
    /// (node outputs or graph inputs), or null when it cannot be cut out: the weight is not a float
    /// initializer, a node holds a subgraph, or the first output does not depend on the weight.
    /// </summary>
    public static IReadOnlyList<string>? Frontier(ModelProto model, string weight) =>
        Cut(model, weight) is { } cut ? cut.Frontier : null;

    /// <summary>A session of the part downstream of <paramref name="weight"/>; null where <see cref="Frontier"/> is.</summary>
    /// <param name="model">The model (not modified).</param>
    /// <param name="source">Its path, for messages.</param>
    /// <param name="weight">The float initializer runs replace.</param>
    /// <param name="samples">Per sample, the frontier values captured from the original model (by name).</param>
    /// <param name="threads">ONNX Runtime intra-op threads.</param>
    public static OnnxSuffixSession? Create(ModelProto model, string source, string weight,
        IReadOnlyList<IReadOnlyDictionary<string, TensorProto>> samples, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(samples);
        if (Cut(model, weight) is not { } cut || samples.Count == 0) return null;
        var graph = model.Graph;
        var suffix = new ModelProto
        {
            IrVersion = model.IrVersion, ProducerName = model.ProducerName, Domain = model.Domain, ModelVersion = model.ModelVersion,
            Graph = new GraphProto { Name = graph.Name },
        };
        suffix.OpsetImport.AddRange(model.OpsetImport);
        suffix.Functions.AddRange(model.Functions);
        var g = suffix.Graph;
        g.Node.AddRange(cut.Nodes);
        var read = cut.Nodes.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        var w = graph.Initializer.First(i => i.Name == weight);
        g.Initializer.AddRange(graph.Initializer.Where(i => read.Contains(i.Name) && i.Name != weight));
        g.SparseInitializer.AddRange(graph.SparseInitializer.Where(i => read.Contains(i.Values?.Name ?? "")));
        foreach (var name in cut.Frontier)
        {
            if (!samples[0].TryGetValue(name, out var t)) throw new CondenseException($"{source}: no captured value '{name}' for the part after '{weight}'");
            // Samples of different sizes (sentences of different lengths): an axis that varies is left free.
            g.Input.Add(Input(name, t.DataType, [.. t.Dims.Select((d, axis) => samples.All(x => x[name].Dims.Count == t.Dims.Count && x[name].Dims[axis] == d) ? d : -1)]));
        }
        g.Input.Add(Input(weight, w.DataType, w.Dims));
        g.Output.Add(graph.Output[0]);
        g.ValueInfo.AddRange(graph.ValueInfo.Where(v => read.Contains(v.Name)));
        OnnxRuntimeEnvironment.Ensure();
        // No memory arena: a few runs per session, and two sessions at once must not each keep their peak.
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, EnableCpuMemArena = false };
        InferenceSession session;
        try
        {
            session = new InferenceSession(suffix.ToByteArray(), options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CondenseException($"{source}: ONNX Runtime cannot load the part of the model after '{weight}': {ex.Message.ReplaceLineEndings(" ")}");
        }
        var result = new OnnxSuffixSession(session, source, weight, [.. w.Dims]);
        try
        {
            foreach (var sample in samples)
            {
                var names = cut.Frontier.ToArray();
                var values = new OrtValue[names.Length];
                for (int i = 0; i < names.Length; i++)
                {
                    var t = sample[names[i]];
                    values[i] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)t.DataType, t.Dims.ToArray());
                    OnnxTensorData.ToRawBytes(t).CopyTo(values[i].GetTensorMutableRawData());
                }
                result.samples.Add((names, values));
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Samples held.</summary>
    public int Samples => samples.Count;

    /// <summary>The model's first output on sample <paramref name="index"/> with the weight's values (ONNX element order) replaced by <paramref name="values"/>.</summary>
    public TensorProto Run(int index, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != length) throw new CondenseException($"{source}: {values.Length} values given for '{weight}' of {length}");
        var (names, inputs) = samples[index];
        using var w = OrtValue.CreateTensorValueFromMemory(values, shape);
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, [.. names, weight], [.. inputs, w], [session.OutputNames[0]]);
            var output = outputs[0];
            var info = output.GetTensorTypeAndShape();
            var t = new TensorProto { Name = session.OutputNames[0], DataType = (int)info.ElementDataType, RawData = ByteString.CopyFrom(output.GetTensorMutableRawData()) };
            t.Dims.AddRange(info.Shape);
            return t;
        }
        catch (OnnxRuntimeException ex)
        {
            throw new CondenseException($"{source}: ONNX Runtime failed to run the part of the model after '{weight}': {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    static ValueInfoProto Input(string name, int type, IEnumerable<long> dims)
    {
        var s = new TensorShapeProto();
        int axis = 0;
        foreach (var d in dims)
        {
            s.Dim.Add(d >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = d } : new TensorShapeProto.Types.Dimension { DimParam = $"{name}_{axis}" });
            axis++;
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type, Shape = s } } };
    }

    sealed record Part(IReadOnlyList<NodeProto> Nodes, IReadOnlyList<string> Frontier);

    // The nodes downstream of the weight, in the graph's (topological) order, and the values they read from outside.
    static Part? Cut(ModelProto model, string weight)
    {
        var graph = model.Graph;
        if (graph.Output.Count == 0 || graph.Node.Any(n => n.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))) return null;
        var w = graph.Initializer.FirstOrDefault(i => i.Name == weight);
        if (w is null || (TensorProto.Types.DataType)w.DataType != TensorProto.Types.DataType.Float) return null;
        var tainted = new HashSet<string>(StringComparer.Ordinal) { weight };
        var nodes = new List<NodeProto>();
        foreach (var node in graph.Node)
        {
            if (!node.Input.Any(tainted.Contains)) continue;
            nodes.Add(node);
            foreach (var o in node.Output) if (o.Length > 0) tainted.Add(o);
        }
        if (!tainted.Contains(graph.Output[0].Name)) return null;
        var initializers = graph.Initializer.Select(i => i.Name).Concat(graph.SparseInitializer.Select(i => i.Values?.Name ?? "")).ToHashSet(StringComparer.Ordinal);
        var frontier = nodes.SelectMany(n => n.Input)
            .Where(i => i.Length > 0 && !tainted.Contains(i) && !initializers.Contains(i)).Distinct(StringComparer.Ordinal).ToList();
        return new Part(nodes, frontier);
    }

    public void Dispose()
    {
        foreach (var v in samples.SelectMany(s => s.Values)) v.Dispose();
        session.Dispose();
    }
}
