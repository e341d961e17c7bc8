using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Models;

namespace Condense.Workflows;

/// <summary>
/// The one trained-model cache (the demo's and the Studio's, MLPs and CNNs alike): a model file is reused when it
/// loads as the wanted model (<see cref="TrainedModelRecipe{TModel}"/>: type, self-description, recipe) and its
/// <see cref="ModelCard"/> records the wanted data set and training settings; otherwise the model is trained
/// (seeded: the same settings give the same bytes) and saved over it. The file is written through a temporary file
/// renamed into place (<see cref="ModelFile.Save"/>), so a reader never meets half a cache file and an interrupted
/// run leaves the old one. Progress reaches the caller only through <see cref="TrainedModelRequest{TModel}.Progress"/>.
/// </summary>
public static class TrainedModelCache
{
    /// <summary>Loads the cached model at <see cref="TrainedModelRequest{TModel}.Path"/> or trains and saves it; says which and why.</summary>
    public static TrainedModelResult<TModel> LoadOrTrain<TModel>(TrainedModelRequest<TModel> request) where TModel : CondenseModel
    {
        ArgumentNullException.ThrowIfNull(request);
        var (source, reason) = (TrainedModelSource.Retrained, "training asked for");
        if (!request.Retrain)
        {
            var lookup = Lookup(request);
            if (lookup.Model is { } cached)
                return new(cached, TrainedModelSource.Loaded, $"{request.Path}: trained with the wanted settings", null);
            (source, reason) = (lookup.Source, lookup.Reason);
        }
        var recipe = request.Recipe;
        var model = recipe.Create(request.Training.Seed);
        try
        {
            TrainingResult Train(TrainingHooks hooks) =>
                Trainer.Train(model, request.Train, request.Test, request.Training, WithRecipe(hooks, recipe.AfterBackward));
            var training = request.Progress is { } progress ? progress(source, reason, Train) : Train(new TrainingHooks());
            ModelFile.Save(request.Path, model, new ModelCard(request.DataSet, request.Training, training.Final, Recipe: recipe.Description));
            return new(model, source, reason, training);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The caller's progress hooks with the recipe's own step after backward (the caller's hooks only watch).</summary>
    static TrainingHooks WithRecipe(TrainingHooks hooks, Action<CondenseModel>? afterBackward)
    {
        if (afterBackward is null) return hooks;
        if (hooks.AfterBackward is not null || hooks.Loss is not null || hooks.AfterStep is not null)
            throw new CondenseException("a cached model's progress hooks may only watch (OnEpoch, OnBatch); the recipe decides the training");
        return new TrainingHooks { AfterBackward = afterBackward, OnEpoch = hooks.OnEpoch, OnBatch = hooks.OnBatch };
    }

    /// <summary>The cached model when usable, else why not.</summary>
    static (TModel? Model, TrainedModelSource Source, string Reason) Lookup<TModel>(TrainedModelRequest<TModel> request) where TModel : CondenseModel
    {
        if (!File.Exists(request.Path)) return (null, TrainedModelSource.Missing, $"{request.Path}: no cached model");
        CondenseModel model;
        ModelCard card;
        try
        {
            (model, card) = request.Recipe.Load(request.Path);
        }
        catch (CondenseException ex)
        {
            return (null, TrainedModelSource.Unreadable, $"{request.Path}: unreadable ({ex.Message})");
        }
        var stale = Staleness(request, model, card);
        if (stale is null && model is TModel wanted) return (wanted, TrainedModelSource.Loaded, "");
        model.Dispose();
        return (null, TrainedModelSource.Stale, $"{request.Path}: {stale}");
    }

    /// <summary>What differs between the cached file and the request, or null when nothing does.</summary>
    static string? Staleness<TModel>(TrainedModelRequest<TModel> request, CondenseModel model, ModelCard card) where TModel : CondenseModel
    {
        using (var fresh = request.Recipe.Create(request.Training.Seed))
        {
            var (have, want) = (model.Describe(), fresh.Describe());
            if (have.GetValueOrDefault("architecture") != want.GetValueOrDefault("architecture") || model is not TModel)
                return $"holds a model of architecture {have.GetValueOrDefault("architecture") ?? "unknown"}, not {want.GetValueOrDefault("architecture")}";
            var changed = want.Keys.Union(have.Keys).Where(k => have.GetValueOrDefault(k) != want.GetValueOrDefault(k)).Order(StringComparer.Ordinal).ToList();
            if (changed.Count > 0)
                return $"holds another {want["architecture"]}: " + string.Join(", ", changed.Select(k => $"{k} {have.GetValueOrDefault(k) ?? "–"} → {want.GetValueOrDefault(k) ?? "–"}"));
        }
        if (card.Recipe != request.Recipe.Description)
            return $"built or trained otherwise: {card.Recipe ?? "plain training"} → {request.Recipe.Description ?? "plain training"}";
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
