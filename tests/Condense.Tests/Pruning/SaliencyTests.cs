using Condense.Data;
using Condense.Models;
using Condense.Pruning;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning;

public class SaliencyTests
{
    static float[] Values(Tensor t) => t.detach().to(ScalarType.Float32).contiguous().data<float>().ToArray();

    /// <summary>Softmax regression 4 → 3, no normalisation: its loss gradient has a closed form.</summary>
    static MlpModel SoftmaxRegression(long seed)
    {
        manual_seed(seed);
        return new MlpModel(ModelKind.LeNet300, [4, 3], 0, null);
    }

    [Fact]
    public void SnipScoresEqualGradientTimesWeightComputedByHand()
    {
        var model = SoftmaxRegression(3);
        var x = new float[] { 0.5f, -1, 2, 0.1f, 1, 1, -0.5f, 0, -2, 0.3f, 0.7f, 1.5f };
        var y = new long[] { 2, 0, 1 };
        var scores = Values(Snip.Scores(model, tensor(x, [3, 4]), tensor(y, [3]))[0]);

        var w = Values(model.Layers[0].Layer.weight!);
        var b = Values(model.Layers[0].Layer.bias!);
        var grad = new double[12];
        for (var n = 0; n < 3; n++)
        {
            var z = Enumerable.Range(0, 3).Select(o => b[o] + Enumerable.Range(0, 4).Sum(i => (double)w[o * 4 + i] * x[n * 4 + i])).ToArray();
            var max = z.Max();
            var e = z.Select(v => Math.Exp(v - max)).ToArray();
            var p = e.Select(v => v / e.Sum()).ToArray();
            for (var o = 0; o < 3; o++)
                for (var i = 0; i < 4; i++)
                    grad[o * 4 + i] += (p[o] - (y[n] == o ? 1 : 0)) * x[n * 4 + i] / 3;
        }
        for (var k = 0; k < 12; k++) Assert.Equal(Math.Abs(grad[k] * w[k]), scores[k], 5);
    }

