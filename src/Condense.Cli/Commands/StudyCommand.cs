using System.CommandLine;

namespace Condense.Cli.Commands;

/// <summary><c>condense study …</c>: experiments that sweep a compression method's settings and measure what they cost; each study is a subcommand.</summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Sweep a compression method's settings and measure what they cost (train, compress, measure, plot).");
        foreach (var sub in new Command[]
        {
            StudyRankCommand.Create(),
            StudyPruningCommand.Create(),
            StudyCnnCommand.Create(),
        }.Concat(StudySurveyCommands.Create()))
        {
            command.Subcommands.Add(sub);
        }
        return command;
    }
}
