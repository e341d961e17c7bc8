using System.Text.Json;
using Condense.Data;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Tests.Pruning;

public class PruningCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-prune-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string SmallModel()
    {
        var path = Path.Combine(_dir, "lenet.safetensors");
        if (File.Exists(path)) return path;
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        var options = new TrainingOptions { Epochs = 1 };
        var result = Trainer.Train(model, train.Take(1000), test.Take(200), options);
        ModelFile.Save(path, model, new ModelCard(DataSets.Mnist10k, options, result.Final));
        return path;
    }

    [Theory]
    [InlineData("--sparsity", "1.0", "sparsity 1 must be in [0, 1)")]
    [InlineData("--sparsity", "-0.5", "sparsity -0.5 must be in [0, 1)")]
    [InlineData("--layers", "fc1,conv7", "unknown layer 'conv7' (layers: fc1, fc2, fc3)")]
    [InlineData("--method", "optimal-brain-damage", "unknown pruning method 'optimal-brain-damage'")]
    public void BadInputIsOneLineAndExitCodeOne(string option, string value, string message)
    {
        var model = SmallModel();
        var output = Path.Combine(_dir, "out.csparse");
        var (code, _, stderr) = CliHarness.Run("prune", model, option, value, "-o", output, "--data", "none");
        Assert.Equal(1, code);
        Assert.StartsWith("condense: error: ", stderr);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void DataMethodWithoutDataIsOneLineError()
    {
        var (code, _, stderr) = CliHarness.Run("prune", SmallModel(), "--method", "snip", "--data", "none", "-o", Path.Combine(_dir, "o.csparse"));
        Assert.Equal(1, code);
        Assert.Equal("condense: error: snip needs training data to score weights (use synflow, which is data-free, or give data)", stderr.TrimEnd());
    }

    [Fact]
    public void PruneWritesASmallerSparseFileAndAHonestReport()
    {
        var output = Path.Combine(_dir, "pruned.csparse");
        var report = Path.Combine(_dir, "r.json");
        var (code, stdout, stderr) = CliHarness.Run("prune", SmallModel(), "--method", "synflow", "--sparsity", "0.9", "--finetune-epochs", "1", "-o", output, "--report", report, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var root = doc.RootElement;
        Assert.Equal(0.9, root.GetProperty("sparsity").GetDouble(), 4);
        Assert.Equal(new FileInfo(output).Length, root.GetProperty("bytes").GetProperty("output").GetInt64());
        Assert.True(root.GetProperty("bytes").GetProperty("ratio").GetDouble() < 0.2);
        Assert.True(root.GetProperty("accuracy").GetProperty("fine_tuned").GetDouble() > 0.5);
        Assert.Equal(stdout.Trim(), File.ReadAllText(report).Trim());
        var loaded = SparseModelFile.Load(output);
        Assert.Equal(0.9, Prune.Sparsity(loaded), 4);
    }

    [Fact]
    public void StructuredPruneWritesASmallerDenseModelThatEvaluatesTheSame()
    {
        var output = Path.Combine(_dir, "small.safetensors");
        var (code, stdout, stderr) = CliHarness.Run("prune", SmallModel(), "--method", "structured", "--sparsity", "0.75", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var compacted = doc.RootElement.GetProperty("compacted");
        Assert.Equal([784, 75, 25, 10], compacted.GetProperty("sizes").EnumerateArray().Select(e => e.GetInt32()));
        Assert.True(compacted.GetProperty("max_abs_output_difference").GetDouble() < 1e-4);
        var (small, _) = ModelFile.Load(output);
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        Assert.Equal(doc.RootElement.GetProperty("accuracy").GetProperty("pruned").GetDouble(), Evaluator.Evaluate(small, test).Accuracy!.Value, 4);
    }

    [Fact]
    public void LotteryRunsRoundsAtTheExpectedDensities()
    {
        var report = Path.Combine(_dir, "lottery.json");
        var (code, _, stderr) = CliHarness.Run("lottery", "lenet300", "--rounds", "2", "--rate", "0.5", "--rewind-epoch", "1", "--epochs", "2", "--train-limit", "800", "--report", report);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        var rounds = doc.RootElement.GetProperty("rounds").EnumerateArray().ToArray();
        Assert.Equal(2, rounds.Length);
        Assert.Equal(0.5, rounds[0].GetProperty("density").GetDouble(), 3);
        Assert.Equal(0.25, rounds[1].GetProperty("density").GetDouble(), 3);
        Assert.All(rounds, r => Assert.True(r.GetProperty("ticket").GetDouble() > 0.5));
        Assert.All(rounds, r => Assert.True(r.GetProperty("random_reinit").GetDouble() > 0.1));
        var (bad, _, err) = CliHarness.Run("lottery", "lenet300", "--rewind-epoch", "5", "--epochs", "2");
        Assert.Equal(1, bad);
        Assert.Equal("condense: error: rewind epoch must be 0–1 (below the 2 training epochs), got 5", err.Trim());
    }
}
