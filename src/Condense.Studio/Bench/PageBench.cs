namespace Condense.Studio.Bench;

/// <summary>
/// What a page's benchmark does: <see cref="LoadAsync"/> opens the page as its front end does
/// (its first requests, then polling until it reports ready) and returns the steps to time, in
/// order; <see cref="Numbers"/> are the page numbers it covers (for <c>--page</c>);
/// <see cref="ChangesAsync"/>, if given, returns the page's changes of method, image or model,
/// each the group of requests its front end sends at once (timed as one, to the last answer);
/// <see cref="NoteAsync"/>, if given, reads what the server measured itself afterwards.
/// </summary>
public sealed record PageBench(
    IReadOnlyList<int> Numbers,
    string Page,
    string Step,
    Func<HttpClient, CancellationToken, Task<IReadOnlyList<BenchRequest>>> LoadAsync,
    Func<HttpClient, CancellationToken, Task<string?>>? NoteAsync = null,
    string? Change = null,
    Func<HttpClient, CancellationToken, Task<IReadOnlyList<IReadOnlyList<BenchRequest>>>>? ChangesAsync = null);
