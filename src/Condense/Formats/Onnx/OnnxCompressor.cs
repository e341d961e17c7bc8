using Condense.Metrics;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Formats.Onnx;

/// <summary>
/// Compresses the weights of an ONNX model into a smaller ONNX model that ONNX Runtime runs as
/// it is: each large float tensor (initializer or <c>Constant</c> node) is replaced by its
/// compressed initializers and a few decoding nodes that produce the same value name, so no
/// consumer changes. Per tensor, the smaller of the dense and the sparse encoding is chosen;
/// tensors below <see cref="OnnxCompressionOptions.MinSize"/>, non-float tensors, and tensors
/// no encoding makes smaller are kept as they are.
/// </summary>
public static class OnnxCompressor
{
    /// <summary>
    /// Compresses a copy of <paramref name="model"/> (whose external data, if any, is first loaded
    /// into it; nothing else of it changes). Models of opset &lt; 7 are lifted to 7 on the way.
    /// </summary>
    public static OnnxCompressionResult Compress(OnnxModel model, OnnxCompressionOptions options) => Compress(model, options, null, null);

    /// <summary>
    /// As <see cref="Compress(OnnxModel, OnnxCompressionOptions)"/>, but the weights named in
    /// <paramref name="quantized"/> are written from the codes given (data-aware quantization decided
    /// them); every other tensor is encoded by <paramref name="options"/> as usual.
    /// </summary>
    public static OnnxCompressionResult Compress(OnnxModel model, OnnxCompressionOptions options, IReadOnlyDictionary<string, OnnxQuantizedMatrix> quantized)
    {
        ArgumentNullException.ThrowIfNull(quantized);
        return Compress(model, options, null, quantized);
    }

