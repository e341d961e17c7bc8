using System.CommandLine;
using Condense.Cli.Commands;

namespace Condense.Cli;

/// <summary>
/// The whole command tree in one place; each command lives in Commands/. Only this type names
/// commands (tests/Condense.Tests/Architecture: no command references another).
/// </summary>
public static class CommandTree
{
    public static RootCommand Build()
    {
        var root = new RootCommand("Condense: compress neural networks and see what compression costs.");
        foreach (var command in new[]
        {
            DemoCommand.Create(),
            TrainCommand.Create(),
            EvalCommand.Create(),
            InfoCommand.Create(),
            DataCommand.Create(),
            CompressCommand.Create(),
            FoldCommand.Create(),
            ExportCommand.Create(),
            QuantizeCommand.Create(),
            AnalyzeCommand.Create(),
            Bench(),
            StreamCommand.Create(),
            ExpandCommand.Create(),
            ImageCommand.Create(),
            StudioCommand.Create(),
            PruneCommand.Create(),
            LotteryCommand.Create(),
            LowRankCommand.Create(),
            TensorTrainCommand.Create(),
            Study(),
            HashCommand.Create(),
            DistillCommand.Create(),
            DeepCompressCommand.Create(),
            PlanCommand.Create(),
        })
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>
    /// <c>condense bench …</c>: each benchmark is a subcommand that prints Condense's figures
    /// beside the peers' (from ../shared/peers when present, else the figures the issues quote).
    /// </summary>
    static Command Bench() => Group("bench", "Measure Condense's speed and quality against the peers.",
    [
        BenchLowRankCommand.Create(),
        BenchTrainCommand.Create(),
        BenchCnnCommand.Create(),
        BenchCalibrationCommand.Create(),
        BenchPlanCommand.Create(),
        KMeansBenchCommand.Create(),
        BenchScaleCommand.Create(),
        BenchOnnxLargeCommand.Create(),
        BenchImageCommand.Create(),
        BenchRuntimeCommand.Create(),
        StudioBenchCommand.Create(),
        BenchAllCommand.Create(),
    ]);

    /// <summary><c>condense study …</c>: experiments that sweep a compression method's settings and measure what they cost.</summary>
    static Command Study() => Group("study", "Sweep a compression method's settings and measure what they cost (train, compress, measure, plot).",
    [
        StudyRankCommand.Create(),
        StudyPruningCommand.Create(),
        StudyCnnCommand.Create(),
        .. StudySurveyCommands.Create(),
    ]);

    static Command Group(string name, string description, IEnumerable<Command> subcommands)
    {
        var group = new Command(name, description);
        foreach (var sub in subcommands) group.Subcommands.Add(sub);
        return group;
    }
}
