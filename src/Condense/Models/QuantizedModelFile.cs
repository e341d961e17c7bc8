using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Formats;
using Condense.Quantization;

namespace Condense.Models;

/// <summary>
/// A quantized model as a safetensors file that really is smaller: for each quantized parameter
/// <c>p</c>, k-means stores <c>p.codebook</c> (F32 [groups, 2^bits]) and <c>p.indices</c> (U8,
/// bit-packed) or <c>p.huffman</c> + <c>p.huffman_lengths</c> (U8); linear stores <c>p.q</c> (U8,
/// bit-packed codes), <c>p.scale</c> (F32 [groups]) and, when asymmetric, <c>p.zero_point</c>
/// (I32 [groups]). Parameters left alone stay F32 under their own names. The metadata keeps the
/// model's own (so it can be rebuilt) plus <c>condense.quantization</c>, a JSON description of
/// each parameter. The bytes of each parameter's tensors equal its <see cref="SizeBreakdown.TotalBytes"/>.
/// </summary>
public static class QuantizedModelFile
{
    /// <summary>The safetensors metadata key holding the JSON description of every quantized parameter.</summary>
    public const string MetadataKey = "condense.quantization";

    /// <summary>Suffix of a k-means parameter's codebook tensor (F32 [groups, 2^bits]).</summary>
    public const string CodebookSuffix = ".codebook";

    /// <summary>Suffix of a k-means parameter's bit-packed indices (U8; at 8 bits one byte per weight, in order).</summary>
    public const string IndicesSuffix = ".indices";

    /// <summary>The tensors that store one quantized parameter (their bytes sum to its Size.TotalBytes).</summary>
    public static IReadOnlyList<NamedTensor> Tensors(EncodedParameter p)
    {
        var e = p.Encoded;
        var list = new List<NamedTensor>();
        if (p.IsKMeans)
        {
            list.Add(NamedTensor.FromFloat32(p.Name + CodebookSuffix, e.Codebook, e.Groups, 1 << e.Bits));
            if (p.Huffman is { } h)
            {
                list.Add(new NamedTensor(p.Name + ".huffman", TensorDType.U8, [h.Stream.Length], h.Stream));
                list.Add(new NamedTensor(p.Name + ".huffman_lengths", TensorDType.U8, [h.CodeLengths.Length], h.CodeLengths));
            }
            else
            {
                var packed = BitPacking.Pack(e.CodeIntegers(), e.Bits);
                list.Add(new NamedTensor(p.Name + IndicesSuffix, TensorDType.U8, [packed.Length], packed));
            }
        }
        else
        {
            var packed = BitPacking.Pack(e.CodeIntegers(), e.Bits);
            list.Add(new NamedTensor(p.Name + ".q", TensorDType.U8, [packed.Length], packed));
            list.Add(NamedTensor.FromFloat32(p.Name + ".scale", e.Scales, e.Scales.Length));
            if (!e.Symmetric)
                list.Add(new NamedTensor(p.Name + ".zero_point", TensorDType.I32, [e.ZeroPoints.Length], MemoryMarshal.AsBytes(e.ZeroPoints.AsSpan()).ToArray()));
        }
        return list;
    }

