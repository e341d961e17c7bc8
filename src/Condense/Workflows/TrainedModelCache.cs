using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Models;

namespace Condense.Workflows;

/// <summary>
/// The one trained-model cache (the demo's and the Studio's): a model file is reused when it loads and its
/// <see cref="ModelCard"/> records the wanted architecture, data set and training settings; otherwise the
/// model is trained (seeded: the same settings give the same bytes) and saved over it. The file is written
/// through a temporary file renamed into place (<see cref="ModelFile.Save"/>), so a reader never meets half a
/// cache file and an interrupted run leaves the old one. Progress reaches the caller only through
/// <see cref="TrainedModelRequest.Progress"/>.
/// </summary>
public static class TrainedModelCache
{
    /// <summary>Loads the cached model at <see cref="TrainedModelRequest.Path"/> or trains and saves it; says which and why.</summary>
    public static TrainedModelResult LoadOrTrain(TrainedModelRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (source, reason) = (TrainedModelSource.Retrained, "training asked for");
        if (!request.Retrain)
        {
            var lookup = Lookup(request);
            if (lookup.Model is { } cached)
                return new TrainedModelResult(cached, TrainedModelSource.Loaded, $"{request.Path}: trained with the wanted settings", null);
            (source, reason) = (lookup.Source, lookup.Reason);
        }
        var model = ModelFactory.Create(request.Kind, request.Training.Seed);
        try
        {
            TrainingResult Train(TrainingHooks hooks) =>
                Trainer.Train(model, request.Train, request.Test, request.Training, hooks);
            var training = request.Progress is { } progress ? progress(source, reason, Train) : Train(new TrainingHooks());
            ModelFile.Save(request.Path, model, new ModelCard(request.DataSet, request.Training, training.Final));
            return new TrainedModelResult(model, source, reason, training);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The cached model when usable, else why not.</summary>
    static (MlpModel? Model, TrainedModelSource Source, string Reason) Lookup(TrainedModelRequest request)
    {
        if (!File.Exists(request.Path)) return (null, TrainedModelSource.Missing, $"{request.Path}: no cached model");
        MlpModel model;
        ModelCard card;
        try
        {
            (model, card) = ModelFile.Load(request.Path);
        }
        catch (CondenseException ex)
        {
            return (null, TrainedModelSource.Unreadable, $"{request.Path}: unreadable ({ex.Message})");
        }
        var stale = Staleness(request, model.Kind, card);
        if (stale is null) return (model, TrainedModelSource.Loaded, "");
        model.Dispose();
        return (null, TrainedModelSource.Stale, $"{request.Path}: {stale}");
    }

    /// <summary>What differs between the cached file and the request, or null when nothing does.</summary>
    static string? Staleness(TrainedModelRequest request, ModelKind kind, ModelCard card)
    {
        if (kind != request.Kind) return $"holds a model of kind {kind}, not {request.Kind}";
        if (card.DataSet != request.DataSet) return $"trained on {card.DataSet ?? "an unrecorded data set"}, not {request.DataSet}";
        if (card.Training is null) return "its card records no training settings";
        if (card.Training == request.Training) return null;
        return "trained with other settings: " + Differences(card.Training, request.Training);
    }

    /// <summary>The training settings that differ, as "name cached → wanted" pairs (e.g. "Epochs 5 → 1").</summary>
    static string Differences(TrainingOptions cached, TrainingOptions wanted)
    {
        var before = JsonSerializer.SerializeToNode(cached)!.AsObject();
        var after = JsonSerializer.SerializeToNode(wanted)!.AsObject();
        var changes = after.Where(p => !JsonNode.DeepEquals(p.Value, before[p.Key]))
            .Select(p => $"{p.Key} {Text(before[p.Key])} → {Text(p.Value)}").ToList();
        return changes.Count > 0 ? string.Join(", ", changes) : "the settings are not equal";
    }

    static string Text(JsonNode? value) => value?.ToJsonString() ?? "null";
}
