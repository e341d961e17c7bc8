using Condense.Cli;

return CliRunner.Run(args);
