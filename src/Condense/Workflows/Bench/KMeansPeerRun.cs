using System.Text.Json.Serialization;

namespace Condense.Workflows.Bench;

/// <summary>One bit width of scikit-learn's live run (../shared/peers/kmeans1d.py), as its JSON line reads.</summary>
/// <param name="Bits">Bit width.</param>
/// <param name="SklearnTimeS">scikit-learn's seconds.</param>
/// <param name="SklearnSse">scikit-learn's SSE in float64.</param>
/// <param name="ExactSse">numpy's exact SSE, when the peer ran it.</param>
/// <param name="ExactTimeS">numpy's exact seconds, when the peer ran it.</param>
public sealed record KMeansPeerRun(
    int Bits,
    double? SklearnTimeS,
    [property: JsonPropertyName("sklearn_sse64")] double? SklearnSse,
    double? ExactSse,
    double? ExactTimeS);

/// <summary>scikit-learn's live run: one row per bit width.</summary>
/// <param name="Runs">The rows.</param>
public sealed record KMeansPeerReport(IReadOnlyList<KMeansPeerRun> Runs);
