using System.Buffers.Binary;
using System.Globalization;
using Condense.Data;
using Condense.Formats;
using Condense.LowRank.TensorTrain;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// Saves and loads <see cref="StructuredMlp"/> networks as safetensors holding only what each
/// layer stores: a dense layer's weight and bias, a TT layer's cores (<c>fc2.core0</c>…) and bias,
/// an L + S layer's factors (<c>fc2.left</c>, <c>fc2.right</c>), S's values and int32 positions
/// (<c>fc2.sparse_indices</c>) and bias. The metadata's <c>layers</c> names each layer's kind
/// and shape; the loader checks every number against a bound before it allocates anything.
/// </summary>
public static class StructuredModelFile
{
    /// <summary>Widest layer a file may describe.</summary>
    public const int MaxWidth = 1 << 20;

    /// <summary>Saves each part of <paramref name="model"/> in its compact form (factors, sparse entries, TT cores) with the card, so <c>condense eval</c> reloads what was measured.</summary>
    public static void Save(string path, StructuredMlp model, ModelCard? card = null)
    {
        var metadata = new Dictionary<string, string>(model.Describe()) { [ModelFile.FormatKey] = ModelFile.FormatVersion };
        foreach (var (k, v) in card?.ToMetadata() ?? []) metadata[k] = v;
        var tensors = new List<NamedTensor>(ModelFile.Weights(model));
        foreach (var (name, module) in model.Parts)
        {
            if (module is not LowRankPlusSparseLinear lps) continue;
            using var idx = lps.SparseIndices.contiguous();
            var values = idx.data<long>().ToArray();
            var bytes = new byte[values.Length * 4];
            for (var k = 0; k < values.Length; k++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4 * k), checked((int)values[k]));
            tensors.Add(new NamedTensor($"{name}.sparse_indices", TensorDType.I32, [values.LongLength], bytes));
        }
        SafetensorsWriter.Write(path, tensors, metadata);
    }

    /// <summary>Reads a structured network; a malformed or inconsistent file is an <see cref="InvalidFileException"/>.</summary>
    public static StructuredMlp Load(string path)
    {
        var (tensors, metadata) = SafetensorsReader.ReadAll(path);
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v : throw new InvalidFileException(path, $"not a structured model: metadata has no '{key}'");
        if (Get("architecture") != StructuredMlp.Architecture) throw new InvalidFileException(path, $"architecture '{Get("architecture")}' is not {StructuredMlp.Architecture}");
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var modules = new List<nn.Module<Tensor, Tensor>>();
        try
        {
            var sizes = Get("sizes").Split(',').Select(s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
            var specs = Get("layers").Split(';');
            if (sizes.Length is < 2 or > 64 || sizes.Any(s => s is < 1 or > MaxWidth) || specs.Length != sizes.Length - 1)
                throw new InvalidFileException(path, $"{sizes.Length} sizes (each 1–{MaxWidth}) and {specs.Length} layers do not make an MLP");
            var dropout = double.Parse(Get("dropout"), NumberStyles.Float, CultureInfo.InvariantCulture);
            var normalization = new Normalization(float.Parse(Get("normalization.mean"), NumberStyles.Float, CultureInfo.InvariantCulture),
                float.Parse(Get("normalization.std"), NumberStyles.Float, CultureInfo.InvariantCulture));
            if (!float.IsFinite(normalization.Mean) || !(normalization.Std > 0) || !float.IsFinite(normalization.Std))
                throw new InvalidFileException(path, $"normalisation mean {normalization.Mean}, std {normalization.Std} must be finite with std > 0");
            for (var l = 0; l < specs.Length; l++)
                modules.Add(Layer(path, $"fc{l + 1}", specs[l], sizes[l], sizes[l + 1], byName));
            var model = new StructuredMlp(modules, dropout, normalization);
            return ModelFile.WithWeights(model, tensors, path);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException || (ex is CondenseException && ex is not InvalidFileException))
        {
            foreach (var m in modules) m.Dispose();
            throw new InvalidFileException(path, ex is CondenseException ? ex.Message : "structured model metadata holds a value that is not a number");
        }
    }

    static nn.Module<Tensor, Tensor> Layer(string path, string name, string spec, int inF, int outF, Dictionary<string, NamedTensor> byName)
    {
        if (spec == "dense") return nn.Linear(inF, outF);
        if (spec.StartsWith("tt:", StringComparison.Ordinal))
        {
            var shape = TensorTrainShape.Parse(spec[3..]);
            if (shape.InFeatures != inF || shape.OutFeatures != outF)
                throw new InvalidFileException(path, $"{name}: tensor train {shape} is {shape.OutFeatures}×{shape.InFeatures}, the sizes say {outF}×{inF}");
            if (shape.ParameterCount > (long)inF * outF + (1 << 20))
                throw new InvalidFileException(path, $"{name}: tensor train {shape} holds {shape.ParameterCount:N0} numbers, more than the dense layer");
            return new TensorTrainLinear(shape);
        }
        if (spec.StartsWith("lps:", StringComparison.Ordinal))
        {
            var rank = int.Parse(spec[4..], NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (!byName.TryGetValue($"{name}.sparse_indices", out var t) || t.DType != TensorDType.I32 || t.Shape.Length != 1 || t.ElementCount > (long)inF * outF)
                throw new InvalidFileException(path, $"{name}: missing or malformed int32 tensor '{name}.sparse_indices'");
            var indices = new long[t.ElementCount];
            for (var k = 0; k < indices.Length; k++) indices[k] = BinaryPrimitives.ReadInt32LittleEndian(t.Data.AsSpan(4 * k));
            return new LowRankPlusSparseLinear(inF, outF, rank, indices);
        }
        throw new InvalidFileException(path, $"{name}: unknown layer kind '{(spec.Length <= 40 ? spec : spec[..40] + "…")}'");
    }
}
