namespace Condense.Studio.Bench;

/// <summary>
/// Latencies of one page's steps, in milliseconds, measured over HTTP on loopback after the page
/// has loaded. <see cref="Step"/> says what a step is (a slider value, a download);
/// <see cref="ColdP95"/> covers the first request of each value, <see cref="P95"/> the whole
/// sweep (first visits and returns). <see cref="LoadMilliseconds"/> is the page's opening: the
/// requests its front end sends and the wait until it reports ready (model loading, background
/// solving), not counted in the percentiles. <see cref="Change"/> says what a change of method,
/// image or model is on this page (null: the page has none), <see cref="Changes"/> how many were
/// timed and <see cref="ChangeP95"/>/<see cref="ChangeMax"/> their latency. <see cref="Note"/>
/// adds what the server measured.
/// </summary>
public sealed record PageLatency(
    string Page, string Step, int Requests, double P50, double P95, double ColdP95, double Max,
    double LoadMilliseconds, string? Note = null, string? Change = null, int Changes = 0, double? ChangeP95 = null, double? ChangeMax = null);