    /// <summary>
    /// Writes the file atomically: <paramref name="quantized"/> parameters in compressed form,
    /// every other parameter of <paramref name="model"/> as F32.
    /// </summary>
    public static void Save(string path, CondenseModel model, IReadOnlyList<EncodedParameter> quantized,
        IReadOnlyDictionary<string, string> modelMetadata)
    {
        var (tensors, metadata) = Layout(ModelFile.Weights(model), quantized, modelMetadata);
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    /// <summary>
    /// Writes the same layout for any set of tensors (an upload the Studio compresses, not only a
    /// Condense model): the tensors named in <paramref name="quantized"/> in compressed form, the
    /// rest as they are, in the order of <paramref name="tensors"/>.
    /// </summary>
    public static void Write(Stream stream, IReadOnlyList<NamedTensor> tensors, IReadOnlyList<EncodedParameter> quantized,
        IReadOnlyDictionary<string, string> metadata)
    {
        var (layout, withDescription) = Layout(tensors, quantized, metadata);
        SafetensorsWriter.Write(stream, layout, withDescription);
    }

    static (List<NamedTensor> Tensors, Dictionary<string, string> Metadata) Layout(IEnumerable<NamedTensor> weights,
        IReadOnlyList<EncodedParameter> quantized, IReadOnlyDictionary<string, string> modelMetadata)
    {
        var byName = quantized.ToDictionary(q => q.Name, StringComparer.Ordinal);
        var tensors = new List<NamedTensor>();
        var description = new JsonObject();
        foreach (var w in weights)
        {
            if (byName.TryGetValue(w.Name, out var q))
            {
                tensors.AddRange(Tensors(q));
                description[w.Name] = Describe(q);
            }
            else tensors.Add(w);
        }
        var metadata = new Dictionary<string, string>(modelMetadata) { [MetadataKey] = description.ToJsonString() };
        return (tensors, metadata);
    }

    static JsonObject Describe(EncodedParameter q)
    {
        if (q.IsKMeans) return DescribeKMeans(q.Shape, q.Bits, q.Granularity, q.KeepZeros, q.Encoded.Fit?.Method, q.Huffman?.BitLength);
        return new JsonObject
        {
            ["shape"] = Shape(q.Shape), ["bits"] = q.Bits, ["method"] = "linear",
            ["precision"] = q.Precision.ToString(), ["granularity"] = q.Granularity.ToString(), ["symmetric"] = q.Encoded.Symmetric,
        };
    }

    static JsonArray Shape(long[] shape) => new(shape.Select(d => (JsonNode)d).ToArray());

    /// <summary>
    /// The description of one k-means parameter under <see cref="MetadataKey"/>: the one writer of
    /// it, so the model quantizer and the streaming encoder (which lays its header out before it
    /// fits, and so passes no <paramref name="solver"/>) write files <see cref="Load"/> reads alike.
    /// </summary>
    /// <param name="shape">The original tensor's shape.</param>
    /// <param name="bits">Bits per index (the codebook has 2^bits entries per group).</param>
    /// <param name="granularity">One codebook for the tensor or one per output channel (dimension 0).</param>
    /// <param name="keepZeros">Centroid 0 of every codebook is exactly 0.</param>
    /// <param name="solver">The k-means solver, when known when the header is written.</param>
    /// <param name="huffmanBits">Bits of the Huffman stream when the indices are Huffman-coded.</param>
    public static JsonObject DescribeKMeans(long[] shape, int bits, Granularity granularity, bool keepZeros, KMeansMethod? solver, long? huffmanBits = null)
    {
        var o = new JsonObject
        {
            ["shape"] = Shape(shape), ["bits"] = bits, ["method"] = "kmeans",
            ["granularity"] = granularity.ToString(), ["keep_zeros"] = keepZeros,
        };
        if (solver is { } m) o["kmeans"] = m.ToString();
        if (huffmanBits is { } h) o["huffman_bits"] = h;
        return o;
    }

    /// <summary>
    /// <see cref="Load"/> for any architecture: a quantized CNN file (conv kernels quantized per
    /// output channel) is rebuilt as its CNN with the reconstructed weights; an MLP file as <see cref="Load"/> does.
    /// </summary>
    public static (CondenseModel Model, ModelCard Card, IReadOnlyList<EncodedParameter> Parameters) LoadAny(string path)
    {
        var (plain, metaOnly, parameters) = Decode(path);
        if (!Cnn.CnnModelFile.IsCnn(metaOnly)) return Rebuild(plain, metaOnly, parameters);
        var model = ModelFile.WithWeights(Cnn.CnnFactory.Build(metaOnly, path), plain, path);
        model.eval();
        return (model, ModelCard.FromMetadata(metaOnly), parameters);
    }

    /// <summary>Reads a quantized model file and rebuilds the model with the reconstructed weights Q.</summary>
    public static (MlpModel Model, ModelCard Card, IReadOnlyList<EncodedParameter> Parameters) Load(string path)
    {
        var (plain, metaOnly, parameters) = Decode(path);
        return Rebuild(plain, metaOnly, parameters);
    }

    /// <summary>The file's tensors with every quantized parameter reconstructed, its metadata less the quantization key, and the quantized parameters.</summary>
    static (List<NamedTensor> Plain, Dictionary<string, string> Metadata, List<EncodedParameter> Parameters) Decode(string path)
    {
        var (tensors, metadata) = SafetensorsReader.ReadAll(path);
        if (!metadata.TryGetValue(MetadataKey, out var json))
            throw new InvalidFileException(path, $"not a quantized model: metadata has no '{MetadataKey}'");
        JsonObject description;
        try { description = JsonNode.Parse(json) as JsonObject ?? throw new JsonException("not an object"); }
        catch (JsonException ex) { throw new InvalidFileException(path, $"'{MetadataKey}' is not valid JSON ({ex.Message})"); }
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        NamedTensor Need(string name) => byName.TryGetValue(name, out var t) ? t : throw new InvalidFileException(path, $"missing tensor '{name}'");
        var plain = new List<NamedTensor>();
        var parameters = new List<EncodedParameter>();
        try
        {
            foreach (var (name, node) in description)
            {
                var d = node as JsonObject ?? throw new InvalidFileException(path, $"description of '{name}' is not an object");
                var shape = d["shape"]!.AsArray().Select(x => x!.GetValue<long>()).ToArray();
                int bits = d["bits"]!.GetValue<int>();
                if (bits is < 1 or > 8) throw new InvalidFileException(path, $"'{name}' has {bits}-bit codes; the layout holds 1 to 8");
                var p = d["method"]!.GetValue<string>() == "kmeans"
                    ? QuantizedLayout.ReadKMeans(path, name, d, shape, bits, Need, byName.ContainsKey(name + ".huffman"))
                    : QuantizedLayout.ReadLinear(path, name, d, shape, bits, Need);
                parameters.Add(p);
                plain.Add(NamedTensor.FromFloat32(name, p.Reconstruct(), shape));
            }
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException or ArgumentException or OverflowException or IndexOutOfRangeException)
        {
            throw new InvalidFileException(path, $"malformed quantization description ({ex.Message})");
        }
        var quantizedNames = parameters.Select(p => p.Name).ToHashSet();
        foreach (var t in tensors)
            if (!quantizedNames.Any(n => t.Name.StartsWith(n + ".", StringComparison.Ordinal))) plain.Add(t);
        var metaOnly = metadata.Where(kv => kv.Key != MetadataKey).ToDictionary(kv => kv.Key, kv => kv.Value);
        return (plain, metaOnly, parameters);
    }

    static (MlpModel Model, ModelCard Card, IReadOnlyList<EncodedParameter> Parameters) Rebuild(List<NamedTensor> plain, Dictionary<string, string> metaOnly, List<EncodedParameter> parameters)
    {
        // Rebuild through ModelFile so the architecture checks are the same as for a plain model.
        var temp = new MemoryStream();
        SafetensorsWriter.Write(temp, plain, metaOnly);
        var tmpPath = Path.Combine(Path.GetTempPath(), $"condense-q-{Environment.ProcessId}-{Guid.NewGuid():N}.safetensors");
        try
        {
            File.WriteAllBytes(tmpPath, temp.ToArray());
            var (model, card) = ModelFile.Load(tmpPath);
            return (model, card, parameters);
        }
        finally { File.Delete(tmpPath); }
    }
}
