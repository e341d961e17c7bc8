using Condense.Hashing;
using static TorchSharp.torch;

namespace Condense.Tests.Hashing;

public class HashedLinearTests
{
    static ulong[] Seeds(int m) => Enumerable.Range(0, m).Select(k => WeightHash.SeedFor(42, 0, k)).ToArray();

    [Theory]
    [InlineData(1, HashReduction.Sum)]
    [InlineData(3, HashReduction.Sum)]
    [InlineData(2, HashReduction.Product)]
    [InlineData(3, HashReduction.Max)]
    [InlineData(3, HashReduction.Min)]
    public void VirtualMatrixEqualsADirectRecomputationFromPoolAndHash(int m, HashReduction reduction)
    {
        manual_seed(1);
        const int inF = 13, outF = 7, pool = 11;
        using var layer = new HashedLinear(inF, outF, pool, reduction, Seeds(m));
        var w = layer.Pool.detach().data<float>().ToArray();
        using var v = layer.VirtualWeight();
        var actual = v.data<float>().ToArray();
        var hashes = Seeds(m).Select(s => new WeightHash(s, pool)).ToArray();
        for (var i = 0; i < outF; i++)
        {
            for (var j = 0; j < inF; j++)
            {
                var reads = hashes.Select(h => h.Sign(i, j) * w[h.Bucket(i, j)]).ToArray();
                double expected = m == 1 ? reads[0] : reduction switch
                {
                    HashReduction.Sum => reads.Sum() / Math.Sqrt(m),
                    HashReduction.Product => reads.Aggregate(1f, (a, b) => a * b),
                    HashReduction.Min => reads.Min(),
                    _ => reads.Max(),
                };
                Assert.Equal(expected, actual[i * inF + j], 5);
            }
        }
    }

    [Fact]
    public void ReductionsOfKnownPoolValuesGiveKnownWeights()
    {
        // One 1×1 layer, pool [a, b] in two separate buckets of one entry: hash k reads bucket k,
        // so V = reduce(ξ₁·a, ξ₂·b) whatever the hash; the signs come from WeightHash.
        var seeds = Seeds(2);
        var s1 = new WeightHash(seeds[0], 1).Sign(0, 0);
        var s2 = new WeightHash(seeds[1], 1).Sign(0, 0);
        float a = 0.5f, b = -2f;
        float r1 = s1 * a, r2 = s2 * b;
        foreach (var (reduction, expected) in new[]
        {
            (HashReduction.Sum, (r1 + r2) / MathF.Sqrt(2)), (HashReduction.Product, r1 * r2),
            (HashReduction.Max, Math.Max(r1, r2)), (HashReduction.Min, Math.Min(r1, r2)),
        })
        {
            using var layer = new HashedLinear(1, 1, 2, reduction, seeds, separateBuckets: true);
            using (no_grad()) layer.Pool.copy_(tensor(new[] { a, b }));
            Assert.Equal(new long[] { 0, 1 }, layer.Index.data<long>().ToArray());
            using var v = layer.VirtualWeight();
            Assert.Equal(expected, v.item<float>(), 6);
        }
    }

    [Fact]
    public void SeparateBucketsKeepEachHashInItsOwnQuarterAtTheSameStoredSize()
    {
        var shared = new HashingOptions { Factor = 8, Hashes = 4 };
        var separate = shared with { SeparateBuckets = true };
        Assert.Equal(1250, shared.PoolSize(10_000));
        Assert.Equal(1252, separate.PoolSize(10_000));   // rounded up to m equal buckets of 313
        using var layer = new HashedLinear(100, 100, separate.PoolSize(10_000), HashReduction.Sum, Seeds(4), separateBuckets: true);
        var index = layer.Index.data<long>().ToArray();
        for (var k = 0; k < 4; k++)
        {
            var row = index.Skip(k * 10_000).Take(10_000).ToArray();
            Assert.Equal(k * 313L, row.Min());
            Assert.Equal(k * 313L + 312, row.Max());
        }
        Assert.Throws<CondenseException>(() => new HashedLinear(10, 10, 13, HashReduction.Sum, Seeds(4), separateBuckets: true));
    }

    [Fact]
    public void HashesAreDeterministicSpreadAndSigned()
    {
        var h = new WeightHash(WeightHash.SeedFor(0, 0, 0), 64);
        Assert.Equal(h.Bucket(3, 5), new WeightHash(WeightHash.SeedFor(0, 0, 0), 64).Bucket(3, 5));
        var counts = new int[64];
        var positive = 0;
        for (var i = 0; i < 100; i++)
        for (var j = 0; j < 64; j++)
        {
            counts[h.Bucket(i, j)]++;
            if (h.Sign(i, j) > 0) positive++;
        }
        // 6,400 keys into 64 buckets: 100 each expected; a bad hash leaves buckets empty or doubled.
        Assert.All(counts, c => Assert.InRange(c, 60, 140));
        Assert.InRange(positive, 3000, 3400);
        // Another seed (another layer) picks other buckets.
        var other = new WeightHash(WeightHash.SeedFor(0, 1, 0), 64);
        Assert.True(Enumerable.Range(0, 100).Count(j => other.Bucket(0, j) != h.Bucket(0, j)) > 80);
    }

