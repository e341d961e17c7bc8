using Condense.Data;
using Condense.Models;

namespace Condense.Workflows;

/// <summary>
/// A trained MLP wanted from <see cref="TrainedModelCache"/>: the cached file at <see cref="Path"/> if it was trained
/// exactly so, else a fresh training run saved there. Each setting is checked when it is set.
/// </summary>
/// <param name="Path">The cached model file (safetensors with a <see cref="ModelCard"/>); its folder is created when needed.</param>
/// <param name="Kind">The architecture (<see cref="ModelFactory.Create"/>), initialised with <see cref="TrainingOptions.Seed"/>.</param>
/// <param name="Training">The wanted training settings; a cached file whose card records others is trained again.</param>
/// <param name="DataSet">The data set's name, recorded in the card and compared with the cached file's (e.g. <see cref="DataSets.Mnist10k"/>).</param>
/// <param name="Train">Training data.</param>
/// <param name="Test">Evaluated after each epoch and recorded in the card.</param>
public sealed record TrainedModelRequest(string Path, ModelKind Kind, TrainingOptions Training, string DataSet, Dataset Train, Dataset Test)
{
    /// <summary>The cached model file; not empty.</summary>
    public string Path { get; init => field = CheckPath(value); } = CheckPath(Path);

    /// <summary>The architecture; one of <see cref="ModelKind"/>'s MLPs.</summary>
    public ModelKind Kind { get; init => field = CheckKind(value); } = CheckKind(Kind);

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

    static ModelKind CheckKind(ModelKind value) =>
        Enum.IsDefined(value) ? value : throw new CondenseException($"model kind must be one of {string.Join(", ", Enum.GetNames<ModelKind>())}, got {value}");

    static string CheckDataSet(string value) =>
        !string.IsNullOrWhiteSpace(value) ? value : throw new CondenseException($"data set name must not be empty, got '{value}'");

    static T Required<T>(T value, string what) where T : class =>
        value ?? throw new CondenseException($"{what} must be given, got null");
}
