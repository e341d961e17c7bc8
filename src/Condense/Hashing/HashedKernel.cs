using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>
/// The hashed weight of one conv or Linear layer of a CNN (HashedNets on convolutions): a pool of
/// K = ⌈numel / factor⌉ real weights read by the virtual weight of any shape. The shape is seen as
/// a matrix of out rows and numel / out columns — for a convolution out × (in/groups · k · k), the
/// kernel's row-major flattening — and hashed exactly as <see cref="HashedLinear"/> hashes its
/// out × in matrix: the same <see cref="WeightHash"/> over (row, column), the same tables, the
/// same multi-hashing reductions and buckets. Only the weight is virtual: the layer's bias (and a
/// conv's BatchNorm) stay real parameters of the layer itself.
/// </summary>
internal sealed class HashedKernel : nn.Module
{
    readonly Tensor _index;
    readonly Tensor _sign;
    readonly Parameter _pool;

    /// <param name="shape">The virtual weight's shape (out first: [out, in] or [out, in/groups, k, k]).</param>
    /// <param name="poolSize">Real weights K, 1 ≤ K.</param>
    /// <param name="reduction">How m reads combine.</param>
    /// <param name="seeds">One hash seed per hash function.</param>
    /// <param name="separateBuckets">Hash k reads only its own K/m entries.</param>
    public HashedKernel(long[] shape, long poolSize, HashReduction reduction, IReadOnlyList<ulong> seeds, bool separateBuckets)
        : base("HashedKernel")
    {
        if (shape.Length < 2 || shape.Any(d => d <= 0)) throw new CondenseException($"weight shape [{string.Join(", ", shape)}] must be at least two positive sizes");
        var columns = shape.Skip(1).Aggregate(1L, (a, d) => a * d);
        if (shape[0] > int.MaxValue || columns > int.MaxValue) throw new CondenseException($"weight shape [{string.Join(", ", shape)}] is too large to hash");
        if (poolSize < 1 || poolSize > int.MaxValue) throw new CondenseException($"pool size {poolSize} must be in 1–{int.MaxValue}");
        if (seeds.Count is < 1 or > 16) throw new CondenseException($"hashes {seeds.Count} must be in 1–16");
        SeparateBuckets = separateBuckets && seeds.Count > 1;
        if (SeparateBuckets && poolSize % seeds.Count != 0)
            throw new CondenseException($"pool size {poolSize} must be a multiple of the {seeds.Count} separate buckets");
        Shape = shape.ToArray();
        Rows = (int)shape[0];
        Columns = (int)columns;
        Reduction = reduction;
        Hashes = seeds.Count;
        PoolSize = poolSize;
        var (index, sign) = HashedLinear.BuildTables(Columns, Rows, (int)poolSize, seeds, SeparateBuckets);
        _index = tensor(index, [Hashes, (long)Rows * Columns]);
        _sign = tensor(sign, [Hashes, (long)Rows * Columns]);
        // Columns is the fan-in of a Linear row and of a conv filter (in/groups · k · k) alike.
        var bound = HashedLinear.PoolBound(Columns, reduction, Hashes);
        using (no_grad()) _pool = new Parameter(empty(poolSize).uniform_(-bound, bound));
        register_parameter("pool", _pool);
    }

    /// <summary>The virtual weight's shape.</summary>
    public IReadOnlyList<long> Shape { get; }
    /// <summary>Rows of the hashed matrix (the layer's outputs).</summary>
    public int Rows { get; }
    /// <summary>Columns of the hashed matrix (numel / rows: the fan-in).</summary>
    public int Columns { get; }
    /// <summary>Hash functions per virtual weight (m).</summary>
    public int Hashes { get; }
    /// <summary>Real weights K.</summary>
    public long PoolSize { get; }
    /// <summary>How the m reads combine.</summary>
    public HashReduction Reduction { get; }
    /// <summary>True when each hash reads its own bucket of K/m entries.</summary>
    public bool SeparateBuckets { get; }
    /// <summary>The pool of real weights.</summary>
    public Parameter Pool => _pool;
    /// <summary>m × numel bucket indices, row-major over the flattened weight.</summary>
    public Tensor Index => _index;
    /// <summary>m × numel signs ξ in {−1, +1}.</summary>
    public Tensor Sign => _sign;

    /// <summary>The virtual weight in <see cref="Shape"/>, differentiable in the pool.</summary>
    public Tensor VirtualWeight()
    {
        using var matrix = HashedLinear.VirtualWeight(_pool, _index, _sign, Rows, Columns, Reduction);
        return matrix.view([.. Shape]);
    }

    /// <inheritdoc/>
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