    [Fact]
    public void GraspHessianGradientProductMatchesFiniteDifferences()
    {
        manual_seed(1);
        var model = new MlpModel(ModelKind.LeNet300, [6, 5, 3], 0, null);
        using var x = randn(8, 6);
        using var y = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1 }, [8]);
        const double T = 1;
        var importances = Grasp.Importances(model, x, y, T).Select(Values).ToArray();

        // Independent: H g ≈ (g(θ + εg) − g(θ − εg)) / 2ε, with plain backward passes.
        Tensor[] Grad()
        {
            model.zero_grad();
            var loss = nn.functional.nll_loss(model.forward(x), y);
            loss.backward();
            return model.Layers.Select(l => l.Layer.weight!.grad!.clone()).ToArray();
        }
        var g = Grad();
        var original = model.Layers.Select(l => l.Layer.weight!.detach().clone()).ToArray();
        const float eps = 1e-2f;
        void Shift(float sign)
        {
            using var _ = no_grad();
            for (var i = 0; i < g.Length; i++) model.Layers[i].Layer.weight!.copy_(original[i] + sign * eps * g[i]);
        }
        Shift(1);
        var plus = Grad();
        Shift(-1);
        var minus = Grad();
        Shift(0);
        for (var l = 0; l < g.Length; l++)
        {
            var hg = Values((plus[l] - minus[l]) / (2 * eps));
            var w = Values(original[l]);
            var expected = hg.Select((h, i) => (double)h * w[i]).ToArray();
            var scale = expected.Max(Math.Abs);
            for (var i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - importances[l][i]) <= 2e-3 * scale + 1e-7, $"layer {l} [{i}]: {importances[l][i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void SynFlowConservesFlowPerLayerAndPerNeuronWithoutBiases()
    {
        manual_seed(7);
        var model = new MlpModel(ModelKind.LeNet300, [20, 15, 10, 5], 0, null);
        using (no_grad()) foreach (var (_, l) in model.Layers) l.bias!.zero_();
        var layers = model.Layers.Select(l => l.Layer).ToArray();
        var masks = layers.Select(l => ones_like(l.weight!)).ToArray();
        var (scores, r) = SynFlow.Scores(layers, masks);
        Assert.True(r > 0);
        var values = scores.Select(s => s.contiguous().data<double>().ToArray()).ToArray();
        foreach (var v in values)
            Assert.True(Math.Abs(v.Sum() / r - 1) < 1e-10, $"layer sum {v.Sum()} vs R {r}");
        // Each hidden neuron: flow in (its row of scores) = flow out (its column in the next layer).
        for (var l = 0; l + 1 < values.Length; l++)
        {
            var inputs = (int)scores[l].shape[1];
            var outputs = (int)scores[l + 1].shape[0];
            for (var j = 0; j < scores[l].shape[0]; j++)
            {
                var inflow = Enumerable.Range(0, inputs).Sum(k => values[l][j * inputs + k]);
                var outflow = Enumerable.Range(0, outputs).Sum(i => values[l + 1][i * scores[l].shape[0] + j]);
                Assert.True(Math.Abs(inflow - outflow) <= 1e-10 * r, $"layer {l} neuron {j}: in {inflow}, out {outflow}");
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SynFlowScoresEqualAutogradsGradientTimesWeight(bool includeBiases)
    {
        // Independent check of the closed form: R = 1ᵀ f(1) of the masked |W| network built by
        // hand, differentiated by autograd.
        manual_seed(11);
        var model = new MlpModel(ModelKind.LeNet300, [12, 9, 7, 4], 0, null);
        var layers = model.Layers.Select(l => l.Layer).ToArray();
        var masks = layers.Select(l => (rand_like(l.weight!) > 0.3).to(ScalarType.Float32)).ToArray();
        var (scores, r) = SynFlow.Scores(layers, masks, includeBiases);
        using var grad = enable_grad();
        var abs = layers.Select((l, i) => (l.weight!.detach().to(ScalarType.Float64).abs() * masks[i].to(ScalarType.Float64)).requires_grad_()).ToArray();
        var x = ones(1, 12, dtype: ScalarType.Float64);
        for (var i = 0; i < layers.Length; i++)
        {
            x = x.matmul(abs[i].t());
            if (includeBiases) x = x + layers[i].bias!.detach().to(ScalarType.Float64).abs();
        }
        var expectedR = x.sum();
        var grads = autograd.grad([expectedR], abs);
        Assert.True(Math.Abs(expectedR.item<double>() - r) <= 1e-12 * r, $"R {r} vs {expectedR.item<double>()}");
        for (var i = 0; i < layers.Length; i++)
        {
            var expected = (grads[i] * abs[i].detach()).data<double>().ToArray();
            var actual = scores[i].contiguous().data<double>().ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (var j = 0; j < expected.Length; j++)
                Assert.True(Math.Abs(expected[j] - actual[j]) <= 1e-12 * r, $"layer {i} [{j}]: {actual[j]} vs {expected[j]}");
        }
    }

    [Fact]
    public void SynFlowIsDataFreeExactAndKeepsEveryLayerAtExtremeSparsity()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        var masks = SynFlow.Prune(model, PruningAmount.OfFraction(0.9999), iterations: 100);
        var total = model.Layers.Sum(l => l.Layer.weight!.numel());
        Assert.Equal(total - (long)Math.Round(0.9999 * total), masks.Sum(m => m.count_nonzero().item<long>()));
        Assert.All(Prune.Densities(model), d => Assert.False(d.Collapsed, $"{d.Name} collapsed: {string.Join(", ", Prune.Densities(model).Select(x => x.Nonzero))}"));
    }

    [Fact]
    public void SynFlowWithBiasesLinearisedCollapsesTheFirstLayerAtExtremeSparsity()
    {
        // Why biases are left out by default: with them, bias flow makes fc1 look expendable.
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        SynFlow.Prune(model, PruningAmount.OfFraction(0.9999), iterations: 100, includeBiases: true);
        Assert.True(Prune.Densities(model)[0].Collapsed);
    }

    [Fact]
    public void SnipAndGraspPruneExactCountsOnData()
    {
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        foreach (var c in new[] { PruningCriterion.Snip, PruningCriterion.Grasp })
        {
            var model = ModelFactory.Create(ModelKind.LeNet300, 0);
            var outcome = ModelPruner.Apply(model, new ModelPruningOptions { Criterion = c, Sparsity = 0.8, Data = train, SaliencySamples = 128 });
            Assert.Equal(0.8, outcome.Sparsity, 5);
        }
    }
}
