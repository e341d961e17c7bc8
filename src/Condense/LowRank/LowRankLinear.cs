using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Condense.LowRank;

/// <summary>
/// A linear layer y = U(Vx) + b with V: n→r (no bias) and U: r→m, replacing an m×n
/// <see cref="TorchSharp.Modules.Linear"/> by two thinner ones (784→r→1000 style). It stores r(m + n) weights instead of
/// mn, a saving only while r &lt; mn/(m + n) (<see cref="BreakEvenRank"/>); above that the pair is
/// larger than the layer it replaces, and <see cref="CompressionNote"/> says so.
/// Built from a trained layer (<see cref="FromLinear(Linear, LowRankApproximation)"/>) or trained
/// factorised from the start (the constructor: both factors get Linear's default initialisation).
/// </summary>
public sealed class LowRankLinear : Module<Tensor, Tensor>
{
    readonly Linear v;
    readonly Linear u;

    /// <summary>A fresh, randomly initialised factorised layer.</summary>
    public LowRankLinear(long inFeatures, long outFeatures, int rank, bool hasBias = true, string name = "LowRankLinear")
        : base(name)
    {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new CondenseException($"low-rank linear: features must be positive, got {inFeatures}→{outFeatures}");
        MatrixGuard.RequireRank(rank, outFeatures, inFeatures, "low-rank linear");
        v = Linear(inFeatures, rank, hasBias: false);
        u = Linear(rank, outFeatures, hasBias: hasBias);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Rank = rank;
        RegisterComponents();
    }

    /// <summary>n.</summary>
    public long InFeatures { get; }

    /// <summary>m.</summary>
    public long OutFeatures { get; }

    /// <summary>r.</summary>
    public int Rank { get; }

    /// <summary>The first factor, n→r: its weight is V_rᵀ (r×n).</summary>
    public Linear Right => v;

    /// <summary>The second factor, r→m: its weight is U_r·diag(σ) (m×r), with the original bias.</summary>
    public Linear Left => u;

    /// <summary>r(m + n) plus the bias: the trainable parameters.</summary>
    public long ParameterCount => ParameterCountFor(OutFeatures, InFeatures, Rank, u.bias is not null);

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => u.forward(v.forward(input));

    /// <summary>The product U·V as one m×n weight (a new tensor the caller owns).</summary>
    public Tensor ProductWeight()
    {
        using var noGrad = no_grad();
        return u.weight!.mm(v.weight!);
    }

    /// <summary>Replaces <paramref name="layer"/> by the factors of <paramref name="approximation"/> (of its weight) and its bias.</summary>
    public static LowRankLinear FromLinear(Linear layer, LowRankApproximation approximation)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(approximation);
        var weight = layer.weight!;
        if (approximation.Rows != weight.shape[0] || approximation.Columns != weight.shape[1])
            throw new CondenseException($"low-rank linear: factors are {approximation.Rows}×{approximation.Columns}, the layer's weight is {weight.shape[0]}×{weight.shape[1]}");
        var result = new LowRankLinear(weight.shape[1], weight.shape[0], approximation.Rank, layer.bias is not null);
        using var noGrad = no_grad();
        result.v.weight!.copy_(approximation.Right);
        result.u.weight!.copy_(approximation.Left);
        if (layer.bias is not null) result.u.bias!.copy_(layer.bias);
        return result;
    }

    /// <summary>Factorises <paramref name="layer"/>'s weight (exact or randomized SVD) and replaces the layer.</summary>
    public static LowRankLinear FromLinear(Linear layer, RankSelection selection, bool randomized = false, RandomizedSvdOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(layer);
        using var approximation = randomized
            ? RandomizedSvd.Compute(layer.weight!.detach(), selection, options)
            : TruncatedSvd.Compute(layer.weight!.detach(), selection);
        return FromLinear(layer, approximation);
    }

    /// <summary>Parameters of the factorised m×n layer at rank r: r(m + n), plus m for a bias.</summary>
    public static long ParameterCountFor(long rows, long columns, int rank, bool hasBias = false) =>
        rank * (rows + columns) + (hasBias ? rows : 0);

    /// <summary>mn/(m + n): ranks at or above it make the two factors at least as large as W.</summary>
    public static double BreakEvenRank(long rows, long columns) => (double)rows * columns / (rows + columns);

    /// <summary>True when r(m + n) &lt; mn, i.e. the factorisation stores fewer weights than W.</summary>
    public static bool Compresses(long rows, long columns, int rank) => (long)rank * (rows + columns) < rows * columns;

    /// <summary>Null when rank r compresses the m×n layer; otherwise a sentence saying it does not, and from which rank it would.</summary>
    public static string? CompressionNote(long rows, long columns, int rank)
    {
        if (Compresses(rows, columns, rank)) return null;
        var breakEven = BreakEvenRank(rows, columns);
        return string.Create(CultureInfo.InvariantCulture,
            $"rank {rank} does not compress the {rows}×{columns} layer: {(long)rank * (rows + columns)} factor weights ≥ {rows * columns}; only r < mn/(m+n) = {breakEven:F1} does");
    }
}
