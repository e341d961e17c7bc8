using System.Globalization;
using System.Text.Json;
using Condense.Data;
using Condense.Formats;
using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// Saves and loads models as safetensors: one F32 tensor per parameter (PyTorch's names, e.g.
/// <c>fc1.weight</c>, so PyTorch's <c>safetensors.torch.load_file</c> reads them) and metadata
/// that rebuilds the model (architecture, sizes, dropout, normalisation) and records where it
/// came from (data set, training settings, metrics).
/// </summary>
public static class ModelFile
{
    /// <summary>The metadata key that marks a safetensors file as a Condense model file.</summary>
    public const string FormatKey = "condense.format";
    /// <summary>The model-file format version; a reader refuses others rather than misreading them.</summary>
    public const string FormatVersion = "1";

    /// <summary>Saves the model's parameters and its <see cref="CondenseModel.Describe"/> metadata (plus <paramref name="card"/>) as safetensors at <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, CondenseModel model, ModelCard? card = null)
    {
        var metadata = new Dictionary<string, string>(model.Describe()) { [FormatKey] = FormatVersion };
        if (card is not null)
        {
            foreach (var (k, v) in card.ToMetadata()) metadata[k] = v;
        }
        SafetensorsWriter.Write(path, Weights(model), metadata);
    }

    /// <summary>The model's parameters as F32 tensors, in registration order.</summary>
    public static IReadOnlyList<NamedTensor> Weights(CondenseModel model) => StateWeights(State(model));

    /// <summary>Named tensors (a model's state as it chooses to store it) as F32 tensors, in the order given.</summary>
    internal static IReadOnlyList<NamedTensor> StateWeights(IEnumerable<(string Name, Tensor Value)> state)
    {
        var list = new List<NamedTensor>();
        foreach (var (name, p) in state)
        {
            using var cpu = p.detach().cpu().contiguous();
            list.Add(NamedTensor.FromFloat32(name, cpu.data<float>().ToArray(), p.shape));
        }
        return list;
    }

    /// <summary>
    /// Parameters; for CNNs also their float buffers (BatchNorm running statistics), which are
    /// model state there. Other models' buffers (e.g. HashedNets' derived index tensors) are not
    /// saved, so their files are unchanged; integer buffers such as BatchNorm's batch counter never are.
    /// </summary>
    static IEnumerable<(string Name, Tensor Value)> State(CondenseModel model) =>
        model.named_parameters().Select(p => (p.name, (Tensor)p.parameter))
            .Concat(model is Cnn.IConvolutionalModel
                ? model.named_buffers().Where(b => b.buffer.dtype == ScalarType.Float32).Select(b => (b.name, b.buffer))
                : []);

    /// <summary>Rebuilds an MLP and its card from a model file; a file of another kind or with missing or misshapen tensors is an <see cref="InvalidFileException"/>.</summary>
    public static (MlpModel Model, ModelCard Card) Load(string path)
    {
        var (tensors, metadata) = SafetensorsReader.ReadAll(path);
        if (Cnn.CnnModelFile.IsCnn(metadata))
            throw new InvalidFileException(path, $"a {metadata["architecture"]} CNN: this command works on the MLPs (see docs/cnn.md for what takes CNNs)");
        var model = WithWeights(Build(metadata, path), tensors, path);
        return (model, ModelCard.FromMetadata(metadata));
    }

