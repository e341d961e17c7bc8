using TorchSharp;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// A split W ≈ L + S of an m×n matrix: L = Left·Right of rank r (Left m×r, Right r×n, as in
/// <see cref="LowRankApproximation"/>) and S with s nonzeros stored as flat row-major indices
/// (ascending) and their values. Tensors are in W's dtype; the errors are measured in float64 from
/// these stored tensors, not from the algorithm's float64 iterates. Owns its tensors (dispose it).
/// </summary>
/// <remarks>
/// Storage is counted two ways. <see cref="StorageBytes"/>: every weight (factors and S's values) at
/// W's element size plus a 4-byte absolute index per entry of S (int32 flat index; 8 bytes when
/// m·n ≥ 2³¹) — what a plain coordinate list costs. <see cref="CompactStorageBytes"/>: S's indices as
/// Deep Compression's relative gaps (<see cref="Pruning.RelativeIndexSparse"/>, the <c>.csparse</c>
/// encoding) at the cheapest width, padding entries (a zero value bridging a long gap) included.
/// </remarks>
public sealed class LowRankPlusSparseResult : IDisposable
{
    internal LowRankPlusSparseResult(Tensor left, Tensor right, Tensor sparseIndices, Tensor sparseValues,
        RelativeErrors errors, IReadOnlyList<double> iterationErrors, bool converged, string method,
        int compactIndexBits, long compactEntries)
    {
        Left = left;
        Right = right;
        SparseIndices = sparseIndices;
        SparseValues = sparseValues;
        RelativeSpectralError = errors.Spectral;
        RelativeFrobeniusError = errors.Frobenius;
        IterationErrors = iterationErrors;
        Converged = converged;
        Method = method;
        CompactIndexBits = compactIndexBits;
        CompactEntries = compactEntries;
    }

    /// <summary>U_r·diag(σ) of the final L-step, m×r.</summary>
    public Tensor Left { get; }

    /// <summary>V_rᵀ of the final L-step, r×n.</summary>
    public Tensor Right { get; }

    /// <summary>S's positions as flat row-major indices i·n + j, int64, ascending, s of them.</summary>
    public Tensor SparseIndices { get; }

    /// <summary>S's values at <see cref="SparseIndices"/>, W's dtype.</summary>
    public Tensor SparseValues { get; }

    /// <summary>r.</summary>
    public int Rank => (int)Left.shape[1];

    /// <summary>m.</summary>
    public long Rows => Left.shape[0];

    /// <summary>n.</summary>
    public long Columns => Right.shape[1];

    /// <summary>s, the nonzeros of S.</summary>
    public long SparseCount => SparseIndices.shape[0];

    /// <summary>‖W − L − S‖₂ / ‖W‖₂ (largest singular value of the residual; float64).</summary>
    public double RelativeSpectralError { get; }

    /// <summary>‖W − L − S‖_F / ‖W‖_F (float64).</summary>
    public double RelativeFrobeniusError { get; }

    /// <summary>‖W − L_t − S_t‖_F / ‖W‖_F after each iteration t (float64 iterates): never rising.</summary>
    public IReadOnlyList<double> IterationErrors { get; }

    /// <summary>Iterations run (SVDs paid for).</summary>
    public int Iterations => IterationErrors.Count;

    /// <summary>True when the tolerance stopped the iteration (or no step could lower the error); false when the iteration limit did.</summary>
    public bool Converged { get; }

    /// <summary>"truncated" or "randomized": the SVD of the L-step.</summary>
    public string Method { get; }

    /// <summary>r(m + n): the weights of the two factors.</summary>
    public long FactorParameters => Rank * (Rows + Columns);

    /// <summary>r(m + n) + s: the weights stored (indices are storage, not parameters; see <see cref="StorageBytes"/>).</summary>
    public long ParameterCount => FactorParameters + SparseCount;

    /// <summary>Bytes per stored weight: W's element size (4 for float32).</summary>
    public int BytesPerValue => (int)SparseValues.ElementSize;

    /// <summary>Bytes of one absolute index of S: 4 (int32) while m·n &lt; 2³¹, else 8.</summary>
    public int IndexBytes => Rows * Columns <= int.MaxValue ? 4 : 8;

    /// <summary>(r(m + n) + s)·value bytes + s·index bytes: factors, S's values and S's absolute indices.</summary>
    public long StorageBytes => ParameterCount * BytesPerValue + SparseCount * IndexBytes;

    /// <summary>m·n·value bytes, the dense W.</summary>
    public long DenseBytes => Rows * Columns * BytesPerValue;

    /// <summary>Dense bytes ÷ <see cref="StorageBytes"/>: how many times smaller (the inverse of a ratio); below 1 the split is larger than W.</summary>
    public double TimesSmaller => (double)DenseBytes / StorageBytes;

    /// <summary>The relative-index width (1–8 bits) that stores S's positions in the fewest bytes.</summary>
    public int CompactIndexBits { get; }

    /// <summary>Entries of S in the relative-index encoding, padding included (≥ s).</summary>
    public long CompactEntries { get; }

    /// <summary>Factors at value bytes, plus S as relative gaps of <see cref="CompactIndexBits"/> bits and one value per entry (padding included).</summary>
    public long CompactStorageBytes =>
        FactorParameters * BytesPerValue + Codecs.RelativeIndex.PackedGapBytes(CompactEntries, CompactIndexBits) + CompactEntries * BytesPerValue;

    /// <summary>Dense bytes ÷ <see cref="CompactStorageBytes"/> (how many times smaller).</summary>
    public double CompactTimesSmaller => (double)DenseBytes / CompactStorageBytes;

    /// <summary>S as a new dense m×n tensor in W's dtype (the caller owns it).</summary>
    public Tensor Sparse()
    {
        using var scope = NewDisposeScope();
        var dense = zeros(Rows * Columns, dtype: SparseValues.dtype).index_put_(SparseValues, SparseIndices);
        return dense.reshape(Rows, Columns).MoveToOuterDisposeScope();
    }

    /// <summary>L + S = Left·Right + S as a new m×n tensor in W's dtype (the caller owns it).</summary>
    public Tensor Reconstruct()
    {
        using var scope = NewDisposeScope();
        var flat = Left.mm(Right).flatten().index_add_(0, SparseIndices, SparseValues, 1);
        return flat.reshape(Rows, Columns).MoveToOuterDisposeScope();
    }

    /// <summary>Frees the low-rank factors and the sparse part (LibTorch memory).</summary>
    public void Dispose()
    {
        Left.Dispose();
        Right.Dispose();
        SparseIndices.Dispose();
        SparseValues.Dispose();
    }
}
