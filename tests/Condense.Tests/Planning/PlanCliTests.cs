using System.Text.Json;
using Condense.Data;
using Condense.Models;

namespace Condense.Tests.Planning;

[Trait("Category", "Slow")]
public class PlanCliTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-plan-cli-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PlanMeetsTheBudgetAndReportsPredictedAndMeasured()
    {
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        using var model = ModelFactory.Create(ModelKind.LeNet300, 2);
        Trainer.Train(model, train.Take(2000), null, new TrainingOptions { Epochs = 1, Seed = 2 });
        var path = Path.Combine(_dir, "lenet.safetensors");
        ModelFile.Save(path, model, new ModelCard(DataSets.Mnist10k));
        var (code, stdout, stderr) = CliHarness.Run("plan", path, "--target-times-smaller", "30", "--prune-steps", "1", "--prune-epochs", "0", "--share-epochs", "0", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        var budget = root.GetProperty("budget_bytes").GetInt64();
        Assert.Equal(266_610 * 4 / 30, budget);
        var plans = root.GetProperty("plans").EnumerateArray().ToArray();
        Assert.Equal(["planned", "uniform"], plans.Select(p => p.GetProperty("plan").GetString()));
        foreach (var p in plans)
        {
            Assert.True(p.GetProperty("meets_budget").GetBoolean(), p.ToString());
            Assert.True(p.GetProperty("predicted_bytes").GetInt64() <= budget);
        }
        // Planned predicted loss is never above uniform's (uniform is one of the plans it searched).
        Assert.True(plans[0].GetProperty("predicted_accuracy").GetDouble() >= plans[1].GetProperty("predicted_accuracy").GetDouble());
        Assert.InRange(root.GetProperty("bound_spearman").GetDouble(), -1, 1);

        (code, _, stderr) = CliHarness.Run("plan", path, "--target-size", "1KB");
        Assert.Equal(1, code);
        Assert.Matches(@"^condense: error: target 1,000 bytes \(1,000 bytes\) cannot be met: the smallest reachable is [\d,]+ bytes \(\d+×\)$", stderr.Trim());
    }
}
