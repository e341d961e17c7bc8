using Condense.Data;
using Condense.DeepCompression;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Hashing;
using Condense.LowRank;
using Condense.Models;
using Condense.Pruning;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// Opens any model file Condense writes and runs it where a user would: ONNX graphs in ONNX
/// Runtime, Condense's own files (dense, quantized, factorised and hashed safetensors, sparse
/// <c>.csparse</c>, Deep Compression <c>.cdz</c>) as TorchSharp models. <c>condense eval</c> and
/// the demo report both measure files through here, so the two can never disagree on how a
/// file is read or scored.
/// </summary>
public static class ModelFiles
{
    /// <summary>What a file that is none of the formats is told.</summary>
    public const string Formats = "ONNX (.onnx), a sparse model (.csparse), a Deep Compression container (.cdz) or a safetensors model";

    /// <summary>Safetensors metadata key (and, prefixed with <c>condense.</c>, ONNX metadata key) naming the network.</summary>
    const string ArchitectureKey = "architecture";

    /// <summary>
    /// The file's format: from its extension when it has one of the formats' own, else from its
    /// first bytes (magic numbers; a safetensors header; an ONNX graph the reader accepts), so a
    /// renamed file still opens and anything else is refused with one line naming the formats.
    /// </summary>
    public static ModelFileFormat FormatOf(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        switch (extension)
        {
            case ".onnx": return ModelFileFormat.Onnx;
            case ".csparse": return ModelFileFormat.Csparse;
            case ".cdz": return ModelFileFormat.Cdz;
            case ".safetensors": return ModelFileFormat.Safetensors;
        }
        var info = new FileInfo(path);
        if (!info.Exists) throw new InvalidFileException(path, "no such file");
        Span<byte> head = stackalloc byte[16];
        int read;
        try
        {
            using var stream = File.OpenRead(path);
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidFileException(path, $"cannot read: {ex.Message}");
        }
        head = head[..read];
        if (head.StartsWith("CONDSPRS"u8)) return ModelFileFormat.Csparse;
        if (head.StartsWith("CNDZ"u8)) return ModelFileFormat.Cdz;
        if (read > 8 && head[8] == (byte)'{')
        {
            var headerLength = BitConverter.ToUInt64(head[..8]);
            if (headerLength >= 2 && headerLength <= (ulong)info.Length - 8) return ModelFileFormat.Safetensors;
        }
        try
        {
            OnnxReader.Read(path);
            return ModelFileFormat.Onnx;
        }
        catch (InvalidFileException)
        {
            throw new InvalidFileException(path, $"not a model file Condense reads: expected {Formats}");
        }
    }

    /// <summary>
    /// Loads one of Condense's own files as a TorchSharp model, with the metadata it carries
    /// (its <c>dataset</c>, see <see cref="ModelCard"/>). The caller disposes the model.
    /// </summary>
    public static (CondenseModel Model, IReadOnlyDictionary<string, string> Metadata) Load(string path, ModelFileFormat format)
    {
        switch (format)
        {
            case ModelFileFormat.Csparse:
                return SparseModelFile.LoadAny(path);
            case ModelFileFormat.Cdz:
                return CompressedModelFile.LoadWithMetadata(path);
            case ModelFileFormat.Safetensors:
                IReadOnlyDictionary<string, string> metadata;
                using (var reader = SafetensorsReader.Open(path)) metadata = reader.Metadata;
                if (metadata.ContainsKey(QuantizedModelFile.MetadataKey)) return (QuantizedModelFile.LoadAny(path).Model, metadata);
                CondenseModel model = metadata.GetValueOrDefault(ArchitectureKey) switch
                {
                    "FactorizedMlp" => FactorizedModelFile.Load(path),
                    HashedModelFile.Architecture => HashedModelFile.Load(path),
                    HashedCnn.ArchitectureName => HashedCnnFile.Load(path),
                    "LeNet5" or "Vgg" or "ResNet" => Condense.Models.Cnn.CnnModelFile.Load(path).Model,
                    StructuredMlp.Architecture => StructuredModelFile.Load(path),
                    _ => ModelFile.Load(path).Model,
                };
                return (model, metadata);
            default:
                throw new CondenseException($"{path}: an ONNX graph runs in ONNX Runtime, not as a Condense model");
        }
    }

    /// <summary>
    /// Writes a model a command made (a dense or CNN model, a factorised, hashed or structured
    /// network) as the safetensors file <see cref="Load"/> reads back, with <paramref name="card"/>
    /// (its data set) so <c>condense eval</c> scores it on the data it was made for; <c>.onnx</c>
    /// paths are refused here (each command exports ONNX its own way). The writers go through
    /// <see cref="AtomicFile"/>, so a failed write never leaves half a file.
    /// </summary>
    public static void Save(string path, CondenseModel model, ModelCard? card = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        switch (model)
        {
            case FactorizedMlp factorized: FactorizedModelFile.Save(path, factorized, card); break;
            case HashedMlp hashed: HashedModelFile.Save(path, hashed, card); break;
            case HashedCnn hashedCnn: HashedCnnFile.Save(path, hashedCnn, card); break;
            case StructuredMlp structured: StructuredModelFile.Save(path, structured, card); break;
            case MlpModel or Condense.Models.Cnn.IConvolutionalModel: ModelFile.Save(path, model, card); break;
            default: throw new CondenseException($"{path}: a {model.GetType().Name} has no model file Condense writes");
        }
    }

