using Condense.Data;
using Condense.Models;
using Condense.Pruning;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning;

/// <summary>
/// Group (neuron) variational dropout and sparse VD's pruning to a target sparsity by log α ranking:
/// known masks, the compacted model computing what the gated one does, determinism.
/// </summary>
public sealed class GroupVariationalDropoutTests
{
    [Fact]
    public void RankingPrunesTheLargestLogAlphaToExactlyTheTargetSparsity()
    {
        // log σ² = −10 everywhere: log α = −10 − log θ², so the smallest |θ| have the largest log α.
        // fc1 holds θ = 1, 0.5, 0.1, 0.05 (log α −10, −8.6, −5.4, −4.0); fc2 holds 0.2, 0.02 (−6.8, −2.2).
        // 50 % of the 6 weights: the three largest log α go (0.02, 0.05, 0.1: −2.2, −4.0, −5.4), none of which a
        // threshold of 3 prunes; the threshold lies between the last kept (0.2: −6.8) and the first pruned.
        using var start = new MlpModel(ModelKind.LeNet300, [2, 2, 1], 0, null);
        using (no_grad())
        {
            start.Layers[0].Layer.weight!.copy_(tensor(new float[] { 1f, 0.5f, 0.1f, 0.05f }, [2, 2]));
            start.Layers[1].Layer.weight!.copy_(tensor(new float[] { 0.2f, 0.02f }, [1, 2]));
        }
        using var vd = new VariationalMlp(start, -10, 3);
        using var atThreshold = vd.ToPruned();
        Assert.Equal(0, Prune.Sparsity(atThreshold));
        var t = vd.RankThreshold(0.5);
        Assert.InRange(t, -6.78, -5.39);
        using var ranked = vd.ToPruned(0.5);
        Assert.Equal(new float[] { 1f, 0.5f, 0f, 0f }, ranked.Layers[0].Layer.weight!.data<float>().ToArray());
        Assert.Equal(new float[] { 0.2f, 0f }, ranked.Layers[1].Layer.weight!.data<float>().ToArray());
        using var third = vd.ToPruned(1.0 / 3);
        Assert.Equal(2.0 / 6, Prune.Sparsity(third), 12); // ⌈6/3⌉ = 2 weights: 0.02 and 0.05
        Assert.Throws<CondenseException>(() => vd.RankThreshold(1.0));
    }

    [Fact]
    public void BuildingThePrunedModelLeavesTheGlobalGeneratorAsItWas()
    {
        // the per-epoch report builds a pruned model; its initialisation must not shift the training noise
        using var start = ModelFactory.Create(ModelKind.LeNet300, 1);
        using var vd = new VariationalMlp(start);
        using var groups = new GroupVariationalMlp(start);
        manual_seed(7);
        var expected = randn(4).data<float>().ToArray();
        manual_seed(7);
        vd.ToPruned().Dispose();
        vd.ToPruned(0.9).Dispose();
        groups.ToPruned().Dispose();
        groups.ToCompacted().Dispose();
        Assert.Equal(expected, randn(4).data<float>().ToArray());
    }

    [Fact]
    public void NeuronGateMasksByLogAlphaAndEvaluatesAsTheScaledMean()
    {
        using var gate = new NeuronGate(3, -10, 3, 1, fanOut: 4);
        using (no_grad())
        {
            gate.Mu.copy_(tensor(new float[] { 2f, 0.5f, 1e-3f })); // log α = −10 − log μ²: −11.4, −8.6, 3.8 (removed)
        }
        Assert.Equal(new float[] { 1, 1, 0 }, gate.Mask().data<float>().ToArray());
        gate.eval();
        using var x = tensor(new float[] { 1f, 2f, 3f, -1f, 0f, 5f }, [2, 3]);
        Assert.Equal(new float[] { 2f, 1f, 0f, -2f, 0f, 0f }, gate.forward(x).data<float>().ToArray());
        // KL: the per-neuron fit at those log α, once for each of the 4 weights sharing a neuron's α
        using var la = gate.LogAlpha();
        using var fit = VariationalLinear.KlApproximation(la).sum();
        Assert.Equal(4 * fit.item<float>(), gate.Kl().item<float>(), 4);
        gate.train();
        Assert.NotEqual(2f, gate.forward(x).data<float>()[0]); // training draws z ~ N(μ, α μ²)
    }

