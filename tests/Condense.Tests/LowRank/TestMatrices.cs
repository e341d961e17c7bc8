using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

/// <summary>Matrices with singular values chosen by the test: U·diag(σ)·Vᵀ with random orthogonal U, V.</summary>
internal static class TestMatrices
{
    public static Tensor WithSingularValues(int m, int n, double[] sigma, ulong seed = 1, ScalarType dtype = ScalarType.Float64)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        int k = sigma.Length;
        var (u, _) = linalg.qr(randn(new long[] { m, k }, dtype: ScalarType.Float64, generator: generator));
        var (v, _) = linalg.qr(randn(new long[] { n, k }, dtype: ScalarType.Float64, generator: generator));
        var a = (u * tensor(sigma)).mm(v.t()).to_type(dtype);
        return scope.MoveToOuter(a);
    }

    /// <summary>σ_i = 1/i, i = 1..count.</summary>
    public static double[] Harmonic(int count) => Enumerable.Range(1, count).Select(i => 1.0 / i).ToArray();
}
