namespace Condense.Studio.Bench;

/// <summary>One request a page's front end sends: GET, or POST with a JSON body or with raw bytes (an upload).</summary>
public sealed record BenchRequest(string Path, string? JsonBody = null, byte[]? Bytes = null);
