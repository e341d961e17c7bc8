using System.CommandLine;

namespace Condense.Cli.Commands;

/// <summary><c>condense study …</c>: experiments that reproduce our sources' tables; each study is a subcommand.</summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Reproduce the sources' experiments (train, compress, measure, plot).");
        foreach (var sub in new Command[]
        {
            StudyRankCommand.Create(),
        })
        {
            command.Subcommands.Add(sub);
        }
        return command;
    }
}
