using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

/// <summary>GoDec's W ≈ L + S: exact recovery, monotone error, the s = 0 case, a real layer, determinism.</summary>
public class LowRankPlusSparseTests
{
    /// <summary>L0 = A·B of rank r (Gaussian factors) and S0 with s spikes of magnitude 10–20 at distinct random positions.</summary>
    static (Tensor L0, Tensor S0, long[] Support) LowRankPlusSpikes(int m, int n, int r, int s, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(seed);
        var l0 = randn(new long[] { m, r }, ScalarType.Float64, generator: generator)
            .mm(randn(new long[] { r, n }, ScalarType.Float64, generator: generator));
        var support = randperm(m * n, generator: generator)[..s].sort().Values;
        var magnitudes = rand(new long[] { s }, ScalarType.Float64, generator: generator) * 10 + 10;
        var signs = randint(0, 2, new long[] { s }, generator: generator).to_type(ScalarType.Float64) * 2 - 1;
        var s0 = zeros(m * n, dtype: ScalarType.Float64).index_put_(magnitudes * signs, support).reshape(m, n);
        return (l0.MoveToOuterDisposeScope(), s0.MoveToOuterDisposeScope(), support.data<long>().ToArray());
    }

    static double RelativeDistance(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var x = a.to_type(ScalarType.Float64);
        return linalg.vector_norm(x - b.to_type(ScalarType.Float64)).item<double>() / linalg.vector_norm(x).item<double>();
    }

    [Fact]
    public void RecoversAnExactlyLowRankMatrixAndItsSpikes()
    {
        using var scope = NewDisposeScope();
        var (l0, s0, support) = LowRankPlusSpikes(80, 60, r: 4, s: 48, seed: 3);
        var options = new LowRankPlusSparseOptions { Tolerance = 1e-12, MaxIterations = 1000 };
        using var split = LowRankPlusSparse.Compute(l0 + s0, 4, SparseBudget.OfCount(48), options);

        Assert.Equal(support, split.SparseIndices.data<long>().ToArray());
        Assert.True(RelativeDistance(l0, split.Left.mm(split.Right)) < 1e-6, $"L error {RelativeDistance(l0, split.Left.mm(split.Right))}");
        Assert.True(RelativeDistance(s0, split.Sparse()) < 1e-6, $"S error {RelativeDistance(s0, split.Sparse())}");
        Assert.True(split.RelativeFrobeniusError < 1e-6);
        Assert.True(split.Converged);
        // The plain rank-4 fit smears the spikes: GoDec's first iteration is that fit plus a threshold, far from exact.
        Assert.True(split.IterationErrors[0] > 1e-3);
        Assert.Equal(4 * (80 + 60) + 48, split.ParameterCount);
        Assert.Equal((4 * 140 + 48) * 8 + 48 * 4, split.StorageBytes); // float64 values, int32 indices
        Assert.Equal(80 * 60 * 8, split.DenseBytes);
    }

    [Fact]
    public void ErrorNeverRisesAcrossIterations()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        // Slowly decaying spectrum plus heavy-tailed outliers: many iterations before the tolerance stops it.
        var w = TestMatrices.WithSingularValues(70, 90, TestMatrices.Harmonic(70), seed: 5)
            + (randn(new long[] { 70, 90 }, ScalarType.Float64, generator: generator).pow(5) * 0.002);
        var options = new LowRankPlusSparseOptions { Tolerance = 1e-9, MaxIterations = 60 };
        using var split = LowRankPlusSparse.Compute(w, 6, SparseBudget.OfFraction(0.03), options);

