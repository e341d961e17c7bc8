using System.Text.Json.Nodes;

namespace Condense.Cli.Bench;

/// <summary>One bench subcommand as <c>bench all</c> runs it: its arguments (quick settings) and how its JSON becomes figures.</summary>
/// <param name="Name">The subcommand (lowrank, train, …), or a name for a second run of one.</param>
/// <param name="Arguments">The command line after <c>condense</c>, <c>--json</c> included.</param>
/// <param name="Figures">Reads the subcommand's JSON document into table lines.</param>
public sealed record BenchSuite(string Name, IReadOnlyList<string> Arguments, Func<JsonNode, IReadOnlyList<BenchFigure>> Figures);
