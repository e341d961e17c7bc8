using System.CommandLine;
using Condense.Cli.Commands;

namespace Condense.Cli;

/// <summary>The whole command tree in one place; each command lives in Commands/.</summary>
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
            BenchCommand.Create(),
            StreamCommand.Create(),
            ExpandCommand.Create(),
            ImageCommand.Create(),
            StudioCommand.Create(),
            PruneCommand.Create(),
            LotteryCommand.Create(),
            LowRankCommand.Create(),
            TensorTrainCommand.Create(),
            StudyCommand.Create(),
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
}
