using System.Globalization;
using Condense.Data;

namespace Condense.Pruning;

/// <summary>Settings of <see cref="ModelPruner"/>; validated before any work starts.</summary>
public sealed record ModelPruningOptions
{
    /// <summary>How weights are scored and where the threshold applies (per layer, global, SNIP, GraSP, SynFlow, …).</summary>
    public PruningCriterion Criterion { get; init; } = PruningCriterion.Global;

    /// <summary>Share of the weights to prune, [0, 1) (for <see cref="PruningCriterion.Structured"/>: share of hidden neurons).</summary>
    public double Sparsity { get; init; } = 0.9;

    /// <summary>Seeds random pruning and the data sample of SNIP/GraSP.</summary>
    public int Seed { get; init; }

    /// <summary>Training data for SNIP and GraSP (others ignore it).</summary>
    public Dataset? Data { get; init; }

    /// <summary>How many samples SNIP and GraSP score on; 1–65536, default 512.</summary>
    public int SaliencySamples { get; init; } = SaliencyBatch.DefaultSamples;

    /// <summary>SynFlow's pruning rounds; 1–10000, default 100 as in the paper.</summary>
    public int SynFlowIterations { get; init; } = SynFlow.DefaultIterations;

    /// <summary>Norm order for structured pruning; ≥ 1, default 2.</summary>
    public double StructuredNorm { get; init; } = 2;

    /// <summary>Names of the layers to prune (fc1, fc2, …); null prunes them all.</summary>
    public IReadOnlyList<string>? Layers { get; init; }

    /// <summary>Throws a <see cref="CondenseException"/> quoting the first out-of-range setting, before the model is touched.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Criterion)) throw new CondenseException($"unknown pruning method {(int)Criterion}");
        PruningAmount.OfFraction(Sparsity);
        if (SaliencySamples is < 1 or > 65536) throw new CondenseException($"saliency samples {SaliencySamples} must be in 1–65536");
        if (SynFlowIterations is < 1 or > 10000) throw new CondenseException($"SynFlow iterations {SynFlowIterations} must be in 1–10000");
        if (!(StructuredNorm >= 1)) throw new CondenseException($"norm order {StructuredNorm.ToString(CultureInfo.InvariantCulture)} must be ≥ 1");
        if (Criterion.NeedsData() && (Data is null || Data.Count == 0))
            throw new CondenseException($"{Criterion.Name()} needs training data to score weights (use synflow, which is data-free, or give data)");
    }
}
