namespace Condense.Studio.Bench;

/// <summary>
/// Latencies of one page's steps, in milliseconds, measured over HTTP on loopback after the page
/// has loaded. <see cref="Step"/> says what a step is (a slider value, a method, a download);
/// <see cref="ColdP95"/> covers the first request of each value, <see cref="P95"/> the whole
/// sweep (first visits and returns). <see cref="LoadMilliseconds"/> is the page's opening: the
/// requests its front end sends and the wait until it reports ready (model loading, background
/// solving), not counted in the percentiles. <see cref="Note"/> adds what the server measured.
/// </summary>
public sealed record PageLatency(
    string Page, string Step, int Requests, double P50, double P95, double ColdP95, double Max,
    double LoadMilliseconds, string? Note = null);