    /// <summary>
    /// <see cref="SetWeights"/> for a model just built from a file: when the tensors do not fit, the
    /// model is disposed before the error leaves, so a bad file never leaks its native parameters.
    /// </summary>
    public static T WithWeights<T>(T model, IEnumerable<NamedTensor> tensors, string source) where T : CondenseModel
    {
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            SetWeights(model, tensors, source);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Copies tensors into the parameters of the same names; shapes must match and every parameter must be given.</summary>
    public static void SetWeights(CondenseModel model, IEnumerable<NamedTensor> tensors, string source) => SetState(State(model), tensors, source);

    /// <summary>Copies tensors into the given named state (a model's state as it stores it); shapes must match and every entry must be given.</summary>
    internal static void SetState(IEnumerable<(string Name, Tensor Value)> state, IEnumerable<NamedTensor> tensors, string source)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        using var _ = no_grad();
        foreach (var (name, p) in state)
        {
            if (!byName.TryGetValue(name, out var t))
                throw new InvalidFileException(source, $"missing tensor '{name}'");
            if (!t.Shape.SequenceEqual(p.shape))
                throw new InvalidFileException(source, $"tensor '{name}' has shape [{string.Join(", ", t.Shape)}], the model needs [{string.Join(", ", p.shape)}]");
            var values = t.ToFloat32();
            if (values.Any(v => !float.IsFinite(v)))
                throw new InvalidFileException(source, $"tensor '{name}' holds NaN or infinite values");
            using var src = tensor(values, p.shape);
            p.copy_(src);
        }
    }

    internal static MlpModel Build(IReadOnlyDictionary<string, string> metadata, string source)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidFileException(source, $"not a Condense model: metadata has no '{key}' (use 'condense info' to look inside)");
        if (!Enum.TryParse<ModelKind>(Get("architecture"), out var kind))
            throw new InvalidFileException(source, $"unknown architecture '{Get("architecture")}'");
        int[] sizes;
        double dropout;
        try
        {
            sizes = Get("sizes").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            dropout = double.Parse(Get("dropout"), CultureInfo.InvariantCulture);
        }
        catch (FormatException)
        {
            throw new InvalidFileException(source, "model metadata 'sizes' or 'dropout' is not a number");
        }
        Normalization? normalization = null;
        if (metadata.TryGetValue("normalization.mean", out var mean) && metadata.TryGetValue("normalization.std", out var std)
            && float.TryParse(mean, CultureInfo.InvariantCulture, out var m) && float.TryParse(std, CultureInfo.InvariantCulture, out var s))
            normalization = new Normalization(m, s);
        try
        {
            return new MlpModel(kind, sizes, dropout, normalization);
        }
        catch (CondenseException ex)
        {
            throw new InvalidFileException(source, ex.Message);
        }
    }
}

/// <summary>Where a model came from and how well it did: kept in the file's metadata.</summary>
/// <param name="DataSet">The data set it was trained on.</param>
/// <param name="Training">The training settings.</param>
/// <param name="Test">Its final test evaluation.</param>
/// <param name="Extra">More entries written as they are (not read back).</param>
/// <param name="Recipe">What its building or training added to the plain loop (<see cref="Workflows.TrainedModelRecipe{TModel}.Description"/>), read back so a cache can compare it.</param>
public sealed record ModelCard(string? DataSet = null, TrainingOptions? Training = null, Evaluation? Test = null, IReadOnlyDictionary<string, string>? Extra = null, string? Recipe = null)
{
    /// <summary>The card as safetensors metadata entries (prefixed keys), the form it travels in.</summary>
    public IEnumerable<KeyValuePair<string, string>> ToMetadata()
    {
        if (DataSet is not null) yield return new("dataset", DataSet);
        if (Training is not null) yield return new("training", JsonSerializer.Serialize(Training));
        if (Test is not null) yield return new("test", JsonSerializer.Serialize(Test));
        if (Recipe is not null) yield return new("recipe", Recipe);
        foreach (var kv in Extra ?? new Dictionary<string, string>()) yield return kv;
    }

    /// <summary>Reads a card back from safetensors metadata; missing entries stay null.</summary>
    public static ModelCard FromMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        static T? Parse<T>(IReadOnlyDictionary<string, string> m, string key) where T : class
        {
            if (!m.TryGetValue(key, out var json)) return null;
            try { return JsonSerializer.Deserialize<T>(json); }
            catch (JsonException) { return null; }
        }
        return new ModelCard(metadata.GetValueOrDefault("dataset"), Parse<TrainingOptions>(metadata, "training"), Parse<Evaluation>(metadata, "test"),
            Recipe: metadata.GetValueOrDefault("recipe"));
    }
}
