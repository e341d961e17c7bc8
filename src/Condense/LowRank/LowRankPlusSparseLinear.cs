using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// A linear layer whose weight is L + S (<see cref="LowRankPlusSparse"/>): W = Left·Right + S, S
/// with s nonzeros at fixed flat row-major positions. The factors, S's values and the bias are
/// parameters (so the layer can be fine-tuned with S's support frozen); the positions are an
/// index buffer. What <c>condense lowrank --plus-sparse … -o</c> writes: the file holds r(m + n) + s
/// weights and s int32 positions, never the dense W.
/// </summary>
internal sealed class LowRankPlusSparseLinear : nn.Module<Tensor, Tensor>
{
    readonly Parameter _left;
    readonly Parameter _right;
    readonly Parameter _values;
    readonly Parameter _bias;
    readonly Tensor _indices;

    /// <param name="inFeatures">n.</param>
    /// <param name="outFeatures">m.</param>
    /// <param name="rank">r of Left·Right.</param>
    /// <param name="indices">Flat row-major positions i·in + j of S, each in [0, out·in), ascending and distinct.</param>
    public LowRankPlusSparseLinear(int inFeatures, int outFeatures, int rank, long[] indices) : base("LowRankPlusSparseLinear")
    {
        if (inFeatures < 1 || outFeatures < 1) throw new CondenseException($"L + S layer: shape {outFeatures}×{inFeatures} must be positive");
        MatrixGuard.RequireRank(rank, outFeatures, inFeatures, "L + S layer");
        var n = (long)inFeatures * outFeatures;
        for (var k = 0; k < indices.Length; k++)
            if (indices[k] < 0 || indices[k] >= n || (k > 0 && indices[k] <= indices[k - 1]))
                throw new CondenseException($"L + S layer: sparse positions must be ascending, distinct and in [0, {n}); entry {k} is {indices[k]}");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Rank = rank;
        _indices = tensor(indices, [indices.LongLength]);
        _left = new Parameter(zeros(outFeatures, rank));
        _right = new Parameter(zeros(rank, inFeatures));
        _values = new Parameter(zeros(indices.LongLength));
        _bias = new Parameter(zeros(outFeatures));
        register_parameter("left", _left);
        register_parameter("right", _right);
        register_parameter("sparse_values", _values);
        register_parameter("bias", _bias);
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }
    public int Rank { get; }
    public long SparseCount => _indices.shape[0];

    /// <summary>S's flat positions (int64).</summary>
    public Tensor SparseIndices => _indices;

    /// <summary>r(m + n) + s weights and m biases.</summary>
    public long ParameterCount => (long)Rank * (InFeatures + OutFeatures) + SparseCount + OutFeatures;

    /// <summary>A layer holding <paramref name="split"/> (factors, S) and <paramref name="bias"/>.</summary>
    public static LowRankPlusSparseLinear From(LowRankPlusSparseResult split, Tensor bias)
    {
        using var idx = split.SparseIndices.contiguous();
        var layer = new LowRankPlusSparseLinear((int)split.Columns, (int)split.Rows, split.Rank, idx.data<long>().ToArray());
        using var _ = no_grad();
        layer._left.copy_(split.Left);
        layer._right.copy_(split.Right);
        layer._values.copy_(split.SparseValues);
        layer._bias.copy_(bias);
        return layer;
    }

    /// <summary>Left·Right + S as an out × in matrix (differentiable in the parameters).</summary>
    public Tensor Weight()
    {
        using var scope = NewDisposeScope();
        var flat = _left.mm(_right).flatten().index_add(0, _indices, _values, 1);
        return flat.view(OutFeatures, InFeatures).MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor input)
    {
        using var w = Weight();
        return nn.functional.linear(input, w, _bias);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _indices.Dispose();
        base.Dispose(disposing);
    }
}
