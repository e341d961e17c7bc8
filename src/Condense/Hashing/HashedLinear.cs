using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>
/// A HashedNets layer (Chen et al., "Compressing Neural Networks with the Hashing Trick",
/// ICML 2015): virtual weight V[i, j] = ξ(i, j)·w[h(i, j)] reads a pool w of K real parameters,
/// K = ⌈in·out / factor⌉. With m hash functions (multi-hashing) each virtual weight combines m
/// reads by a <see cref="HashReduction"/>. Training is end to end: V is a gather of the pool, so
/// back-propagation sums into each pool entry the gradients of every virtual weight that reads it
/// (the paper's eq. 7), which autograd's gather backward does for us.
/// </summary>
/// <remarks>
/// The index and sign tables are computed once (m · in · out entries) rather than hashed on every
/// pass: it costs memory (9 bytes per virtual weight per hash) but makes a forward pass one
/// gather. <see cref="StructuredHashedLinear"/> is the variant that needs no tables.
/// </remarks>
internal sealed class HashedLinear : nn.Module<Tensor, Tensor>, IVirtualLinear
{
    readonly Tensor _index;
    readonly Tensor _sign;
    readonly Parameter _pool;
    readonly Parameter _bias;

    /// <param name="inFeatures">Inputs.</param>
    /// <param name="outFeatures">Outputs.</param>
    /// <param name="poolSize">Real weights K, 1 ≤ K.</param>
    /// <param name="reduction">How m reads combine.</param>
    /// <param name="seeds">One hash seed per hash function (m of them); see <see cref="WeightHash.SeedFor"/>.</param>
    /// <param name="separateBuckets">Hash k reads only bucket νₖ, entries [k·K/m, (k+1)·K/m) of the pool (K a multiple of m).</param>
    public HashedLinear(int inFeatures, int outFeatures, long poolSize, HashReduction reduction, IReadOnlyList<ulong> seeds, bool separateBuckets = false)
        : base("HashedLinear")
    {
        if (inFeatures <= 0 || outFeatures <= 0) throw new CondenseException($"layer shape {outFeatures}×{inFeatures} must be positive");
        if (poolSize < 1 || poolSize > int.MaxValue) throw new CondenseException($"pool size {poolSize} must be in 1–{int.MaxValue}");
        if (seeds.Count is < 1 or > 16) throw new CondenseException($"hashes {seeds.Count} must be in 1–16");
        SeparateBuckets = separateBuckets && seeds.Count > 1;
        if (SeparateBuckets && poolSize % seeds.Count != 0)
            throw new CondenseException($"pool size {poolSize} must be a multiple of the {seeds.Count} separate buckets");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Reduction = reduction;
        Hashes = seeds.Count;
        PoolSize = poolSize;
        var (index, sign) = BuildTables(inFeatures, outFeatures, (int)poolSize, seeds, SeparateBuckets);
        _index = tensor(index, [Hashes, (long)inFeatures * outFeatures]);
        _sign = tensor(sign, [Hashes, (long)inFeatures * outFeatures]);

        var bound = 1 / Math.Sqrt(inFeatures);
        var poolBound = PoolBound(inFeatures, reduction, Hashes);
        using (no_grad())
        {
            _pool = new Parameter(empty(poolSize).uniform_(-poolBound, poolBound));
            _bias = new Parameter(empty(outFeatures).uniform_(-bound, bound));
        }
        register_parameter("pool", _pool);
        register_parameter("bias", _bias);
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public int Hashes { get; }
    public long PoolSize { get; }
    public HashReduction Reduction { get; }

    /// <summary>True when each hash reads its own bucket of K/m entries (<see cref="HashingOptions.SeparateBuckets"/>).</summary>
    public bool SeparateBuckets { get; }
    public long RealWeights => PoolSize;
    public Tensor Bias => _bias;

    /// <summary>The pool of real weights.</summary>
    public Parameter Pool => _pool;

    /// <summary>m × (out·in) bucket indices, row-major over (i, j).</summary>
    public Tensor Index => _index;

    /// <summary>m × (out·in) signs ξ in {−1, +1}.</summary>
    public Tensor Sign => _sign;

    public Tensor VirtualWeight() => VirtualWeight(_pool, _index, _sign, OutFeatures, InFeatures, Reduction);

    public override Tensor forward(Tensor input)
    {
        using var w = VirtualWeight();
        return nn.functional.linear(input, w, _bias);
    }

    /// <summary>The functional form: V from a pool and the tables (any floating dtype, differentiable in <paramref name="pool"/>).</summary>
    public static Tensor VirtualWeight(Tensor pool, Tensor index, Tensor sign, int outFeatures, int inFeatures, HashReduction reduction)
    {
        using var scope = NewDisposeScope();
        var m = index.shape[0];
        var n = index.shape[1];
        var gathered = pool.index_select(0, index.view(-1)).view(m, n) * sign.to_type(pool.dtype);
        var combined = m == 1 ? gathered.squeeze(0) : reduction switch
        {
            HashReduction.Sum => gathered.sum(0L) / Math.Sqrt(m),
            HashReduction.Product => gathered.prod(0L),
            HashReduction.Max => gathered.amax([0]),
            HashReduction.Min => gathered.amin([0]),
            _ => throw new CondenseException($"unknown reduction '{reduction}'"),
        };
        return combined.view(outFeatures, inFeatures).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The half-width of the uniform pool initialisation that makes V start with nn.Linear's (and
    /// nn.Conv2d's) spread, U(−1/√fan-in, 1/√fan-in): for a sum of m reads the 1/√m of the
    /// reduction keeps the variance; for a product each factor gets the m-th root of the variance;
    /// max and min read one entry, so the plain bound.
    /// </summary>
    public static double PoolBound(long fanIn, HashReduction reduction, int hashes)
    {
        var bound = 1 / Math.Sqrt(fanIn);
        return reduction == HashReduction.Product && hashes > 1
            ? Math.Sqrt(3) * Math.Pow(bound * bound / 3, 1.0 / (2 * hashes))
            : bound;
    }

    /// <summary>Hashes every (i, j) once: bucket indices and signs, m rows of out·in. With
    /// <paramref name="separateBuckets"/> hash k maps into [k·K/m, (k+1)·K/m) (K a multiple of m).</summary>
    public static (long[] Index, float[] Sign) BuildTables(int inFeatures, int outFeatures, int poolSize, IReadOnlyList<ulong> seeds, bool separateBuckets = false)
    {
        var bucket = separateBuckets ? poolSize / seeds.Count : poolSize;
        var n = (long)inFeatures * outFeatures;
        var index = new long[seeds.Count * n];
        var sign = new float[seeds.Count * n];
        for (var k = 0; k < seeds.Count; k++)
        {
            var hash = new WeightHash(seeds[k], bucket);
            var start = separateBuckets ? (long)k * bucket : 0;
            var offset = k * n;
            for (var i = 0; i < outFeatures; i++)
            {
                for (var j = 0; j < inFeatures; j++)
                {
                    var at = offset + (long)i * inFeatures + j;
                    index[at] = start + hash.Bucket(i, j);
                    sign[at] = hash.Sign(i, j);
                }
            }
        }
        return (index, sign);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _index.Dispose();
            _sign.Dispose();
        }
        base.Dispose(disposing);
    }
}
