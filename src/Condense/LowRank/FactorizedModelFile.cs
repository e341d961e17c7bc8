using System.Globalization;
using Condense.Data;
using Condense.Formats;
using Condense.Models;

namespace Condense.LowRank;

/// <summary>
/// Saves and loads <see cref="FactorizedMlp"/> models as safetensors: the factors themselves
/// (<c>fc2.v.weight</c>, <c>fc2.u.weight</c>, …), so the file really is as small as the rank makes
/// it, and metadata (sizes, ranks, dropout, normalisation) that rebuilds the network.
/// </summary>
public static class FactorizedModelFile
{
    /// <summary>Saves the factors (not their product) and the ranks to <paramref name="path"/>, so the file is as small as the factorised model.</summary>
    public static void Save(string path, FactorizedMlp model, ModelCard? card = null)
    {
        var metadata = new Dictionary<string, string>(model.Describe())
        {
            [ModelFile.FormatKey] = ModelFile.FormatVersion,
            ["normalization.mean"] = model.Normalization.Mean.ToString("R", CultureInfo.InvariantCulture),
            ["normalization.std"] = model.Normalization.Std.ToString("R", CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in card?.ToMetadata() ?? []) metadata[k] = v;
        SafetensorsWriter.Write(path, ModelFile.Weights(model), metadata);
    }

    /// <summary>Rebuilds a factorised model from <paramref name="path"/>; a file of another kind or with inconsistent ranks is an <see cref="InvalidFileException"/>.</summary>
    public static FactorizedMlp Load(string path)
    {
        var (tensors, metadata) = SafetensorsReader.ReadAll(path);
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v : throw new InvalidFileException(path, $"not a factorised model: metadata has no '{key}'");
        if (Get("architecture") != "FactorizedMlp") throw new InvalidFileException(path, $"architecture '{Get("architecture")}' is not FactorizedMlp");
        FactorizedMlp model;
        try
        {
            var sizes = Get("sizes").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var ranks = Get("ranks").Split(',').Select(s => s == "full" ? (int?)null : int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var dropout = double.Parse(Get("dropout"), CultureInfo.InvariantCulture);
            var normalization = new Normalization(float.Parse(Get("normalization.mean"), CultureInfo.InvariantCulture), float.Parse(Get("normalization.std"), CultureInfo.InvariantCulture));
            model = new FactorizedMlp(sizes, ranks, dropout, normalization);
        }
        catch (FormatException)
        {
            throw new InvalidFileException(path, "factorised model metadata holds a value that is not a number");
        }
        catch (CondenseException ex) when (ex is not InvalidFileException)
        {
            throw new InvalidFileException(path, ex.Message);
        }
        return ModelFile.WithWeights(model, tensors, path);
    }
}
