using System.CommandLine;

namespace Condense.Cli.Commands;

/// <summary><c>condense study …</c>: sweeps that measure what a compression method costs, with plots.</summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Sweep a compression method's settings and plot what they cost.");
        foreach (var sub in new Command[]
        {
            StudyPruningCommand.Create(),
            StudyRankCommand.Create(),
        })
        {
            command.Subcommands.Add(sub);
        }
        return command;
    }
}
