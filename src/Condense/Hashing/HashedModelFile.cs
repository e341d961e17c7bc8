using System.Globalization;
using Condense.Data;
using Condense.Formats;
using Condense.Models;

namespace Condense.Hashing;

/// <summary>
/// Saves and loads <see cref="HashedMlp"/> networks as safetensors holding only what is real:
/// each layer's pool (<c>fc1.pool</c>, or <c>fc1.u</c>/<c>fc1.v</c> for the structured variant)
/// and its bias. The index and sign tables are not stored: they are a pure function of the hash
/// seeds, which the metadata names (<c>hashing.seed</c> and, per layer, the derived
/// <c>fc1.hash_seeds</c> in hex, so another implementation need not know how Condense derives
/// them). The file is therefore ≈ 1/factor of the dense weights, as HashedNets promises.
/// </summary>
/// <remarks>
/// Loading rebuilds the tables, which costs 12 bytes per virtual weight per hash. A hostile file
/// could claim a huge virtual network over a tiny pool, so the loader checks every number in the
/// metadata, bounds the tables (<see cref="MaxTableEntries"/>) and checks the stored pools'
/// shapes before it builds anything.
/// </remarks>
public static class HashedModelFile
{
    /// <summary>The <c>architecture</c> metadata value of a hashed network.</summary>
    public const string Architecture = "Hashed";

    /// <summary>Most virtual weights × hashes a file may describe: 2²⁵ (≈ 400 MB of tables); the
    /// 784-1000-1000-10 classifier needs 1.8 M per hash.</summary>
    public const long MaxTableEntries = 1L << 25;

    /// <summary>Widest layer a file may describe.</summary>
    public const int MaxWidth = 1 << 20;

    /// <summary>Saves the pools, biases and hashing settings (not the expanded weights) to <paramref name="path"/>: the file really is factor-times smaller than the dense model's.</summary>
    public static void Save(string path, HashedMlp model, ModelCard? card = null)
    {
        var metadata = new Dictionary<string, string>(model.Describe()) { [ModelFile.FormatKey] = ModelFile.FormatVersion };
        if (model.Options.Variant == HashingVariant.Hashed)
            for (var l = 0; l < model.VirtualLayers.Count; l++)
                metadata[$"{model.VirtualLayers[l].Name}.hash_seeds"] = string.Join(",", Seeds(model.Options, l).Select(s => s.ToString("x16", CultureInfo.InvariantCulture)));
        foreach (var (k, v) in card?.ToMetadata() ?? []) metadata[k] = v;
        SafetensorsWriter.Write(path, ModelFile.Weights(model), metadata);
    }

