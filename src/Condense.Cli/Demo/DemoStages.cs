using Condense.Data;
using Spectre.Console;

namespace Condense.Cli.Demo;

/// <summary>
/// The methods beyond ONNX encodings (pruning, low rank, hashing, distillation, Deep Compression):
/// each a stage that writes files for one model and returns them; the runner measures every file.
/// </summary>
public static class DemoStages
{
    public static IReadOnlyList<IDemoStage> Extra { get; } =
    [
        new PruningStage(),
        new SurveyPruningStage(),
        new LowRankStage(),
        new HashingStage(),
        new DistillationStage(),
        new DataFreeStage(),
        new DeepCompressionStage(),
        new StructuredStage(),
    ];
}

/// <summary>One method of the demo.</summary>
public interface IDemoStage
{
    string Name { get; }

    /// <summary>Writes the method's files for one model; an empty list when the method does not apply to it.</summary>
    IEnumerable<DemoArtifact> Run(DemoStageContext context);
}

public sealed record DemoArtifact(string Method, string Setting, string Path);

public sealed record DemoStageContext(DemoOptions Options, DemoModel Model, Dataset Train, Dataset Test, IAnsiConsole Console, List<string> Notes);
