using System.Globalization;
using Condense.Formats;
using Condense.Models;
using Condense.Models.Cnn;

namespace Condense.Hashing;

/// <summary>
/// Saves and loads <see cref="HashedCnn"/> networks as safetensors holding only what is real: each
/// conv and Linear layer's pool (<c>conv1.pool</c>, <c>fc1.pool</c>), the biases and the BatchNorm
/// parameters and running statistics under the CNN's own names — the dense weights are not stored.
/// The metadata is the CNN's (<c>cnn.architecture</c> names it) plus the hashing settings and, per
/// layer, the derived hash seeds in hex, as <see cref="HashedModelFile"/> writes them for MLPs.
/// </summary>
public static class HashedCnnFile
{
    /// <summary>Saves the pools, biases, BatchNorm state and hashing settings to <paramref name="path"/>.</summary>
    public static void Save(string path, HashedCnn model, ModelCard? card = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var metadata = new Dictionary<string, string>(model.Describe()) { [ModelFile.FormatKey] = ModelFile.FormatVersion };
        foreach (var (k, v) in card?.ToMetadata() ?? []) metadata[k] = v;
        SafetensorsWriter.Write(path, ModelFile.StateWeights(model.RealState), metadata);
    }

    /// <summary>Reads a hashed CNN; any malformed or inconsistent file is an <see cref="InvalidFileException"/>.</summary>
    public static HashedCnn Load(string path)
    {
        var (tensors, metadata) = SafetensorsReader.ReadAll(path);
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidFileException(path, $"not a hashed CNN: metadata has no '{key}'");
        if (Get("architecture") != HashedCnn.ArchitectureName)
            throw new InvalidFileException(path, $"architecture '{Get("architecture")}' is not {HashedCnn.ArchitectureName}");
        HashingOptions options;
        try
        {
            options = new HashingOptions
            {
                Factor = double.Parse(Get("hashing.factor"), NumberStyles.Float, CultureInfo.InvariantCulture),
                Hashes = int.Parse(Get("hashing.hashes"), NumberStyles.Integer, CultureInfo.InvariantCulture),
                Reduction = Enum.TryParse<HashReduction>(Get("hashing.reduction"), out var r) && Enum.IsDefined(r) ? r
                    : throw new InvalidFileException(path, $"unknown hash reduction '{Get("hashing.reduction")}'"),
                Seed = int.Parse(Get("hashing.seed"), NumberStyles.Integer, CultureInfo.InvariantCulture),
                SeparateBuckets = Get("hashing.buckets") switch
                {
                    "shared" => false,
                    "separate" => true,
                    var other => throw new InvalidFileException(path, $"hashing.buckets '{other}' is neither shared nor separate"),
                },
            };
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new InvalidFileException(path, "hashed CNN metadata holds a value that is not a number");
        }
        catch (CondenseException ex) when (ex is not InvalidFileException)
        {
            throw new InvalidFileException(path, ex.Message);
        }
        var cnnMetadata = new Dictionary<string, string>(metadata) { ["architecture"] = Get("cnn.architecture") };
        var net = CnnFactory.Build(cnnMetadata, path);
        HashedCnn model;
        try
        {
            model = new HashedCnn(net, options);
        }
        catch (CondenseException ex) when (ex is not InvalidFileException)
        {
            net.Dispose();
            throw new InvalidFileException(path, ex.Message);
        }
        var described = model.Describe();
        foreach (var (name, _, _) in model.HashedLayers)
        {
            var key = $"{name}.hash_seeds";
            if (metadata.TryGetValue(key, out var stored) && !string.Equals(stored, described[key], StringComparison.OrdinalIgnoreCase))
            {
                model.Dispose();
                throw new InvalidFileException(path, $"'{key}' disagree with hashing.seed {options.Seed} (expected {described[key]})");
            }
        }
        try
        {
            ModelFile.SetState(model.RealState, tensors, path);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }
}
