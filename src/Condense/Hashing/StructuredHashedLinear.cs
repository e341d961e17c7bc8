using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>
/// Structured multi-hashing's memory-friendly form (Wu et al., CVPR 2020, §3.2): the real
/// parameters are two thin matrices U (a × r) and V (r × b) with a·b ≥ out·in; θ = U·V is
/// flattened and its first out·in entries, reshaped, are the layer's weights. Unlike
/// <see cref="HashedLinear"/> it needs no index tables (the "hash" is the fixed reshape), so
/// memory is r·(a + b) numbers, and the forward pass is a small matrix product. The paper shares
/// one θ across all layers; we give each layer its own, which keeps layers independent for the
/// per-layer planner and costs nothing in parameters.
/// </summary>
/// <remarks>
/// Reshaping mixes rows: virtual row i is a slice of θ's flattened rows, so W is not itself of
/// rank r — which is the point, and what separates this from low-rank factorisation of W.
/// </remarks>
internal sealed class StructuredHashedLinear : nn.Module<Tensor, Tensor>, IVirtualLinear
{
    readonly Parameter _u;
    readonly Parameter _v;
    readonly Parameter _bias;

    /// <param name="inFeatures">Inputs.</param>
    /// <param name="outFeatures">Outputs.</param>
    /// <param name="poolSize">Real weight budget; the rank r = max(1, ⌊budget / (a + b)⌋), so the
    /// real count is r·(a + b), at most the budget unless r had to be raised to 1.</param>
    public StructuredHashedLinear(int inFeatures, int outFeatures, long poolSize) : base("StructuredHashedLinear")
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new CondenseException($"layer shape {outFeatures}×{inFeatures} must be positive");
        if (poolSize < 1) throw new CondenseException($"pool size {poolSize} must be at least 1");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        var n = (long)inFeatures * outFeatures;
        Rows = (int)Math.Ceiling(Math.Sqrt(n));
        Columns = (int)((n + Rows - 1) / Rows);
        Rank = (int)Math.Max(1, Math.Min(Math.Min(Rows, Columns), poolSize / (Rows + Columns)));
        // Entries of U·V are sums of r products; N(0, s²) factors with s⁴·r = bound²/3 give
        // θ the variance of nn.Linear's U(−1/√in, 1/√in) initialisation.
        var bound = 1 / Math.Sqrt(inFeatures);
        var s = Math.Pow(bound * bound / 3 / Rank, 0.25);
        using (no_grad())
        {
            _u = new Parameter(randn(Rows, Rank).mul_(s));
            _v = new Parameter(randn(Rank, Columns).mul_(s));
            _bias = new Parameter(empty(outFeatures).uniform_(-bound, bound));
        }
        register_parameter("u", _u);
        register_parameter("v", _v);
        register_parameter("bias", _bias);
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public int Rows { get; }
    public int Columns { get; }
    public int Rank { get; }
    public long RealWeights => (long)Rank * (Rows + Columns);
    public Tensor Bias => _bias;
    public Parameter U => _u;
    public Parameter V => _v;

    public Tensor VirtualWeight()
    {
        using var scope = NewDisposeScope();
        return _u.matmul(_v).view(-1).narrow(0, 0, (long)InFeatures * OutFeatures)
            .view(OutFeatures, InFeatures).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var w = VirtualWeight();
        return nn.functional.linear(input, w, _bias);
    }
}