    /// <summary>Reads a hashed network; any malformed or inconsistent file is an <see cref="InvalidFileException"/>.</summary>
    public static HashedMlp Load(string path)
    {
        var (tensors, metadata) = SafetensorsReader.ReadAll(path);
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidFileException(path, $"not a hashed model: metadata has no '{key}'");
        if (Get("architecture") != Architecture) throw new InvalidFileException(path, $"architecture '{Get("architecture")}' is not {Architecture}");
        int[] sizes;
        double dropout;
        HashingOptions options;
        Normalization normalization;
        try
        {
            sizes = Get("sizes").Split(',').Select(s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray();
            dropout = double.Parse(Get("dropout"), NumberStyles.Float, CultureInfo.InvariantCulture);
            options = new HashingOptions
            {
                Factor = double.Parse(Get("hashing.factor"), NumberStyles.Float, CultureInfo.InvariantCulture),
                Hashes = int.Parse(Get("hashing.hashes"), NumberStyles.Integer, CultureInfo.InvariantCulture),
                Reduction = Enum.TryParse<HashReduction>(Get("hashing.reduction"), out var r) && Enum.IsDefined(r) ? r
                    : throw new InvalidFileException(path, $"unknown hash reduction '{Get("hashing.reduction")}'"),
                Variant = Enum.TryParse<HashingVariant>(Get("hashing.variant"), out var v) && Enum.IsDefined(v) ? v
                    : throw new InvalidFileException(path, $"unknown hashing variant '{Get("hashing.variant")}'"),
                Seed = int.TryParse(Get("hashing.seed"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed
                    : throw new InvalidFileException(path, $"hashing.seed '{Get("hashing.seed")}' is not a 32-bit integer"),
                SeparateBuckets = metadata.GetValueOrDefault("hashing.buckets", "shared") switch
                {
                    "shared" => false,
                    "separate" => true,
                    var other => throw new InvalidFileException(path, $"hashing.buckets '{Clip(other)}' is neither shared nor separate"),
                },
            };
            normalization = new Normalization(float.Parse(Get("normalization.mean"), NumberStyles.Float, CultureInfo.InvariantCulture),
                float.Parse(Get("normalization.std"), NumberStyles.Float, CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new InvalidFileException(path, "hashed model metadata holds a value that is not a number");
        }
        catch (CondenseException ex) when (ex is not InvalidFileException)
        {
            // A hashing setting out of range (HashingOptions checks each when it is set): the file is bad, not the caller.
            throw new InvalidFileException(path, ex.Message);
        }
        if (sizes.Length is < 2 or > 64 || sizes.Any(s => s is < 1 or > MaxWidth))
            throw new InvalidFileException(path, $"layer sizes [{string.Join(", ", sizes.Take(8))}{(sizes.Length > 8 ? ", …" : "")}] must be 2–64 numbers in 1–{MaxWidth}");
        if (!float.IsFinite(normalization.Mean) || !(normalization.Std > 0) || !float.IsFinite(normalization.Std))
            throw new InvalidFileException(path, $"normalisation mean {normalization.Mean}, std {normalization.Std} must be finite with std > 0");
        long entries = 0;
        for (var l = 0; l + 1 < sizes.Length; l++) entries += (long)sizes[l] * sizes[l + 1] * (options.Variant == HashingVariant.Hashed ? options.Hashes : 1);
        if (entries > MaxTableEntries)
            throw new InvalidFileException(path, $"{entries:N0} virtual weights × hashes exceed the {MaxTableEntries:N0} a hashed file may describe");

        // The pools must be the size the options give before anything is built from them.
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        for (var l = 0; l + 1 < sizes.Length; l++)
        {
            var name = $"fc{l + 1}";
            if (options.Variant == HashingVariant.Hashed)
            {
                var pool = options.PoolSize((long)sizes[l] * sizes[l + 1]);
                if (!byName.TryGetValue($"{name}.pool", out var t)) throw new InvalidFileException(path, $"missing tensor '{name}.pool'");
                if (t.Shape.Length != 1 || t.Shape[0] != pool)
                    throw new InvalidFileException(path, $"tensor '{name}.pool' has shape [{string.Join(", ", t.Shape)}], factor {options.Factor} needs [{pool}]");
                if (metadata.TryGetValue($"{name}.hash_seeds", out var stored))
                {
                    var expected = string.Join(",", Seeds(options, l).Select(s => s.ToString("x16", CultureInfo.InvariantCulture)));
                    if (!string.Equals(stored, expected, StringComparison.OrdinalIgnoreCase))
                        throw new InvalidFileException(path, $"'{name}.hash_seeds' ({Clip(stored)}) disagree with hashing.seed {options.Seed} (expected {expected})");
                }
            }
        }
        HashedMlp model;
        try
        {
            model = new HashedMlp(sizes, options, dropout, normalization);
        }
        catch (CondenseException ex) when (ex is not InvalidFileException)
        {
            throw new InvalidFileException(path, ex.Message);
        }
        return ModelFile.WithWeights(model, tensors, path);
    }

    /// <summary>The m hash seeds of layer <paramref name="layer"/> (index from 0).</summary>
    public static ulong[] Seeds(HashingOptions options, int layer) =>
        Enumerable.Range(0, options.Hashes).Select(k => WeightHash.SeedFor(options.Seed, layer, k)).ToArray();

    static string Clip(string s) => s.Length <= 60 ? s : s[..60] + "…";
}