        var errors = split.IterationErrors;
        Assert.True(errors.Count >= 10, $"only {errors.Count} iterations");
        for (int t = 1; t < errors.Count; t++)
            Assert.True(errors[t] <= errors[t - 1] * (1 + 1e-12), $"error rose at iteration {t + 1}: {errors[t - 1]} → {errors[t]}");
        Assert.True(errors[^1] < errors[0] * 0.95, $"{errors[0]} → {errors[^1]}");
        // The recorded error is the one of the returned split (float64 input: nothing rounded on the way out).
        Assert.Equal(errors[^1], split.RelativeFrobeniusError, 10);
        Assert.Equal(RelativeDistance(w, split.Reconstruct()), split.RelativeFrobeniusError, 10);
    }

    [Fact]
    public void WithoutASparsePartItIsTheTruncatedSvd()
    {
        using var scope = NewDisposeScope();
        var sigma = TestMatrices.Harmonic(40);
        var w = TestMatrices.WithSingularValues(50, 40, sigma, seed: 2, dtype: ScalarType.Float32);
        using var split = LowRankPlusSparse.Compute(w, 7, SparseBudget.None);
        using var svd = TruncatedSvd.Compute(w, 7);

        Assert.Equal(svd.Left.bytes.ToArray(), split.Left.bytes.ToArray());
        Assert.Equal(svd.Right.bytes.ToArray(), split.Right.bytes.ToArray());
        Assert.Equal(0, split.SparseCount);
        Assert.Equal(1, split.Iterations);
        var exactW = TestMatrices.WithSingularValues(50, 40, sigma, seed: 2);
        using var exact = LowRankPlusSparse.Compute(exactW, 7, SparseBudget.OfFraction(0));
        double tail = Math.Sqrt(sigma.Skip(7).Sum(x => x * x) / sigma.Sum(x => x * x));
        Assert.Equal(sigma[7] / sigma[0], exact.RelativeSpectralError, 9);
        Assert.Equal(tail, exact.RelativeFrobeniusError, 9);
        Assert.Equal(7 * 90, exact.ParameterCount);
        Assert.Equal(50.0 * 40 / (7 * 90), split.TimesSmaller, 12);
    }

    [Fact]
    public void ItBeatsThePlainRankOnATrainedLayer()
    {
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        using var model = ModelFactory.Create(ModelKind.LeNet300, seed: 1);
        Trainer.Train(model, train.Take(2000), null, new TrainingOptions { Epochs = 1, Seed = 1 });
        using var scope = NewDisposeScope();
        var fc2 = RankSweep.FindLayer(model, "fc2").weight!.detach(); // 100×300
        foreach (var r in new[] { 5, 20 })
        {
            using var plain = TruncatedSvd.Compute(fc2, r);
            using var split = LowRankPlusSparse.Compute(fc2, r, SparseBudget.OfFraction(0.02));
            Assert.Equal(600, split.SparseCount);
            Assert.True(split.RelativeFrobeniusError < plain.RelativeFrobeniusError - 0.01,
                $"r = {r}: L + S {split.RelativeFrobeniusError} vs rank-r {plain.RelativeFrobeniusError}");
        }
    }

    [Fact]
    public void OutliersLetTheRankFall()
    {
        using var scope = NewDisposeScope();
        var (l0, s0, _) = LowRankPlusSpikes(120, 100, r: 5, s: 120, seed: 8);
        using var generator = new Generator(9);
        var w = (l0 + s0 + randn(new long[] { 120, 100 }, ScalarType.Float64, generator: generator) * 0.01).to_type(ScalarType.Float32);
        using var split = LowRankPlusSparse.Compute(w, 5, SparseBudget.OfFraction(0.01));
        using var plain = TruncatedSvd.Compute(w, 40);
        // Rank 5 + 120 entries (1,220 weights) beats rank 40 (8,800 weights) by far.
        Assert.True(split.RelativeFrobeniusError < plain.RelativeFrobeniusError / 5,
            $"L + S {split.RelativeFrobeniusError} vs rank-40 {plain.RelativeFrobeniusError}");
        Assert.Equal(ScalarType.Float32, split.Left.dtype);
        Assert.Equal(4, split.BytesPerValue);
    }

    [Fact]
    public void SameSeedGivesTheSameBytes()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(4);
        var w = TestMatrices.WithSingularValues(60, 80, TestMatrices.Harmonic(60), seed: 4, dtype: ScalarType.Float32)
            + randn(new long[] { 60, 80 }, generator: generator).pow(3) * 0.01;
        byte[][] Run(int seed)
        {
            var options = new LowRankPlusSparseOptions { Randomized = new RandomizedSvdOptions { Seed = seed } };
            using var split = LowRankPlusSparse.Compute(w, 8, SparseBudget.OfFraction(0.02), options);
            Assert.Equal("randomized", split.Method);
            return [split.Left.bytes.ToArray(), split.Right.bytes.ToArray(), split.SparseIndices.bytes.ToArray(), split.SparseValues.bytes.ToArray()];
        }
        var a = Run(7);
        var b = Run(7);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i]);
        Assert.NotEqual(a[0], Run(8)[0]);
        using var exact1 = LowRankPlusSparse.Compute(w, 8, SparseBudget.OfFraction(0.02));
        using var exact2 = LowRankPlusSparse.Compute(w, 8, SparseBudget.OfFraction(0.02));
        Assert.Equal(exact1.SparseValues.bytes.ToArray(), exact2.SparseValues.bytes.ToArray());
        Assert.Equal(exact1.Left.bytes.ToArray(), exact2.Left.bytes.ToArray());
    }

    [Fact]
    public void TiesGoToTheLowestIndexAndTheCountIsExact()
    {
        using var scope = NewDisposeScope();
        var flat = LowRankPlusSparse.LargestMagnitudes(tensor(new[] { 1.0, -3, 3, 0, 3, -3, 2 }), 3);
        Assert.Equal(new long[] { 1, 2, 4 }, flat.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 2, 4, 5, 6 }, LowRankPlusSparse.LargestMagnitudes(tensor(new[] { 1.0, -3, 3, 0, 3, -3, 2 }), 5).data<long>().ToArray());
        Assert.Empty(LowRankPlusSparse.LargestMagnitudes(tensor(new[] { 1.0, 2 }), 0).data<long>().ToArray());
    }
}
