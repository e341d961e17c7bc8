using Condense.Models;
using Condense.Models.Cnn;

namespace Condense.Workflows;

/// <summary>
/// What a <see cref="TrainedModelCache"/> entry holds, apart from its training settings: how to build the
/// untrained model (seeded), how to read a model file back, and what training does beyond the plain loop
/// (a penalty after each backward pass, written down in <see cref="Description"/>). A cached file is used only
/// when it reads back as <typeparamref name="TModel"/>, describes itself (<see cref="CondenseModel.Describe"/>:
/// architecture, sizes, configuration, normalisation) as a freshly built model does, and its card records the
/// same <see cref="Description"/>: so an MLP, a CNN or a CNN trained with a slimming penalty share one cache.
/// </summary>
/// <typeparam name="TModel">The model type the caller gets back.</typeparam>
/// <param name="Create">Builds the untrained model with its initial weights from the seed (the same seed, the same bytes).</param>
/// <param name="Load">Reads a model file and its card (an unreadable one throws a <see cref="CondenseException"/>).</param>
public sealed record TrainedModelRecipe<TModel>(Func<int, TModel> Create, Func<string, (CondenseModel Model, ModelCard Card)> Load)
    where TModel : CondenseModel
{
    /// <summary>What the training adds to the plain loop and the built model (e.g. "L1 on BN γ, λ = 0.01, γ starts at 0.5"), recorded in the card and compared; null for plain training.</summary>
    public string? Description { get; init; }

    /// <summary>Called after each backward pass of the training (e.g. network slimming's subgradient on γ); null for none.</summary>
    public Action<CondenseModel>? AfterBackward { get; init; }
}

/// <summary>The recipes Condense's own models use.</summary>
public static class TrainedModelRecipe
{
    /// <summary>One of the MLPs (<see cref="ModelFactory.Create"/>), plain training.</summary>
    public static TrainedModelRecipe<MlpModel> Mlp(ModelKind kind) =>
        Enum.IsDefined(kind)
            ? new(seed => ModelFactory.Create(kind, seed), path => ModelFile.Load(path))
            : throw new CondenseException($"model kind must be one of {string.Join(", ", Enum.GetNames<ModelKind>())}, got {kind}");

    /// <summary>A CNN built by <paramref name="create"/> (e.g. <see cref="CnnFactory.Create"/> with its configuration), read back by <see cref="CnnModelFile.Load"/>.</summary>
    public static TrainedModelRecipe<TModel> Cnn<TModel>(Func<int, TModel> create) where TModel : CnnModel =>
        new(create, path => CnnModelFile.Load(path));
}