    /// <summary>Condense's own files (dense, quantized, factorised, hashed, .csparse, .cdz) as a TorchSharp model.</summary>
    public static CondenseModel LoadCondenseModel(string path) => Load(path, FormatOf(path)).Model;

    /// <summary>The file's outputs for the first <paramref name="count"/> items of <paramref name="data"/>, row-major.</summary>
    public static float[] Outputs(string path, Dataset data, int count)
    {
        var x = data.Images.AsSpan(0, count * data.Features).ToArray();
        if (FormatOf(path) == ModelFileFormat.Onnx)
        {
            using var runner = OnnxRuntimeRunner.FromFile(path, threads: 2);
            return OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32(runner.InputNames[0], x, [count, data.Features])])[0]);
        }
        using var model = LoadCondenseModel(path);
        return Evaluator.Predict(model, x, count, data.Features);
    }

    /// <summary>The file's quality on <paramref name="data"/>, judged as <paramref name="task"/> for ONNX graphs (Condense's own files know their task).</summary>
    public static Evaluation Evaluate(string path, Dataset data, ModelTask task)
    {
        if (FormatOf(path) == ModelFileFormat.Onnx)
            return OnnxEvaluator.Evaluate(path, data, task);
        using var model = LoadCondenseModel(path);
        return Evaluator.Evaluate(model, data);
    }

    /// <summary>
    /// Measures any model file on a test split: <paramref name="dataSet"/> ?? the data set the
    /// file records (ONNX: <see cref="OnnxExporter.DataSetKey"/>; others: <c>dataset</c>) ??
    /// mnist10k. ONNX files are checked by <see cref="OnnxReader"/> first, so a hostile file gets
    /// the reader's one-line error rather than whatever ONNX Runtime makes of it.
    /// </summary>
    public static ModelMeasurement Measure(string path, string? dataSet)
    {
        var format = FormatOf(path);
        var bytes = new FileInfo(path).Length;
        if (format == ModelFileFormat.Onnx) return MeasureOnnx(path, bytes, dataSet);
        var (model, metadata) = Load(path, format);
        using (model)
        {
            var name = dataSet ?? metadata.GetValueOrDefault("dataset") ?? DataSets.Mnist10k;
            var (_, test) = DataSets.Load(name);
            var architecture = metadata.GetValueOrDefault(ArchitectureKey) ?? model.GetType().Name;
            return new ModelMeasurement(path, format, bytes, architecture, model.Task, name, Evaluator.Evaluate(model, test));
        }
    }

    static ModelMeasurement MeasureOnnx(string path, long bytes, string? dataSet)
    {
        var onnx = OnnxReader.Read(path);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in onnx.Proto.MetadataProps) metadata[entry.Key] = entry.Value;
        var name = dataSet ?? metadata.GetValueOrDefault(OnnxExporter.DataSetKey) ?? DataSets.Mnist10k;
        var graph = onnx.Proto.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new InvalidFileException(path, $"the graph takes {inputs.Count} inputs; condense eval runs graphs with one (a batch of images)");
        if (graph.Output.Count == 0) throw new InvalidFileException(path, "the graph has no outputs");
        var inputWidth = Width(inputs[0]);
        var outputWidth = Width(graph.Output[0]);
        var (_, test) = DataSets.Load(name);
        if (inputWidth is { } width && width != test.Features)
            throw new InvalidFileException(path, $"the graph's input '{inputs[0].Name}' takes {width} features per item, but {name} has {test.Features}");
        var architecture = metadata.GetValueOrDefault($"condense.{ArchitectureKey}");
        var task = Enum.TryParse<ModelKind>(architecture, out var kind)
            ? kind == ModelKind.Autoencoder ? ModelTask.Reconstruction : ModelTask.Classification
            : outputWidth == test.Features ? ModelTask.Reconstruction : ModelTask.Classification;
        var evaluation = OnnxEvaluator.Evaluate(path, test, task);
        return new ModelMeasurement(path, ModelFileFormat.Onnx, bytes, architecture ?? "ONNX graph", task, name, evaluation);
    }

    /// <summary>The last dimension of a value (features per item), or null where the graph leaves it symbolic or gives no shape.</summary>
    static long? Width(ValueInfoProto value)
    {
        var dims = value.Type?.TensorType?.Shape?.Dim;
        if (dims is null || dims.Count == 0) return null;
        var last = dims[^1];
        return last.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? last.DimValue : null;
    }
}
