using System.Globalization;
using Condense.Data;

namespace Condense.Pruning;

/// <summary>
/// Settings of <see cref="ModelPruner"/>. Each setting is checked when it is set (initialiser or
/// <c>with</c>). The one rule that joins two settings — SNIP and GraSP need <see cref="Data"/> —
/// is checked by <see cref="ModelPruner.Apply"/> before it touches the model, since an init
/// accessor cannot know whether the other setting is still to come.
/// </summary>
public sealed record ModelPruningOptions
{
    /// <summary>How weights are scored and where the threshold applies (per layer, global, SNIP, GraSP, SynFlow, …).</summary>
    public PruningCriterion Criterion
    {
        get;
        init => field = Enum.IsDefined(value) ? value : throw new CondenseException($"pruning method must be one of {string.Join(", ", Enum.GetNames<PruningCriterion>())}, got {(int)value}");
    } = PruningCriterion.Global;

    /// <summary>Share of the weights to prune, [0, 1) (for <see cref="PruningCriterion.Structured"/>: share of hidden neurons).</summary>
    public double Sparsity
    {
        get;
        init
        {
            PruningAmount.OfFraction(value); // the library's one sparsity check and message
            field = value;
        }
    } = 0.9;

    /// <summary>Seeds random pruning and the data sample of SNIP/GraSP.</summary>
    public int Seed { get; init; }

    /// <summary>Training data for SNIP and GraSP (others ignore it).</summary>
    public Dataset? Data { get; init; }

    /// <summary>How many samples SNIP and GraSP score on; 1–65536, default 512.</summary>
    public int SaliencySamples { get; init => field = value is >= 1 and <= 65536 ? value : throw new CondenseException($"saliency samples must be 1–65536, got {value}"); } = SaliencyBatch.DefaultSamples;

    /// <summary>SynFlow's pruning rounds; 1–10000, default 100 as in the paper.</summary>
    public int SynFlowIterations { get; init => field = value is >= 1 and <= 10000 ? value : throw new CondenseException($"SynFlow iterations must be 1–10000, got {value}"); } = SynFlow.DefaultIterations;

    /// <summary>Norm order for structured pruning; ≥ 1, default 2.</summary>
    public double StructuredNorm
    {
        get;
        init => field = value >= 1 ? value : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"norm order must be at least 1, got {value}"));
    } = 2;

    /// <summary>Names of the layers to prune (fc1, fc2, …); null prunes them all.</summary>
    public IReadOnlyList<string>? Layers { get; init; }

    /// <summary>Throws when the criterion scores weights on data and none was given (the one cross-setting rule).</summary>
    internal void RequireDataIfNeeded()
    {
        if (Criterion.NeedsData() && (Data is null || Data.Count == 0))
            throw new CondenseException($"{Criterion.Name()} needs training data to score weights (use synflow, which is data-free, or give data)");
    }
}