    [Fact]
    public void PrunedAndCompactedModelsComputeWhatTheGatedModelDoesInEvalMode()
    {
        using var start = ModelFactory.Create(ModelKind.LeNet300, 3);
        using var vd = new GroupVariationalMlp(start, -10, 3);
        using (no_grad())
        {
            // remove every third neuron of fc1 and every other of fc2 (μ → 1e-3 gives log α ≈ 3.8), scale the rest
            var g1 = vd.Gates[0].Mu;
            g1.copy_(arange(300).remainder(3).eq(0).to(ScalarType.Float32) * (1e-3f - 1.5f) + 1.5f);
            var g2 = vd.Gates[1].Mu;
            g2.copy_(arange(100).remainder(2).eq(0).to(ScalarType.Float32) * (1e-3f - 0.7f) + 0.7f);
        }
        Assert.Equal([200, 50], vd.KeptNeurons());
        vd.eval();
        using var pruned = vd.ToPruned();
        using var compacted = vd.ToCompacted();
        Assert.Equal([784, 200, 50, 10], compacted.Sizes);
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        var a = Evaluator.Predict(vd, test.Images.AsSpan(0, 40 * 784), 40, 784);
        var b = Evaluator.Predict(pruned, test.Images.AsSpan(0, 40 * 784), 40, 784);
        var c = Evaluator.Predict(compacted, test.Images.AsSpan(0, 40 * 784), 40, 784);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i], 4);
            Assert.Equal(a[i], c[i], 4);
        }
    }

    [Fact]
    public void GroupVariationalDropoutRemovesNeuronsAndIsDeterministic()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        train = train.Take(640);
        test = test.Take(200);
        using var start = ModelFactory.Create(ModelKind.LeNet300, 2, 0);
        Trainer.Train(start, train, test, new TrainingOptions { Epochs = 1, Seed = 2 });
        // a fast log σ² from −4 so 3 short epochs remove neurons (β = 10 removed every neuron of fc1 here)
        var options = new VariationalDropoutOptions
        {
            Groups = VariationalGroups.Neurons, Training = new TrainingOptions { Epochs = 3, Seed = 2, StepGamma = null },
            KlAnnealEpochs = 1, KlWeight = 1, LogSigma2RateScale = 500, InitialLogSigma2 = -4,
        };
        var reported = new List<IReadOnlyList<int>>();
        var a = GroupVariationalDropout.Run(start, train, test, options, (_, kept) => reported.Add(kept));
        var b = GroupVariationalDropout.Run(start, train, test, options);
        Assert.Equal(3, reported.Count);
        // compaction keeps what the gates kept (one neuron where a layer lost all: a layer cannot be empty)
        foreach (var (size, kept) in a.Model.Sizes.Skip(1).SkipLast(1).Zip(reported[^1])) Assert.True(size <= Math.Max(kept, 1), $"{size} neurons after compaction, {kept} kept by the gate");
        Assert.True(a.NeuronsRemoved > 0.05, $"removed {a.NeuronsRemoved}");
        Assert.Equal(784, a.Model.Sizes[0]);
        Assert.Equal(10, a.Model.Sizes[^1]);
        // the report of epochs did not change the run: same sizes, same bytes
        Assert.Equal(a.Model.Sizes, b.Model.Sizes);
        foreach (var (x, y) in a.Model.Layers.Zip(b.Model.Layers))
            Assert.Equal(x.Layer.weight!.data<float>().ToArray(), y.Layer.weight!.data<float>().ToArray());
        var weights = 784L * a.Model.Sizes[1] + (long)a.Model.Sizes[1] * a.Model.Sizes[2] + a.Model.Sizes[2] * 10L;
        Assert.Equal((double)weights / 266_200, a.WeightsKept, 12);
        Assert.Equal(Evaluator.Evaluate(a.Model, test).Accuracy, a.Test.Accuracy);
        a.Model.Dispose();
        b.Model.Dispose();
    }

    [Fact]
    public void GroupOptionsRefuseATargetSparsity()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        using var start = ModelFactory.Create(ModelKind.LeNet300, 2, 0);
        var options = new VariationalDropoutOptions { Groups = VariationalGroups.Neurons, TargetSparsity = 0.9 };
        Assert.Throws<CondenseException>(() => GroupVariationalDropout.Run(start, train.Take(64), test.Take(64), options));
        // sparse VD's −10 would leave a gate's log α at the clip, with no gradient
        Assert.Throws<CondenseException>(() => GroupVariationalDropout.Run(start, train.Take(64), test.Take(64), new VariationalDropoutOptions { Groups = VariationalGroups.Neurons }));
        Assert.Equal("target sparsity must be in (0, 1), got 1.2", Assert.Throws<CondenseException>(() => new VariationalDropoutOptions { TargetSparsity = 1.2 }).Message);
    }
}
