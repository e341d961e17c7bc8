using TorchSharp;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>Checks shared by the low-rank algorithms, so every entry point rejects the same bad input with the same words.</summary>
internal static class MatrixGuard
{
    /// <summary>A 2-D, non-empty, finite floating-point matrix; returns it in the dtype the algorithms work in.</summary>
    public static Tensor Require(Tensor w, string what)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (w.dim() != 2)
            throw new CondenseException($"{what}: expected a 2-D matrix, got a tensor of shape [{string.Join(", ", w.shape)}]");
        if (w.shape[0] == 0 || w.shape[1] == 0)
            throw new CondenseException($"{what}: the matrix is empty ({w.shape[0]}×{w.shape[1]})");
        if (!w.is_floating_point())
            throw new CondenseException($"{what}: expected floating-point weights, got {w.dtype}");
        using (var scope = NewDisposeScope())
        {
            var bad = (~isfinite(w)).sum().item<long>();
            if (bad > 0)
                throw new CondenseException($"{what}: the matrix has {bad} NaN or infinite value(s)");
        }
        return w.dtype is ScalarType.Float32 or ScalarType.Float64 ? w.alias() : w.to_type(ScalarType.Float32);
    }

    public static void RequireRank(int rank, long rows, long columns, string what)
    {
        var max = Math.Min(rows, columns);
        if (rank <= 0)
            throw new CondenseException($"{what}: rank must be at least 1, got {rank}");
        if (rank > max)
            throw new CondenseException($"{what}: rank {rank} exceeds min(m, n) = {max} of the {rows}×{columns} matrix");
    }
}
