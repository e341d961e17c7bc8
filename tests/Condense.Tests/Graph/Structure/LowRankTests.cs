using Condense.Formats.Onnx;
using Condense.Graph.Structure;
using Condense.Workflows.Structure;

namespace Condense.Tests.Graph.Structure;

public sealed class LowRankTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-lowrank-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>Rows with very different scales per feature, and their G = Σ[x,1]ᵀ[x,1].</summary>
    static double[] Gram(int k, int rows, int seed)
    {
        var r = new Random(seed);
        var g = new double[(k + 1) * (k + 1)];
        var x = new double[k + 1];
        for (int n = 0; n < rows; n++)
        {
            for (int i = 0; i < k; i++) x[i] = (r.NextDouble() - 0.5) * Math.Pow(3, i % 5);
            x[k] = 1;
            for (int i = 0; i <= k; i++) for (int j = 0; j <= k; j++) g[i * (k + 1) + j] += x[i] * x[j];
        }
        return g;
    }

    static float[] Delta(float[] m, float[] a, float[] b, int k, int n, int r)
    {
        var d = (float[])m.Clone();
        for (int i = 0; i < k; i++) for (int j = 0; j < n; j++) for (int t = 0; t < r; t++) d[i * n + j] -= a[i * r + t] * b[t * n + j];
        return d;
    }

    [Fact]
    public void Whitened_svd_never_has_more_output_error_than_plain_svd_at_any_rank()
    {
        const int k = 12, n = 9;
        var m = TinyGraphs.Random(k * n, 5);
        var g = Gram(k, 400, 6);
        for (int rank = 1; rank <= 8; rank++)
        {
            var (pa, pb) = ActivationAwareSvd.Factor(m, k, n, rank, null);
            var (wa, wb) = ActivationAwareSvd.Factor(m, k, n, rank, g, damping: 0);
            var plain = LeastSquaresRefit.OutputEnergy(g, k, Delta(m, pa, pb, k, n, rank), n);
            var whitened = LeastSquaresRefit.OutputEnergy(g, k, Delta(m, wa, wb, k, n, rank), n);
            Assert.True(whitened <= plain * (1 + 1e-6), $"rank {rank}: whitened {whitened} > plain {plain}");
        }
    }

    [Fact]
    public void Full_rank_factors_reproduce_the_matrix()
    {
        const int k = 6, n = 4;
        var m = TinyGraphs.Random(k * n, 8);
        foreach (var g in new[] { null, Gram(k, 100, 9) })
        {
            var (a, b) = ActivationAwareSvd.Factor(m, k, n, n, g, damping: 0);
            Assert.All(Delta(m, a, b, k, n, n), d => Assert.True(Math.Abs(d) < 1e-4));
        }
    }

    [Fact]
    public void Factorised_conv_gemm_and_matmul_graphs_run_and_match_at_full_rank()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 8, 8).Output("y", 1, 5);
        t.Node("Conv", "c", ["x", t.Weight("c.w", 6, 3, 3, 3), t.Weight("c.b", 6)], "a", TinyGraphs.Ints("pads", 1, 0, 1, 0), TinyGraphs.Ints("strides", 2, 1))
         .Node("Relu", "r", ["a"], "a2").Node("GlobalAveragePool", "p", ["a2"], "a3").Node("Flatten", "f", ["a3"], "v")
         .Node("Gemm", "g", ["v", t.Weight("g.w", 7, 6), t.Weight("g.b", 7)], "h", TinyGraphs.Int("transB", 1))
         .Node("MatMul", "m", ["h", t.Weight("m.w", 7, 5)], "y");
        var model = t.Model();
        var path = t.Save(model, dir, "in.onnx");
        // F small enough that every rank is min(K, N)'s floor: exact only at full rank, so compare with a loose bound at F = 0.01.
        var report = OnnxLowRankWorkflow.Run(new OnnxLowRankRequest(path, Path.Combine(dir, "out.onnx"), 0.01, Whitened: true,
            TinyGraphs.Inputs(model, 16, 1), TinyGraphs.Inputs(model, 4, 50), LatencyRuns: 0));
        Assert.Equal(3, report.Layers.Count);
        var written = OnnxReader.Read(Path.Combine(dir, "out.onnx")).Proto.Graph;
        Assert.Equal(6, written.Node.Count(n => n.OpType is "Conv" or "Gemm" or "MatMul"));
        Assert.Contains(written.Node, n => n.OpType == "Conv" && n.Attribute.Any(a => a.Name == "kernel_shape" && a.Ints.SequenceEqual([1L, 1L])));
        Assert.True(report.Agreement.MeanCosine > 0.9, $"cosine {report.Agreement.MeanCosine}");
        Assert.NotNull(report.Plain);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MiniLm_half_the_parameters_whitened_beats_plain_svd()
    {
        var calibration = RealInputs.MiniLmSentences(12, skip: 0);
        var heldOut = RealInputs.MiniLmSentences(4, skip: 200);
        var report = OnnxLowRankWorkflow.Run(new OnnxLowRankRequest(PackagedModels.MiniLm, Path.Combine(dir, "m.onnx"), 0.5, Whitened: true,
            calibration, heldOut, LatencyRuns: 0));
        Assert.True(report.Layers.Count >= 36); // Q, K, V, output and two FFN MatMuls in each of 6 layers
        Assert.True(report.Agreement.MeanRelativeError < report.Plain!.MeanRelativeError,
            $"whitened {report.Agreement.MeanRelativeError} vs plain {report.Plain.MeanRelativeError}");
        Assert.True(report.BytesAfter < report.BytesBefore);
    }
}
