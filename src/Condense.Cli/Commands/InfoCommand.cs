using System.CommandLine;

namespace Condense.Cli.Commands;

public static class InfoCommand
{
    public static Command Create()
    {
        var command = new Command("info", "(being built)");
        command.SetAction(int (_) => throw new CondenseException("info: not implemented yet"));
        return command;
    }
}
