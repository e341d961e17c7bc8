using System.CommandLine;

namespace Condense.Cli.Commands;

public static class EvalCommand
{
    public static Command Create()
    {
        var command = new Command("eval", "(being built)");
        command.SetAction(int (_) => throw new CondenseException("eval: not implemented yet"));
        return command;
    }
}
