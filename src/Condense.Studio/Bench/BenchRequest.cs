namespace Condense.Studio.Bench;

/// <summary>One request a page's front end sends when its slider moves: GET, or POST with a JSON body.</summary>
public sealed record BenchRequest(string Path, string? JsonBody = null);
