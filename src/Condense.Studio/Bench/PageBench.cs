namespace Condense.Studio.Bench;

/// <summary>
/// What a page's benchmark does: <see cref="LoadAsync"/> opens the page as its front end does
/// (its first requests, then polling until it reports ready) and returns the steps to time, in
/// order; <see cref="Numbers"/> are the page numbers it covers (for <c>--page</c>); <see cref="NoteAsync"/>, if given, reads what the server measured itself afterwards.
/// </summary>
public sealed record PageBench(
    IReadOnlyList<int> Numbers,
    string Page,
    string Step,
    Func<HttpClient, CancellationToken, Task<IReadOnlyList<BenchRequest>>> LoadAsync,
    Func<HttpClient, CancellationToken, Task<string?>>? NoteAsync = null);
