using System.CommandLine;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench …</c>: each benchmark is a subcommand that prints Condense's figures
/// beside the peers' (from ../shared/peers when present, else the figures the issues quote).
/// </summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure Condense's speed and quality against the peers.");
        foreach (var sub in new Command[]
        {
            BenchLowRankCommand.Create(),
            BenchTrainCommand.Create(),
            BenchCnnCommand.Create(),
            KMeansBenchCommand.Create(),
            BenchScaleCommand.Create(),
            BenchOnnxLargeCommand.Create(),
            BenchImageCommand.Create(),
            BenchRuntimeCommand.Create(),
            StudioBenchCommand.Create(),
            BenchAllCommand.Create(),
        })
        {
            command.Subcommands.Add(sub);
        }
        return command;
    }
}