    [Theory]
    [InlineData(1, HashReduction.Sum)]
    [InlineData(2, HashReduction.Sum)]
    [InlineData(2, HashReduction.Product)]
    public void GradientsReachThePoolAsFiniteDifferencesSay(int m, HashReduction reduction)
    {
        // A loss of the functional form in float64, so central differences are accurate to ~1e-8.
        const int inF = 6, outF = 4, pool = 5;
        var (index, sign) = HashedLinear.BuildTables(inF, outF, pool, Seeds(m));
        using var idx = tensor(index, [m, inF * outF]);
        using var sgn = tensor(sign, [m, inF * outF]);
        manual_seed(3);
        using var x = randn(3, inF, dtype: ScalarType.Float64);
        using var r = randn(3, outF, dtype: ScalarType.Float64);
        double Loss(Tensor p)
        {
            using var scope = NewDisposeScope();
            var y = nn.functional.linear(x, HashedLinear.VirtualWeight(p, idx, sgn, outF, inF, reduction));
            return (y.tanh() * r).sum().item<double>();
        }
        using var p0 = randn(pool, dtype: ScalarType.Float64).requires_grad_();
        using (var scope = NewDisposeScope())
        {
            var y = nn.functional.linear(x, HashedLinear.VirtualWeight(p0, idx, sgn, outF, inF, reduction));
            (y.tanh() * r).sum().backward();
        }
        var analytic = p0.grad!.data<double>().ToArray();
        var baseValues = p0.detach().data<double>().ToArray();
        const double eps = 1e-6;
        for (var k = 0; k < pool; k++)
        {
            var plus = (double[])baseValues.Clone();
            var minus = (double[])baseValues.Clone();
            plus[k] += eps;
            minus[k] -= eps;
            using var tp = tensor(plus);
            using var tm = tensor(minus);
            var numeric = (Loss(tp) - Loss(tm)) / (2 * eps);
            Assert.Equal(numeric, analytic[k], 6);
        }
        Assert.Contains(analytic, g => Math.Abs(g) > 1e-3);
    }

    [Fact]
    public void ModuleBackwardFillsThePoolGradientAndNothingElseIsTrainable()
    {
        manual_seed(0);
        using var layer = new HashedLinear(20, 10, 8, HashReduction.Sum, Seeds(1));
        Assert.Equal(["pool", "bias"], layer.named_parameters().Select(p => p.name));
        using var x = randn(4, 20);
        using var y = layer.forward(x);
        y.square().sum().backward();
        Assert.True(layer.Pool.grad!.abs().sum().item<float>() > 0);
        Assert.Equal(8, layer.Pool.grad!.numel());
    }

    [Fact]
    public void StructuredVirtualMatrixIsTheReshapedProductOfUAndV()
    {
        manual_seed(2);
        using var layer = new StructuredHashedLinear(30, 7, 60);
        Assert.Equal(15, layer.Rows);
        Assert.Equal(14, layer.Columns);
        Assert.Equal(2, layer.Rank); // ⌊60 / 29⌋
        var u = layer.U.detach().data<float>().ToArray();
        var v = layer.V.detach().data<float>().ToArray();
        using var w = layer.VirtualWeight();
        var actual = w.data<float>().ToArray();
        for (var flat = 0; flat < 30 * 7; flat++)
        {
            int a = flat / layer.Columns, b = flat % layer.Columns;
            double expected = 0;
            for (var k = 0; k < layer.Rank; k++) expected += u[a * layer.Rank + k] * v[k * layer.Columns + b];
            Assert.Equal(expected, actual[flat], 5);
        }
    }

    [Fact]
    public void HashedMlpCountsRealAndVirtualParametersAndMatchesItsDenseCopy()
    {
        manual_seed(0);
        using var model = new HashedMlp([784, 1000, 1000, 10], new HashingOptions { Factor = 64 });
        Assert.Equal(1_796_010, model.VirtualParameterCount);
        // Pools ⌈784000/64⌉ + ⌈1000000/64⌉ + ⌈10000/64⌉ plus 2,010 biases.
        Assert.Equal(12_250 + 15_625 + 157 + 2_010, model.RealParameterCount);
        Assert.Equal(model.RealParameterCount, model.ParameterCount);
        Assert.InRange(model.CompressionFactor, 59, 61);
        using var dense = model.ToDense();
        using var x = rand(5, 784);
        model.eval();
        dense.eval();
        using var a = model.forward(x);
        using var b = dense.forward(x);
        Assert.True(a.allclose(b, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void EqualSizeDenseHasAtMostTheGivenParameters()
    {
        var sizes = EqualSizeDense.Sizes([784, 1000, 1000, 10], 30_042);
        Assert.Equal(784, sizes[0]);
        Assert.Equal(sizes[1], sizes[2]);
        Assert.True(EqualSizeDense.ParameterCount(sizes) <= 30_042);
        var wider = sizes.ToArray();
        wider[1]++; wider[2]++;
        Assert.True(EqualSizeDense.ParameterCount(wider) > 30_042);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    public void FactorAtMostOneIsRefused(double factor)
    {
        var ex = Assert.Throws<CondenseException>(() => new HashingOptions { Factor = factor });
        Assert.Contains("greater than 1", ex.Message);
        var (code, _, err) = CliHarness.Run("hash", "--factor", factor.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, code);
        Assert.StartsWith("condense: error: compression factor", err);
        Assert.Single(err.Trim().Split('\n'));
    }
}
