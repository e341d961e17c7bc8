namespace Condense.Graph.Structure;

/// <summary>
/// Settings of structured (channel/neuron) pruning of an ONNX graph, validated on construction.
/// </summary>
public sealed record StructuredPruningOptions
{
    /// <summary>The default refit ridge (a share of XᵀX's mean diagonal).</summary>
    public const double DefaultRidge = 1e-2;

    /// <summary>The largest ridge accepted: beyond it the refit is the original weights for every purpose.</summary>
    public const double MaxRidge = 100;

    /// <param name="fraction">Share of the prunable layers' FLOPs (or parameters) to remove, in (0, 1); e.g. 0.25 (0 when only heads are pruned).</param>
    /// <param name="kind">What the fraction counts.</param>
    /// <param name="scope">Per-group (uniform) or global ranking.</param>
    /// <param name="importance">How channels are scored; <see cref="ChannelImportance.Reconstruction"/> needs data.</param>
    /// <param name="refit">Refit each layer that read a removed channel by least squares on the calibration inputs.</param>
    /// <param name="ridge">Refit ridge as a fraction of the mean diagonal of XᵀX, in [0, 100]; 1e-2 keeps an under-determined refit (fewer rows than features) near the original weights.</param>
    /// <param name="roundTo">Kept channels of each group are a multiple of this (1–64), as Torch-Pruning's <c>round_to</c>: CPU kernels run fastest on multiples of 8 or 16.</param>
    /// <param name="keepWhole">Groups (by producer name, as the report lists them) left whole: a per-layer budget by hand for layers the refit cannot repair (ResNet18's stage 4).</param>
    /// <param name="heads">Share of the attention heads of every attention block to remove, in [0, 1) (0: heads are left whole); the lowest-scoring heads of each block go, apart from the channel budget.</param>
    /// <param name="refitMode">Refit in graph order on the pruned network's own inputs (default), or all at once on the original's.</param>
    /// <param name="shares">Per group (by producer name), the share of its channels removed, in [0, 1): a per-group budget by hand (ResNet18: cut the early stages, whose refit generalises, harder than the late ones); the other groups share what is left of the budget.</param>
    /// <param name="keepTied">Leave groups tied by residual connections (more than one producer) whole: a residual stream carries every block's output, so cutting it costs the most accuracy.</param>
    public StructuredPruningOptions(double fraction, BudgetKind kind = BudgetKind.Flops, BudgetScope scope = BudgetScope.Uniform,
        ChannelImportance importance = ChannelImportance.Reconstruction, bool refit = true, double ridge = DefaultRidge, int roundTo = 1, bool keepTied = false,
        IReadOnlyCollection<string>? keepWhole = null, RefitMode refitMode = RefitMode.Sequential, double heads = 0,
        IReadOnlyDictionary<string, double>? shares = null)
    {
        foreach (var (name, share) in shares ?? new Dictionary<string, double>())
            if (!(share >= 0 && share < 1)) throw new CondenseException($"share {share} of group '{name}' must be in [0, 1)");
        Shares = shares ?? new Dictionary<string, double>();
        if (!(heads >= 0 && heads < 1)) throw new CondenseException($"head fraction {heads} must be in [0, 1)");
        Heads = heads;
        RefitMode = refitMode;
        KeepWhole = keepWhole ?? [];
        if (roundTo is < 1 or > 64) throw new CondenseException($"round-to {roundTo} must be in 1–64");
        RoundTo = roundTo;
        KeepTied = keepTied;
        if (!((fraction > 0 || (fraction == 0 && heads > 0)) && fraction < 1)) throw new CondenseException($"fraction {fraction} must be in (0, 1)");
        if (!(ridge >= 0 && ridge <= MaxRidge)) throw new CondenseException($"ridge {ridge} must be in [0, {MaxRidge}]");
        Fraction = fraction;
        Kind = kind;
        Scope = scope;
        Importance = importance;
        Refit = refit;
        Ridge = ridge;
    }

    /// <summary>Share of the prunable layers' FLOPs or parameters removed.</summary>
    public double Fraction { get; }

    /// <summary>What <see cref="Fraction"/> counts.</summary>
    public BudgetKind Kind { get; }

    /// <summary>How the budget is shared.</summary>
    public BudgetScope Scope { get; }

    /// <summary>Channel scoring.</summary>
    public ChannelImportance Importance { get; }

    /// <summary>Whether consumers are refitted.</summary>
    public bool Refit { get; }

    /// <summary>Share of each attention block's heads removed (0: none).</summary>
    public double Heads { get; }

    /// <summary>How the refit sees its inputs.</summary>
    public RefitMode RefitMode { get; }

    /// <summary>Refit ridge.</summary>
    public double Ridge { get; }

    /// <summary>Kept channels per group are a multiple of this.</summary>
    public int RoundTo { get; }

    /// <summary>Whether tied (residual) groups are left whole.</summary>
    public bool KeepTied { get; }

    /// <summary>Per group name, the share of its channels removed (the budget of the others is what is left).</summary>
    public IReadOnlyDictionary<string, double> Shares { get; }

    /// <summary>Groups left whole by name.</summary>
    public IReadOnlyCollection<string> KeepWhole { get; }

    /// <summary>Whether the options need calibration data.</summary>
    public bool NeedsData => Refit || Importance is ChannelImportance.Reconstruction or ChannelImportance.Obs;
}
