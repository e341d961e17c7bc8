using System.Text.Json;
using Condense.Data;
using Condense.Models;
using Condense.Pruning;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning;

/// <summary>Sparse variational dropout, AGP, skeletonization: known values, invariants and file round trips.</summary>
public sealed class SurveyPruningTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-survey-prune-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void KlApproximationMatchesMolchanovsFitAtKnownPoints()
    {
        // −KL ≈ k1·σ(k2 + k3·log α) − ½·log(1 + 1/α) − k1, evaluated by hand in double precision.
        static double Expected(double la) => 0.63576 - 0.63576 / (1 + Math.Exp(-(1.87320 + 1.48695 * la))) + 0.5 * Math.Log(1 + Math.Exp(-la));
        using var la = tensor(new float[] { -8, -2, 0, 3, 8 });
        var kl = VariationalLinear.KlApproximation(la).data<float>().ToArray();
        double[] points = [-8, -2, 0, 3, 8];
        for (var i = 0; i < points.Length; i++) Assert.Equal(Expected(points[i]), kl[i], 4);
        Assert.Equal(0.43122, kl[2], 4);         // log α = 0: 0.63576·(1 − σ(1.8732)) + ½ ln 2
        Assert.True(kl[4] < 2e-4);               // α → ∞: the weight carries no information and costs nothing
        Assert.True(kl.Zip(kl.Skip(1)).All(p => p.First > p.Second)); // falls as log α grows
    }

    [Fact]
    public void VariationalLayerPrunesWeightsAboveTheThresholdAndEvaluatesDeterministically()
    {
        // log σ² = −10: log α = −10 − log θ², so θ = 1 → −10 (kept), 0.01 → −0.79 (kept), 0.001 → 3.8 (pruned).
        using var theta = tensor(new float[] { 1f, 0.01f, 0.001f, -0.5f, 0.0001f, 2f }, [2, 3]);
        using var bias = tensor(new float[] { 0.1f, -0.2f });
        using var layer = new VariationalLinear(theta, bias, -10, 3);
        Assert.Equal(new float[] { 1, 1, 0, 1, 0, 1 }, layer.Mask().data<float>().ToArray());
        layer.eval();
        using var x = tensor(new float[] { 1f, 2f, 3f }, [1, 3]);
        var y = layer.forward(x).data<float>().ToArray();
        Assert.Equal(1f * 1 + 0.01f * 2 + 0.1f, y[0], 5);
        Assert.Equal(-0.5f * 1 + 2f * 3 - 0.2f, y[1], 5);
        layer.train();
        var noisy = layer.forward(x).data<float>().ToArray();
        Assert.NotEqual(y[0], noisy[0]);         // training samples the pre-activations
    }

    [Fact]
    public void PrunedVariationalModelComputesWhatTheVariationalOneDoesInEvalMode()
    {
        var start = ModelFactory.Create(ModelKind.LeNet300, 3);
        using var vd = new VariationalMlp(start, -10, 3);
        using (no_grad()) foreach (var l in vd.VariationalLayers) l.Theta.mul_(ones_like(l.Theta).bernoulli_(0.5) * 0.5 + 0.001);
        var pruned = vd.ToPruned();
        Assert.True(Prune.Sparsity(pruned) > 0.3, $"sparsity {Prune.Sparsity(pruned)}");
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        var a = Evaluator.Predict(vd, test.Images.AsSpan(0, 50 * 784), 50, 784);
        var b = Evaluator.Predict(pruned, test.Images.AsSpan(0, 50 * 784), 50, 784);
        for (var i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i], 4);
    }

    [Fact]
    public void LogSigma2RateScaleChangesOnlyTheStepOfLogSigma2()
    {
        // log σ² = s·p: the same log α, mask and outputs at the start; one Adam step (lr 1e-3, a first step moves
        // every parameter with a nonzero gradient by ±lr) moves log σ² by s·1e-3 and θ by 1e-3 whatever s is.
        // θ = 0.01, −0.02, 0.005, 0.03: log α = −10 − log θ² ∈ (−8, 8), inside the clip (which would stop the gradient).
        using var theta = tensor(new float[] { 0.01f, -0.02f, 0.005f, 0.03f }, [2, 2]);
        using var bias = zeros(2);
        using var x = tensor(new float[] { 1f, -2f, 0.5f, 3f }, [2, 2]);
        float[] Step(double scale, out float[] theta1)
        {
            using var layer = new VariationalLinear(theta, bias, -10, 3, scale);
            var logAlpha0 = layer.LogAlpha().data<float>().ToArray();
            Assert.Equal(new float[] { -10, -10, -10, -10 }, layer.LogSigma2().data<float>().ToArray());
            Assert.Equal(-10 - Math.Log(1e-4 + 1e-8), logAlpha0[0], 4);
            var adam = optim.Adam(layer.parameters(), 1e-3);
            using var loss = layer.Kl() + nn.functional.linear(x, layer.Theta, layer.Bias).square().sum();
            loss.backward();
            adam.step();
            theta1 = layer.Theta.data<float>().ToArray();
            return layer.LogSigma2().data<float>().ToArray();
        }
        var plain = Step(1, out var theta1);
        var fast = Step(10, out var theta10);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(-10 + 1e-3, plain[i], 4);  // the KL pushes log σ² up (larger α costs less)
            Assert.Equal(-10 + 1e-2, fast[i], 3);
            Assert.Equal(theta1[i], theta10[i], 6);
        }
    }

    [Fact]
    public void FineTuningAfterVariationalDropoutKeepsItsMaskAndStartsFromItsModel()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        train = train.Take(640);
        test = test.Take(200);
        var options = new VariationalDropoutOptions { Training = new TrainingOptions { Epochs = 2, Seed = 2, StepGamma = null }, KlAnnealEpochs = 1, KlWeight = 5, LogSigma2RateScale = 200 };
        using var start = ModelFactory.Create(ModelKind.LeNet300, 2);
        // Both runs report epochs (the report builds a pruned model; it no longer moves the global generator, see GroupVariationalDropoutTests).
        var plain = SparseVariationalDropout.Run(start, train, test, options, (_, _) => { });
        var tunedEpochs = new List<int>();
        var tuned = SparseVariationalDropout.Run(start, train, test, options with { FineTuning = new TrainingOptions { Epochs = 1, Seed = 2 } }, (m, _) => tunedEpochs.Add(m.Epoch));
        Assert.True(plain.Sparsity > 0.2, $"sparsity {plain.Sparsity}");
        Assert.Equal([1, 2, 3], tunedEpochs);
        Assert.Single(tuned.FineTuningEpochs);
        Assert.Equal(plain.Test.Accuracy, tuned.AccuracyBeforeFineTuning);
        foreach (var (a, b) in plain.Model.Layers.Zip(tuned.Model.Layers))
        {
            using var zerosBefore = a.Layer.weight!.eq(0);
            using var zerosAfter = b.Layer.weight!.eq(0);
            Assert.True(zerosBefore.equal(zerosAfter).all().item<bool>(), $"{a.Name}: the mask moved");
            Assert.False(a.Layer.weight!.equal(b.Layer.weight!).all().item<bool>(), $"{a.Name}: fine-tuning changed nothing");
        }
        plain.Model.Dispose();
        tuned.Model.Dispose();
    }

    [Fact]
    public void AgpScheduleFollowsZhuAndGuptasCubic()
    {
        var s = new GradualPruningSchedule(0, 0.9, 100, 10, 10);
        Assert.Equal(0, s.SparsityAt(50));
        Assert.Equal(0, s.SparsityAt(100));
        Assert.Equal(0.9 - 0.9 * Math.Pow(0.5, 3), s.SparsityAt(150), 12); // 0.7875
        Assert.Equal(0.9 - 0.9 * Math.Pow(0.9, 3), s.SparsityAt(110), 12);
        Assert.Equal(0.9, s.SparsityAt(200), 12);
        Assert.Equal(0.9, s.SparsityAt(10_000), 12);
        Assert.True(s.UpdatesAt(100) && s.UpdatesAt(150) && s.UpdatesAt(200));
        Assert.False(s.UpdatesAt(155) || s.UpdatesAt(210) || s.UpdatesAt(90));
        var forTraining = GradualPruningSchedule.ForTraining(0.9, 4, 50, 0.5, 10);
        Assert.Equal(100, forTraining.EndStep);
    }

    [Fact]
    public void AgpEndsAtTheFinalSparsityInEveryLayerAndKeepsTheCallersHooks()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        train = train.Take(640);
        var model = ModelFactory.Create(ModelKind.LeNet300, 1);
        var batches = 0;
        var options = new TrainingOptions { Epochs = 2, Seed = 1 };
        var schedule = GradualPruningSchedule.ForTraining(0.9, 2, 10, 0.5, 2);
        GradualPruning.Train(model, train, null, options, schedule, new TrainingHooks { OnBatch = (_, _, _) => batches++ });
        Assert.Equal(20, batches);
        foreach (var d in Prune.Densities(model)) Assert.Equal(d.Total - (long)Math.Floor(0.9 * d.Total), d.Nonzero);
    }

    [Fact]
    public void RelevanceByAblationIsTheLossDifferenceOfTheModelWithoutTheNeuron()
    {
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        var model = ModelFactory.Create(ModelKind.LeNet300, 4);
        Trainer.Train(model, train.Take(512), null, new TrainingOptions { Epochs = 1 });
        var (x, y) = SaliencyBatch.Sample(train, 200, 0, "test");
        var relevance = Skeletonization.Scores(model, x, y!, NeuronScore.Relevance);
        var gradient = Skeletonization.Scores(model, x, y!, NeuronScore.RelevanceGradient);
        Assert.Equal([300, 100], relevance.Select(r => r.Length));
        double LossOf(MlpModel m)
        {
            using var _ = no_grad();
            using var output = m.forward(x);
            return nn.functional.nll_loss(output, y!).item<float>();
        }
        model.eval();
        var baseLoss = LossOf(model);
        // Each hidden layer's mean output on the batch, computed here by hand.
        Tensor[] means;
        using (no_grad())
        {
            var n = model.Normalization!;
            var h1 = nn.functional.relu(model.Layers[0].Layer.forward((x - n.Mean) / n.Std));
            var h2 = nn.functional.relu(model.Layers[1].Layer.forward(h1));
            means = [h1.mean([0]), h2.mean([0])];
        }
        foreach (var (layer, j) in new[] { (0, 7), (0, 123), (1, 42) })
        {
            // Independently: a copy in which neuron j feeds the next layer only its mean (outgoing column
            // zeroed, column · mean added to the next bias): the neuron is gone, its average stays.
            using var copy = ModelFactory.Create(ModelKind.LeNet300, 4);
            ModelFile.SetWeights(copy, ModelFile.Weights(model), "test");
            using (no_grad())
            {
                var next = copy.Layers[layer + 1].Layer;
                next.bias!.add_(next.weight![.., j] * means[layer][j]);
                next.weight![.., j].zero_();
            }
            copy.eval();
            Assert.Equal(LossOf(copy) - baseLoss, relevance[layer][j], 4);
        }
        // The gate gradient is the first-order estimate of the same quantity: they agree in sign mostly.
        var agree = relevance[0].Zip(gradient[0]).Count(p => Math.Sign(p.First) == Math.Sign(p.Second) || Math.Abs(p.First) < 1e-5);
        Assert.True(agree > 0.7 * 300, $"{agree} of 300 signs agree");
        // Removing the least relevant half keeps the model far better than removing the most relevant half.
        using var keepRelevant = Skeletonization.Remove(model, relevance, 0.5);
        using var keepIrrelevant = Skeletonization.Remove(model, relevance.Select(r => r.Select(v => -v).ToArray()).ToArray(), 0.5);
        Assert.Equal([784, 150, 50, 10], keepRelevant.Sizes);
        Assert.True(LossOf(keepRelevant) < LossOf(keepIrrelevant), $"{LossOf(keepRelevant)} vs {LossOf(keepIrrelevant)}");
    }
}
