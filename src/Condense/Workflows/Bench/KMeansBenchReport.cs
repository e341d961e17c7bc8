using System.Text.Json.Serialization;

namespace Condense.Workflows.Bench;

/// <summary>
/// What <c>condense bench kmeans</c> reports and <c>condense bench all</c> judges (issue 4): seconds
/// and SSE per bit width, cond₁(W), and scikit-learn's figures beside them. Serialized snake_case
/// with the keys the command has always printed; a figure a run did not produce is left out.
/// </summary>
/// <param name="N">Matrix side.</param>
/// <param name="Weights">n².</param>
/// <param name="Distribution">The law of W.</param>
/// <param name="Seed">Seed of W.</param>
/// <param name="Cond1">cond₁(W) (null for n &gt; 2048).</param>
/// <param name="Cond1S">Best wall seconds of cond₁.</param>
/// <param name="Cond1CpuS">Best process CPU seconds of cond₁.</param>
/// <param name="Repeat">Runs per setting.</param>
/// <param name="Peers">live, "quoted from issue 4" or none.</param>
/// <param name="Runs">One row per bit width.</param>
public sealed record KMeansBenchReport(int N, long Weights, string Distribution, int Seed, double? Cond1, double? Cond1S, double? Cond1CpuS,
    int Repeat, string Peers, IReadOnlyList<KMeansBenchRow> Runs)
{
    /// <summary>The bench's name, first in the JSON as every bench report has it.</summary>
    [JsonPropertyOrder(-1)]
    public string Bench => "kmeans";
}

/// <summary>One bit width of <see cref="KMeansBenchReport"/>.</summary>
/// <param name="Bits">Bit width.</param>
/// <param name="K">2^bits clusters.</param>
/// <param name="FastS">Best wall seconds of the fast (default) k-means.</param>
/// <param name="FastCpuS">Best process CPU seconds of the fast k-means.</param>
/// <param name="FastSse">Its SSE.</param>
/// <param name="FastMethod">The method it chose.</param>
/// <param name="FastIterations">Its iterations.</param>
public sealed record KMeansBenchRow(int Bits, int K, double FastS, double FastCpuS, double FastSse, string FastMethod, int FastIterations)
{
    /// <summary>Best wall seconds of the exact solver (when it ran).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ExactS { get; init; }

    /// <summary>Best process CPU seconds of the exact solver.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ExactCpuS { get; init; }

    /// <summary>The exact (optimal) SSE.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ExactSse { get; init; }

    /// <summary>How the exact solver got there (layered DP or λ search).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ExactMethod { get; init; }

    /// <summary>DP solves of the λ search (only for that method).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ExactSolves { get; init; }

    /// <summary>MiB the exact solver allocated per run.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? ExactAllocatedMb { get; init; }

    /// <summary>100 · (fast − exact) / exact SSE.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? FastGapPercent { get; init; }

    /// <summary>scikit-learn 1.2's seconds quoted in issue 4 (n = 1000 only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SklearnQuotedS { get; init; }

    /// <summary>scikit-learn 1.2's SSE quoted in issue 4.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SklearnQuotedSse { get; init; }

    /// <summary>The optimal SSE quoted in issue 4.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? OptimalQuotedSse { get; init; }

    /// <summary>scikit-learn's seconds, measured live.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SklearnS { get; init; }

    /// <summary>scikit-learn's SSE, measured live.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? SklearnSse { get; init; }

    /// <summary>numpy's exact SSE, measured live.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NumpyExactSse { get; init; }

    /// <summary>numpy's exact seconds, measured live.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? NumpyExactS { get; init; }
}