    /// <summary>
    /// Compresses <paramref name="model"/> into <paramref name="outputPath"/> plus
    /// <c>{name}.data</c> beside it, tensor by tensor: each weight is read from the input (its
    /// external file or the protobuf), compressed, and its initializers are appended to the data
    /// file before the next is read, so memory holds one tensor and the small graph, however large
    /// the model (ONNX caps one protobuf at 2 GiB; models over that must be written like this).
    /// Both files are written in a staging folder; <paramref name="verify"/> (e.g. running the
    /// staged model in ONNX Runtime) sees the staged model's path, and only then are they renamed
    /// into place, the data first.
    /// </summary>
    /// <param name="model">The model to compress (not modified; its external data is read, never loaded whole).</param>
    /// <param name="options">Method, bits and the rest, as for the in-memory compression.</param>
    /// <param name="outputPath">Where the model goes; its data file is <c>{outputPath}.data</c>.</param>
    /// <param name="verify">Called with the staged model's path before anything is renamed into place; throw to abandon.</param>
    /// <param name="minExternalBytes">Initializers with fewer bytes stay inside the protobuf.</param>
    public static OnnxCompressionResult CompressToExternal(OnnxModel model, OnnxCompressionOptions options, string outputPath,
        Action<string>? verify = null, long minExternalBytes = 1024)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var staged = new OnnxStagedOutput(outputPath);
        OnnxCompressionResult result;
        using (var data = new OnnxExternalDataWriter(staged.DataPath, staged.DataLocation, minExternalBytes))
        {
            result = Compress(model, options, data, null);
            result.ThrowIfNothingCompressed(model.Source);
            data.Complete();
        }
        OnnxWriter.Write(staged.ModelPath, result.Model);
        verify?.Invoke(staged.ModelPath);
        staged.Commit();
        return result;
    }

    static OnnxCompressionResult Compress(OnnxModel model, OnnxCompressionOptions options, OnnxExternalDataWriter? external,
        IReadOnlyDictionary<string, OnnxQuantizedMatrix>? quantized)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (external is null) model.LoadExternalData();
        var before = model.Proto.CalculateSize() + OnnxValidator.AllTensors(model.Proto.Graph).Where(OnnxTensorData.IsExternal).Sum(OnnxTensorData.StoredBytes);
        var proto = model.Proto.Clone();
        // Reads the copy's external tensors (same references as the input's, same folder) one at a time.
        var source = new OnnxModel(proto, model.Source, model.Directory);
        if (external is not null)
        {
            // Only main-graph initializers go (back) to external data; anything else external is loaded inline.
            var initializers = new HashSet<TensorProto>(proto.Graph.Initializer, ReferenceEqualityComparer.Instance);
            foreach (var t in OnnxValidator.AllTensors(proto.Graph).Where(OnnxTensorData.IsExternal).ToList())
                if (!initializers.Contains(t)) source.LoadExternalData(t);
        }
        var lifted = OnnxOpsetUpgrade.ToOpset7(proto, model.Source);
        OnnxRuntimeDomains.Check(proto, model.Source);
        // IR 3 demands every initializer be a graph input; IR 4 (ONNX 1.5) lifted that, and
        // every opset from 7 on is valid with it, so new initializers need no input entries.
        if (proto.IrVersion < 4) proto.IrVersion = 4;
        var graph = proto.Graph;
        var opset = proto.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();

        var taken = AllNames(graph);
        taken.Add(OnnxEncodings.BitTable);
        taken.Add(OnnxEncodings.NibbleTable);
        var builder = new OnnxGraphBuilder(taken, opset);
        var reports = new List<OnnxTensorReport>();
        var untouched = new List<OnnxUntouchedNode>();
        var edits = new OnnxGraphEdits();
        var parameters = source.Parameters;
        foreach (var p in parameters)
        {
            var t = p.Tensor;
            var owner = p.Graph ?? graph;
            var inMain = ReferenceEquals(owner, graph);
            source.LoadExternalData(t);
            OnnxTensorReport report;
            OnnxGraphBuilder? fork;
            string? why = null;
            if (inMain && quantized is not null && p.Source == OnnxParameterSource.Initializer && quantized.TryGetValue(p.Name, out var given))
                (report, fork) = EncodeGiven(p, given, builder);
            else
                (report, fork, why) = CompressOne(p, owner, builder, options);
            reports.Add(report with { GraphPath = p.GraphPath });
            if (why is not null)
                untouched.AddRange(OnnxSubgraphs.Consumers(owner, p.GraphPath, p.Name).Select(c =>
                    new OnnxUntouchedNode(OnnxSubgraphs.Label(c.Graph, c.Node), OpLabel(c.Node), why) { GraphPath = c.Path }));
            if (fork is not null)
            {
                builder.Adopt(fork);
                edits.Replace(owner, p.Name, p.Source == OnnxParameterSource.Initializer ? null : ConstantNode(owner, p), fork);
                if (external is not null)
                {
                    // Only main-graph initializers go to the data file; a body's stay inside it.
                    if (inMain) foreach (var i in fork.Initializers) external.Move(i);
                    t.RawData = ByteString.Empty;
                }
            }
            else if (external is not null && inMain && p.Source == OnnxParameterSource.Initializer) external.Move(t);
            // The tensor's bytes, floats and encodings (several times its size, all on the large
            // object heap) are garbage now; the GC would let them pile up across tensors, so the
            // resident set grows with the model. Collecting here keeps it at about one tensor's worth.
            if (external is not null) GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        }
        edits.Apply(graph, builder.Shared);
        if (external is not null)
            foreach (var i in graph.Initializer) external.Move(i);
        var after = proto.CalculateSize() + (external?.Length ?? 0);
        return new OnnxCompressionResult(proto, reports, before, after, lifted) { Untouched = untouched };
    }

    /// <summary>A weight whose codes were decided elsewhere; kept when its encoding is not smaller.</summary>
    static (OnnxTensorReport Report, OnnxGraphBuilder? Fork) EncodeGiven(OnnxParameter p, OnnxQuantizedMatrix given, OnnxGraphBuilder builder)
    {
        var t = p.Tensor;
        var shape = t.Dims.ToArray();
        var bytesBefore = t.CalculateSize();
        var fork = builder.Fork();
        given.Encode(fork, shape, p.Name);
        if (fork.Bytes >= bytesBefore)
            return (new(p.Name, p.Source, shape, p.TypeName, "kept: no encoding is smaller", bytesBefore, bytesBefore, 0, 0), null);
        var values = OnnxTensorData.ToFloat32(t);
        var decoded = given.Decoded();
        return (new OnnxTensorReport(p.Name, p.Source, shape, p.TypeName, given.Label + (Packed(fork) ? " packed" : ""), bytesBefore, fork.Bytes,
            ErrorMetrics.MaxAbsoluteError(values, decoded), ErrorMetrics.RelativeRms(values, decoded)), fork);
    }

    static string OpLabel(NodeProto node) => node.Domain is "" or "ai.onnx" ? node.OpType : $"{node.Domain}.{node.OpType}";

    /// <summary>
    /// One weight: its report, the graph fork that replaces it (null when it is kept), and, when
    /// it is kept for a reason a user can act on, that reason (its consumers are then named).
    /// </summary>
    static (OnnxTensorReport Report, OnnxGraphBuilder? Fork, string? Why) CompressOne(OnnxParameter p, GraphProto graph, OnnxGraphBuilder builder,
        OnnxCompressionOptions options)
    {
        var t = p.Tensor;
        var shape = t.Dims.ToArray();
        // Serialised bytes of the tensor (and its Constant node), comparable with the
        // encoding's initializers plus decoding nodes.
        var bytesBefore = p.Source == OnnxParameterSource.Initializer ? t.CalculateSize() : ConstantNode(graph, p).CalculateSize();
        (OnnxTensorReport, OnnxGraphBuilder?, string?) Kept(string why, string? named = null) =>
            (new(p.Name, p.Source, shape, p.TypeName, $"kept: {why}", bytesBefore, bytesBefore, 0, 0), null, named);
        if (p.ElementCount < Math.Max(options.MinSize, 1)) return Kept("below min size");
        if ((DataType)t.DataType != DataType.Float)
            return Kept("not float32", $"weight '{p.Name}' is {p.TypeName}; the methods encode float32 weights only");
        if (p.Source == OnnxParameterSource.Initializer && !OnnxSubgraphs.Consumers(graph, p.GraphPath, p.Name).Any() && !graph.Output.Any(o => o.Name == p.Name))
            return Kept("not used by any node");
        var values = OnnxTensorData.ToFloat32(t);
        if (values.Any(v => !float.IsFinite(v)))
            return Kept("has NaN or infinity", $"weight '{p.Name}' holds NaN or infinity, which no encoding keeps");

        var (fork, decoded, encoding) = Best(builder, values, shape, p.Name, options, Axis(graph, p.Name, shape));
        if (fork is null || fork.Bytes >= bytesBefore) return Kept("no encoding is smaller");
        return (new OnnxTensorReport(p.Name, p.Source, shape, p.TypeName, encoding, bytesBefore, fork.Bytes,
            ErrorMetrics.MaxAbsoluteError(values, decoded!), ErrorMetrics.RelativeRms(values, decoded!)), fork, null);
    }

    static (OnnxGraphBuilder? Fork, float[]? Decoded, string Encoding) Best(
        OnnxGraphBuilder builder, float[] values, long[] shape, string name, OnnxCompressionOptions options, int? axis)
    {
        var bits = options.EffectiveBits;
        Func<OnnxGraphBuilder, float[], long[], string, float[]> dense = options.Method switch
        {
            OnnxCompressionMethod.Fp16 => OnnxEncodings.Fp16,
            OnnxCompressionMethod.Bf16 => OnnxEncodings.Bf16,
            OnnxCompressionMethod.KMeans => (g, v, s, o) => OnnxEncodings.KMeans(g, v, s, o, bits, options.Seed),
            _ => (g, v, s, o) => OnnxEncodings.Linear(g, v, s, o, bits, null),
        };
        var label = options.Method switch
        {
            OnnxCompressionMethod.Fp16 => "fp16",
            OnnxCompressionMethod.Bf16 => "bf16",
            OnnxCompressionMethod.KMeans => $"kmeans {bits}-bit",
            _ => $"linear {bits}-bit",
        };
        var denseFork = builder.Fork();
        float[] denseDecoded;
        string denseLabel = label;
        if (options.Method == OnnxCompressionMethod.Linear && options.PerChannel && axis is not null && shape.Length >= 2)
        {
            denseDecoded = OnnxEncodings.Linear(denseFork, values, shape, name, bits, axis);
            denseLabel = $"{label} per-axis {axis}";
        }
        else denseDecoded = dense(denseFork, values, shape, name);
        if (Packed(denseFork)) denseLabel += " packed";

        var zeros = values.Count(v => v == 0);
        if (!options.Sparse || builder.Opset < 11 || zeros < values.Length / 2 || zeros == values.Length)
            return (denseFork, denseDecoded, denseLabel);
        var sparseFork = builder.Fork();
        SparseEntryLayout entries = options.Method == OnnxCompressionMethod.KMeans
            ? (g, v, padding, o) => OnnxEncodings.SparseKMeans(g, v, padding, o, bits, options.Seed)
            // Padding entries are zeros, which fp16, bf16 and the zero-inclusive linear grid keep
            // exactly without moving any other value's code.
            : (g, v, _, o) => dense(g, v, [v.Length], o);
        var sparseDecoded = OnnxEncodings.Sparse(sparseFork, values, shape, name, entries);
        return sparseFork.Bytes < denseFork.Bytes
            ? (sparseFork, sparseDecoded, $"sparse {100.0 * (values.Length - zeros) / values.Length:0.#}% + {label}{(Packed(sparseFork) ? " packed" : "")}")
            : (denseFork, denseDecoded, denseLabel);
    }

    static bool Packed(OnnxGraphBuilder fork) => fork.Initializers.Any(t => t.Name.Contains("::indices_packed", StringComparison.Ordinal));

    /// <summary>
    /// The output-channel axis of a weight, from its consumer: Gemm's B is [out, in] when
    /// transB = 1 (else [in, out]), MatMul's right operand is [in, out], ConvTranspose's weight
    /// is [in, out/groups, …], Conv's and anything else's is axis 0.
    /// </summary>
    static int? Axis(GraphProto graph, string name, long[] shape)
    {
        if (shape.Length == 0) return null;
        foreach (var (node, _, _) in OnnxSubgraphs.Consumers(graph, "", name))
        {
            var index = node.Input.IndexOf(name);
            switch (node.OpType)
            {
                case "Gemm" when index == 1:
                    return node.Attribute.FirstOrDefault(a => a.Name == "transB")?.I == 1 ? 0 : 1;
                case "MatMul" when index == 1 && shape.Length >= 2:
                    return shape.Length - 1;
                case "ConvTranspose" when index == 1 && shape.Length >= 2:
                    return 1;
                default:
                    return 0;
            }
        }
        return 0;
    }

    static NodeProto ConstantNode(GraphProto graph, OnnxParameter p) =>
        graph.Node.First(n => n.Output.Count == 1 && n.Output[0] == p.Name && ReferenceEquals(OnnxModel.ConstantTensor(n), p.Tensor));

    static HashSet<string> AllNames(GraphProto graph)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        void Visit(GraphProto g)
        {
            foreach (var i in g.Input) names.Add(i.Name);
            foreach (var o in g.Output) names.Add(o.Name);
            foreach (var v in g.ValueInfo) names.Add(v.Name);
            foreach (var t in g.Initializer) names.Add(t.Name);
            foreach (var n in g.Node)
            {
                names.UnionWith(n.Input);
                names.UnionWith(n.Output);
                if (n.Name.Length > 0) names.Add(n.Name);
                foreach (var a in n.Attribute)
                {
                    if (a.G is not null) Visit(a.G);
                    foreach (var sub in a.Graphs) Visit(sub);
                }
            }
        }
        Visit(graph);
        return names;
    }
}
