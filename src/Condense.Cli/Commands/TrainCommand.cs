using System.CommandLine;

namespace Condense.Cli.Commands;

public static class TrainCommand
{
    public static Command Create()
    {
        var command = new Command("train", "(being built)");
        command.SetAction(int (_) => throw new CondenseException("train: not implemented yet"));
        return command;
    }
}
