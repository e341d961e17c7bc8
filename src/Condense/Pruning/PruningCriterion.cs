namespace Condense.Pruning;

/// <summary>The model-level pruning methods <see cref="ModelPruner"/> (and the CLI's <c>--method</c>) offer.</summary>
public enum PruningCriterion
{
    /// <summary>Layer-wise magnitude: every layer loses the same share of its smallest |w|.</summary>
    Magnitude,
    /// <summary>Global magnitude: the smallest |w| across all layers go (PyTorch's <c>global_unstructured</c> with L1).</summary>
    Global,
    /// <summary>Uniform random, layer by layer: the baseline.</summary>
    Random,
    /// <summary>Hidden neurons with the lowest L2 norm of incoming weights; the sparsity is the share of hidden neurons removed per layer.</summary>
    Structured,
    /// <summary>SNIP, |∂L/∂θ ⊙ θ| on a data sample, global.</summary>
    Snip,
    /// <summary>GraSP, −θ ⊙ H g on a data sample, global.</summary>
    Grasp,
    /// <summary>SynFlow, data-free, iterated, global.</summary>
    SynFlow,
}

/// <summary>Names of <see cref="PruningCriterion"/> as the CLI spells them.</summary>
public static class PruningCriteria
{
    /// <summary>Every criterion, in declaration order, for help texts and sweeps.</summary>
    public static IReadOnlyList<PruningCriterion> All { get; } = Enum.GetValues<PruningCriterion>();

    /// <summary>The criterion's command-line name (lower case).</summary>
    public static string Name(this PruningCriterion c) => c.ToString().ToLowerInvariant();

    /// <summary>Parses a criterion's command-line name; an unknown one is a <see cref="CondenseException"/> listing the names.</summary>
    public static PruningCriterion Parse(string name)
    {
        foreach (var c in All)
            if (c.Name() == name.ToLowerInvariant()) return c;
        throw new CondenseException($"unknown pruning method '{name}' (known: {string.Join(", ", All.Select(Name))})");
    }

    /// <summary>Whether the method scores weights on data.</summary>
    public static bool NeedsData(this PruningCriterion c) => c is PruningCriterion.Snip or PruningCriterion.Grasp;
}
