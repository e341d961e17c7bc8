using System.Text.Json;
using System.Text.Json.Nodes;

namespace Condense.Cli.Bench;

/// <summary>
/// One suite as <c>bench all</c> runs it: a workflow called in this process whose typed report
/// becomes figures (<see cref="InProcess"/>), or, where the figure is the whole process's peak
/// memory or start-up time, the equivalent command in a child process whose JSON is read back into
/// the same typed report (<see cref="Figures"/>).
/// </summary>
/// <param name="Name">The subcommand (lowrank, train, …), or a name for a second run of one.</param>
/// <param name="Arguments">The command line after <c>condense</c>, <c>--json</c> included: what a child process runs, and for an in-process suite the command that reproduces its figures.</param>
/// <param name="Figures">Reads the command's JSON document into table lines.</param>
public sealed record BenchSuite(string Name, IReadOnlyList<string> Arguments, Func<JsonNode, IReadOnlyList<BenchFigure>> Figures)
{
    /// <summary>Runs the suite's workflow in this process and turns its typed report into table lines; null where the suite runs as a child process.</summary>
    public Func<IReadOnlyList<BenchFigure>>? InProcess { get; init; }

    /// <summary>The in-process suite again without its live peers, run when <see cref="InProcess"/> fails with the peers on (a missing package must not cost the suite); null where there is no peer to drop.</summary>
    public Func<IReadOnlyList<BenchFigure>>? InProcessWithoutPeers { get; init; }

    /// <summary>A suite whose command prints a typed report: its JSON read back into <typeparamref name="TReport"/> with the one serializer (snake_case) the command wrote it with.</summary>
    public static BenchSuite Typed<TReport>(string name, IReadOnlyList<string> arguments, Func<TReport, IReadOnlyList<BenchFigure>> figures) =>
        new(name, arguments, json => figures(Read<TReport>(json))) { Report = typeof(TReport) };

    /// <summary>The typed report the suite's figures are read from; null only for a suite built from a hand-written JSON reader, which <c>BenchSuites</c> no longer has (<c>BenchSuiteReportTests</c> keeps it so).</summary>
    public Type? Report { get; init; }

    /// <summary>A command's JSON as its typed report (<see cref="CliConsole.SnakeJson"/>); a document that does not fit is an error naming the type.</summary>
    public static TReport Read<TReport>(JsonNode json) =>
        json.Deserialize<TReport>(CliConsole.SnakeJson) ?? throw new JsonException($"expected a {typeof(TReport).Name}, found null");
}
