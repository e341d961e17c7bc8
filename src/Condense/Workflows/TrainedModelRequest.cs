using Condense.Data;
using Condense.Models;

namespace Condense.Workflows;

/// <summary>
/// A trained model wanted from <see cref="TrainedModelCache"/>: the cached file at <see cref="Path"/> if it was built
/// and trained exactly so, else a fresh training run saved there. Each setting is checked when it is set.
/// </summary>
/// <typeparam name="TModel">The model type the caller gets back.</typeparam>
/// <param name="Path">The cached model file (safetensors with a <see cref="ModelCard"/>); its folder is created when needed.</param>
/// <param name="Recipe">The model (e.g. <see cref="TrainedModelRecipe.Mlp"/>), initialised with <see cref="TrainingOptions.Seed"/>, and what its training adds.</param>
/// <param name="Training">The wanted training settings; a cached file whose card records others is trained again.</param>
/// <param name="DataSet">The data set's name, recorded in the card and compared with the cached file's (e.g. <see cref="DataSets.Mnist10k"/>).</param>
/// <param name="Train">Training data.</param>
/// <param name="Test">Evaluated after each epoch and recorded in the card.</param>
public sealed record TrainedModelRequest<TModel>(string Path, TrainedModelRecipe<TModel> Recipe, TrainingOptions Training, string DataSet, Dataset Train, Dataset Test)
    where TModel : CondenseModel
{
    /// <summary>The cached model file; not empty.</summary>
    public string Path { get; init => field = CheckPath(value); } = CheckPath(Path);

    /// <summary>The model and what its training adds.</summary>
    public TrainedModelRecipe<TModel> Recipe { get; init => field = Required(value, "model recipe"); } = Required(Recipe, "model recipe");

    /// <summary>The wanted training settings.</summary>
    public TrainingOptions Training { get; init => field = Required(value, "training settings"); } = Required(Training, "training settings");

    /// <summary>The data set's name; not empty.</summary>
    public string DataSet { get; init => field = CheckDataSet(value); } = CheckDataSet(DataSet);

    /// <summary>Training data.</summary>
    public Dataset Train { get; init => field = Required(value, "training data"); } = Required(Train, "training data");

    /// <summary>Test data.</summary>
    public Dataset Test { get; init => field = Required(value, "test data"); } = Required(Test, "test data");

    /// <summary>Train even when the cached file would do (the demo's <c>--retrain</c>). Default false.</summary>
    public bool Retrain { get; init; }

    /// <summary>Wraps the training run with the caller's progress (a progress bar, a status line); null trains without hooks.</summary>
    public TrainingRun? Progress { get; init; }

    static string CheckPath(string value) =>
        !string.IsNullOrWhiteSpace(value) ? value : throw new CondenseException($"cached model path must be a file name, got '{value}'");

    static string CheckDataSet(string value) =>
        !string.IsNullOrWhiteSpace(value) ? value : throw new CondenseException($"data set name must not be empty, got '{value}'");

    static T Required<T>(T value, string what) where T : class =>
        value ?? throw new CondenseException($"{what} must be given, got null");
}
