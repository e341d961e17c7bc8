using System.Text.Json;
using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning;
using Condense.Tests.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning;

/// <summary>Issue 18: sparse variational dropout and gradual pruning (AGP) on convolutions.</summary>
public class ConvTrainingTimePruningTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-convtt-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Molchanov et al.'s local reparameterisation for a convolution: with w ~ N(θ, σ²) independent,
    /// the output is Gaussian with mean conv(x, θ) + b and variance conv(x², σ²). Checked against
    /// 4,000 sampled kernels (stride 2, padding 1, as a ResNet's downsampling conv).
    /// </summary>
    [Fact]
    public void AVariationalConvHasTheMeanAndVarianceOfSampledKernels()
    {
        manual_seed(7);
        using var net = new ResNet(2, 1);
        var vd = new VariationalCnn(net, logSigma2: -2);
        using (vd)
        {
            var layer = vd.VariationalLayers.Select((l, i) => (l, i)).First(p => p.l.IsConvolution && p.l.Weight.shape[0] == 4 && p.l.Weight.shape[1] == 2 && p.l.Weight.shape[3] == 3);
            var unit = net.ConvUnits.Single(u => u.Name == layer.l.Name);
            Assert.Equal((2L, 1L), (unit.Stride, unit.Padding));
            using var scope = NewDisposeScope();
            var theta = layer.l.Weight.detach();
            var sigma2 = vd.LogAlpha(layer.i).exp() * theta.square();
            var x = rand(1, 2, 6, 6);
            var (mean, variance) = vd.Moments(layer.i, x);
            mean = mean.detach();
            variance = variance.detach();
            Assert.Equal([1L, 4, 3, 3], mean.shape);

            const int samples = 4000;
            var kernels = theta.unsqueeze(0) + sigma2.sqrt().unsqueeze(0) * randn([samples, .. theta.shape]);
            var outputs = nn.functional.conv2d(x, kernels.reshape(samples * 4, 2, 3, 3), null, strides: [2, 2], padding: [1, 1])
                .reshape(samples, 4, 3, 3);
            var empiricalMean = outputs.mean([0]);
            var empiricalVariance = outputs.var(0);
            // 4,000 draws: the mean's standard error is √(var/4000), the variance's ≈ var·√(2/4000) ≈ 2.2 %
            var meanError = ((empiricalMean - mean[0]).abs() / (variance[0] / samples).sqrt()).max().item<float>();
            var varianceError = ((empiricalVariance - variance[0]).abs() / variance[0]).max().item<float>();
            Assert.True(meanError < 4.5f, $"mean off by {meanError} standard errors");
            Assert.True(varianceError < 0.12f, $"variance off by {varianceError:P1}");
        }
    }

    [Fact]
    public void InEvaluationTheVariationalCnnIsThePrunedCnnAndTheStartIsUnchanged()
    {
        using var start = CnnTestNets.Randomise(new VggNet("4,M,8,M", true), 2);
        var before = ModelFile.Weights(start).Select(t => t.ToFloat32()).ToArray();
        using var vd = new VariationalCnn(start, logSigma2: -6);
        vd.eval();
        using var pruned = vd.ToPruned();
        var x = CnnTestNets.Images(8, 3);
        Assert.Equal(Evaluator.Predict(pruned, x, 8, 784), Evaluator.Predict(vd, x, 8, 784));
        // θ ⊙ [log α ≤ 3] in every conv and Linear layer, kept weights unchanged
        for (var i = 0; i < vd.VariationalLayers.Count; i++)
        {
            using var keep = vd.Mask(i);
            var theta = vd.VariationalLayers[i].Weight.detach().flatten().data<float>().ToArray();
            var mask = keep.flatten().data<float>().ToArray();
            var written = pruned.WeightLayers[i].Weight.detach().flatten().data<float>().ToArray();
            Assert.Equal(theta.Select((t, j) => mask[j] == 1 ? t : 0f), written);
        }
        Assert.True(Prune.Sparsity(pruned) > 0, "with log σ² = −6 the smallest weights should already be pruned");
        Assert.Equal(before, ModelFile.Weights(start).Select(t => t.ToFloat32()));
        Assert.Equal(vd.VariationalLayers.Count * 1 + start.parameters().Count(), vd.parameters().Count());
    }

    [Fact]
    public void SparseVariationalDropoutPrunesConvKernelsAndItsCsparseEvaluatesTheSame()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        manual_seed(0);
        using var start = new LeNet5(Normalization.Mnist);
        var options = new VariationalDropoutOptions
        {
            Training = new TrainingOptions { Epochs = 1, BatchSize = 64, LearningRate = 1e-2, Seed = 0, StepGamma = null },
            KlAnnealEpochs = 0,
            KlWeight = 10,
            LogSigma2RateScale = 100,
        };
        var result = SparseVariationalDropout.Run(start, train.Take(1024), test.Take(500), options);
        using var model = result.Model;
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", "fc3"], result.Layers.Select(l => l.Name));
        Assert.True(result.Layers[1].Nonzero < result.Layers[1].Total, "conv2 kept every weight");
        Assert.True(result.Sparsity > 0.3, $"sparsity {result.Sparsity}");
        Assert.Equal(result.Layers.Select(l => l.Nonzero), Prune.Densities(model).Select(l => l.Nonzero));

        var path = Path.Combine(_dir, "vd.csparse");
        SparseModelFile.Save(path, model);
        var (loaded, _) = SparseModelFile.LoadAny(path);
        using (loaded) Assert.Equal(result.Test.Accuracy, Evaluator.Evaluate(loaded, test.Take(500)).Accuracy);
    }

    [Fact]
    public void GradualPruningReachesTheExactSparsityInEveryConvAndLinearLayer()
    {
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        manual_seed(1);
        using var net = new LeNet5(Normalization.Mnist);
        var options = new TrainingOptions { Epochs = 1, BatchSize = 64, Seed = 1 };
        var schedule = GradualPruningSchedule.ForTraining(0.8, 1, 512 / 64, 0.5, frequency: 2);
        GradualPruning.Train(net, train.Take(512), null, options, schedule);
        var layers = Prune.Densities(net);
        Assert.Equal(["conv1", "conv2", "fc1", "fc2", "fc3"], layers.Select(l => l.Name));
        Assert.All(layers, l => Assert.Equal(l.Total - (long)Math.Floor(0.8 * l.Total), l.Nonzero));
        net.Masks.Clear();
    }

    [Fact]
    public void PruneAgpOnACnnWritesACsparseThatEvalScoresAtTheReportedAccuracy()
    {
        var dense = Path.Combine(_dir, "lenet5.safetensors");
        manual_seed(2);
        using (var net = new LeNet5(Normalization.Mnist)) Condense.Models.ModelFile.Save(dense, net, new ModelCard(DataSets.Mnist10k));
        var output = Path.Combine(_dir, "agp.csparse");
        var (code, stdout, stderr) = CliHarness.Run("prune", dense, "--method", "agp", "--sparsity", "0.75", "--finetune-epochs", "1", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        var layers = report.RootElement.GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal("conv1", layers[0].GetProperty("name").GetString());
        Assert.All(layers, l => Assert.Equal(l.GetProperty("total").GetInt64() - (long)Math.Floor(0.75 * l.GetProperty("total").GetInt64()), l.GetProperty("nonzero").GetInt64()));
        Assert.Equal("LeNet5", report.RootElement.GetProperty("architecture").GetString());

        (code, stdout, stderr) = CliHarness.Run("eval", output, "--json");
        Assert.True(code == 0, stderr);
        using var eval = JsonDocument.Parse(stdout);
        Assert.Equal(report.RootElement.GetProperty("pruned_accuracy").GetDouble(), eval.RootElement.GetProperty("accuracy").GetDouble(), 12);

        // group VD removes MLP neurons: refused for a CNN with one line, nothing written
        var group = Path.Combine(_dir, "g.safetensors");
        (code, _, stderr) = CliHarness.Run("prune", dense, "--method", "group-vd", "-o", group);
        Assert.Equal(1, code);
        Assert.Contains("removes hidden neurons of an MLP", stderr);
        Assert.False(File.Exists(group));
    }
}
