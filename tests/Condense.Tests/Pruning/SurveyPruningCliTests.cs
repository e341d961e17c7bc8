using System.Text.Json;
using Condense.Cli.Commands;
using Condense.Data;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Tests.Pruning;

/// <summary><c>prune --method agp|variational-dropout</c> and <c>study skeleton</c>: the files they write are what <c>condense eval</c> measures.</summary>
[Trait("Category", "Slow")]
public sealed class SurveyPruningCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-survey-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string SmallModel()
    {
        var path = Path.Combine(_dir, "lenet.safetensors");
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        var options = new TrainingOptions { Epochs = 1 };
        var result = Trainer.Train(model, train.Take(1000), test.Take(200), options);
        ModelFile.Save(path, model, new ModelCard(DataSets.Mnist10k, options, result.Final));
        return path;
    }

    static JsonElement Json(string[] args)
    {
        var (code, stdout, stderr) = CliHarness.Run(args);
        Assert.True(code == 0, stderr);
        return JsonDocument.Parse(stdout).RootElement;
    }

    [Theory]
    [InlineData("agp")]
    [InlineData("variational-dropout")]
    public void TrainingTimePruningWritesASparseFileEvalReads(string method)
    {
        var output = Path.Combine(_dir, method + ".csparse");
        var report = Json(["prune", SmallModel(), "--method", method, "--sparsity", "0.9", "--finetune-epochs", "1", "-o", output, "--json"]);
        var sparsity = report.GetProperty("sparsity").GetDouble();
        if (method == "agp") Assert.Equal(0.9, sparsity, 3);
        else Assert.InRange(sparsity, 0.05, 1.0); // learnt, not asked for
        var eval = Json(["eval", output, "--json"]);
        Assert.Equal(report.GetProperty("pruned_accuracy").GetDouble(), eval.GetProperty("accuracy").GetDouble(), 12);
        var loaded = SparseModelFile.Load(output);
        Assert.Equal(sparsity, Prune.Sparsity(loaded), 12);
    }

    [Fact]
    public void GroupVariationalDropoutWritesASmallerDenseModelEvalReads()
    {
        var output = Path.Combine(_dir, "group.safetensors");
        var report = Json(["prune", SmallModel(), "--method", "group-variational-dropout", "--finetune-epochs", "2", "-o", output, "--json"]);
        var architecture = report.GetProperty("architecture").GetString()!;
        var sizes = architecture.Split('-').Select(int.Parse).ToArray();
        Assert.Equal(784, sizes[0]);
        Assert.Equal(10, sizes[^1]);
        Assert.True(sizes[1] <= 300 && sizes[2] <= 100, architecture);
        // the sparsity is the share of the input model's 266,200 weights the smaller model no longer has
        var weights = 784L * sizes[1] + (long)sizes[1] * sizes[2] + sizes[2] * 10L;
        Assert.Equal(1 - weights / 266_200.0, report.GetProperty("sparsity").GetDouble(), 12);
        var eval = Json(["eval", output, "--json"]);
        Assert.Equal(report.GetProperty("pruned_accuracy").GetDouble(), eval.GetProperty("accuracy").GetDouble(), 12);
        var (code, _, stderr) = CliHarness.Run("prune", SmallModel(), "--method", "group-variational-dropout", "-o", Path.Combine(_dir, "group.csparse"));
        Assert.Equal(1, code);
        Assert.Contains("give a .safetensors output", stderr);
    }

    [Fact]
    public void SkeletonStudyWritesSmallerDenseModelsEvalReads()
    {
        var folder = Path.Combine(_dir, "skeleton");
        var json = Json(["study", "skeleton", "--train-limit", "300", "--epochs", "1", "--sparsities", "0.1", "-o", folder, "--json"]);
        var points = json.GetProperty("result").GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal(["relevance", "relevance-gradient", "magnitude"], points.Select(p => p.GetProperty("method").GetString()));
        Assert.All(points, p => Assert.Equal("784-270-90-10", p.GetProperty("architecture").GetString()));
        var file = Assert.Single(json.GetProperty("models").EnumerateArray()).GetString()!;
        var eval = Json(["eval", file, "--json"]);
        Assert.Equal(points[0].GetProperty("accuracy").GetDouble(), eval.GetProperty("accuracy").GetDouble(), 12);
    }

    [Fact]
    public void TrainWithProgressKeepsTheCallersBatchHook()
    {
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        var batches = 0;
        using var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(TextWriter.Null) });
        Condense.Cli.Reports.TrainingView.TrainWithProgress(console, model, train.Take(256), train.Take(64), new TrainingOptions { Epochs = 2, BatchSize = 64 }, quiet: true,
            hooks: new TrainingHooks { OnBatch = (_, _, _) => batches++ });
        Assert.Equal(8, batches);
    }
}
