using System.CommandLine;

namespace Condense.Cli.Commands;

public static class DemoCommand
{
    public static Command Create()
    {
        var command = new Command("demo", "(being built)");
        command.SetAction(int (_) => throw new CondenseException("demo: not implemented yet"));
        return command;
    }
}
