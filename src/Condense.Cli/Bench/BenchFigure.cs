namespace Condense.Cli.Bench;

/// <summary>
/// One line of <c>condense bench all</c>: a figure an issue asks for, Condense's value, the peer's
/// beside it, the target, and whether it was met.
/// </summary>
/// <param name="Issue">The issue that asks for the figure (e.g. "#4").</param>
/// <param name="Figure">What is measured, with its unit.</param>
/// <param name="Condense">Condense's value, formatted.</param>
/// <param name="Peer">The peer's value, formatted, with where it comes from ("live" or "issue"); "–" when there is no peer.</param>
/// <param name="Target">The ratio to the peer and the target, e.g. "0.81× (≤ 1.2×)".</param>
/// <param name="Met">Whether the target holds; null when the suite did not produce the figure.</param>
public sealed record BenchFigure(string Issue, string Figure, string Condense, string Peer, string Target, bool? Met);
