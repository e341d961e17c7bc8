using Condense.Workflows.Cnn;

namespace Condense.Tests.Workflows;

public class CnnStudyTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-cnnstudy-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    [Trait("Category", "Slow")]
    public void EveryStageRunsAndEveryOnnxFileHasTheTorchSharpAccuracy()
    {
        var report = CnnStudy.Run(new CnnStudyRequest
        {
            DataSet = Condense.Data.DataSets.Mnist10k, TrainCount = 256, TestCount = 200, Config = "4,M,6,M",
            Epochs = 1, FineTuneEpochs = 1, BatchSize = 64, LatencyBatch = 16, LatencyRuns = 2, ExitAfterSteps = [2],
            ExitThresholds = [0, 0.9, 1.01], OutputFolder = _dir, Groups = [2],
        });
        var exported = report.Variants.Where(v => v.OrtAccuracy is not null).ToList();
        Assert.Equal(["baseline", "slim-finetuned", "filters-finetuned", "fused", "separable", "groups2", "relu-pool-bn"], exported.Select(v => v.Name));
        Assert.All(exported, v =>
        {
            Assert.Equal(v.Accuracy, v.OrtAccuracy!.Value, 3);   // 200 images: one image is 0.005
            Assert.True(File.Exists(v.File));
        });
        Assert.InRange(report.SlimChannelsRemoved!.Value, 0.6, 0.75);
        Assert.True(report.Variant("slim-finetuned")!.Macs < report.Variant("baseline")!.Macs);
        Assert.True(report.FusionMaxDifference < 1e-4);
        Assert.True(report.ReplacedParametersAfter < report.ReplacedParametersBefore);
        // Groups of 2 halve the replaced 3×3 weights (6 filters of 4/2 inputs); BN is unchanged.
        var groups = report.Groups!.Single();
        Assert.Equal((6 * 4 * 9 + 12, 6 * 2 * 9 + 12), (groups.Before, groups.After));
        Assert.Equal("4,M,6g2,M", report.Variant("groups2")!.Config);
        Assert.Contains("cannot be fused", report.ReorderedFusion);
        Assert.Equal(report.Variant("baseline")!.Parameters, report.Variant("relu-pool-bn")!.Parameters);
        Assert.Equal(["autoencoder-convtranspose", "autoencoder-bilinear"], report.Autoencoders!.Select(a => a.Name));
        Assert.All(report.Autoencoders!, a =>
        {
            Assert.True(a.OrtMaxDifference <= 1e-4);
            Assert.Equal(a.Mse, a.OrtMse, 5);
            Assert.True(File.Exists(a.File));
        });
        var curve = report.EarlyExit!.Single().Points;
        Assert.Equal(1.0, curve[0].ExitFraction);   // threshold 0: everything exits
        Assert.Equal(0.0, curve[^1].ExitFraction);  // above 1: nothing does, the full network's accuracy
        Assert.Equal(report.Variant("baseline")!.Accuracy, curve[^1].Accuracy, 6);
    }
}

public class CnnStudyBaselineTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-cnnbaseline-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static CnnStudyRequest Tiny(string folder) => new()
    {
        DataSet = Condense.Data.DataSets.Mnist10k, TrainCount = 256, TestCount = 200, Config = "4,M,6,M",
        Epochs = 1, BatchSize = 64, LatencyBatch = 16, LatencyRuns = 2, OutputFolder = folder, Stages = new HashSet<string>(),
    };

    [Fact]
    public void ALoadedBaselineIsTheSavedOneAndStartsATeacherInitialisedStudent()
    {
        var first = CnnStudy.Run(Tiny(Path.Combine(_dir, "a")));
        var saved = Path.Combine(_dir, "a", "baseline.safetensors");
        var again = CnnStudy.Run(Tiny(Path.Combine(_dir, "b")) with
        {
            BaselinePath = saved, Stages = new HashSet<string> { "separable" }, SeparableStart = StudentStart.Teacher, StudentEpochs = 1,
        });
        Assert.Equal(first.Variant("baseline")!.Accuracy, again.Variant("baseline")!.Accuracy);
        Assert.Equal(saved, again.BaselineFile);
        Assert.Equal(["conv2"], again.SeparableSplitEnergy!.Keys);
        Assert.InRange(again.SeparableSplitEnergy!["conv2"], 1.0 / 9, 1.0);
        Assert.NotNull(again.Variant("separable-start"));
        Assert.Equal(again.Variant("separable")!.Accuracy, again.Variant("separable")!.OrtAccuracy!.Value, 3);
    }

    [Fact]
    public void DistilledFineTuningChangesOnlyTheFineTuningOfBothPrunedNetworks()
    {
        CnnStudy.Run(Tiny(Path.Combine(_dir, "a")));
        var saved = Path.Combine(_dir, "a", "baseline.safetensors");
        CnnStudyReport Pruned(string name, bool distilled) => CnnStudy.Run(Tiny(Path.Combine(_dir, name)) with
        {
            BaselinePath = saved, Stages = new HashSet<string> { "slimming", "filters" }, FineTuneDistilled = distilled, FineTuneEpochs = 1, SlimFraction = 0.5,
        });
        var plain = Pruned("plain", false);
        var distilled = Pruned("distilled", true);
        Assert.False(plain.FineTuneDistilled);
        Assert.True(distilled.FineTuneDistilled);
        // The same sparse training and selection, so the same pruned networks before fine-tuning …
        Assert.Equal(plain.SlimLayers, distilled.SlimLayers);
        foreach (var before in new[] { "slim", "filters" })
            Assert.Equal(plain.Variant(before)!.Accuracy, distilled.Variant(before)!.Accuracy);
        Assert.Equal(plain.Variant("slim-finetuned")!.Config, distilled.Variant("slim-finetuned")!.Config);
        // … and other weights after it: the soft targets moved both.
        foreach (var tuned in new[] { "slim-finetuned", "filters-finetuned" })
            Assert.NotEqual(File.ReadAllBytes(Path.Combine(_dir, "plain", tuned + ".safetensors")), File.ReadAllBytes(Path.Combine(_dir, "distilled", tuned + ".safetensors")));
    }

    [Fact]
    public void ABaselineOfAnotherConfigurationIsRefusedNamingTheFile()
    {
        CnnStudy.Run(Tiny(Path.Combine(_dir, "a")));
        var saved = Path.Combine(_dir, "a", "baseline.safetensors");
        var ex = Assert.Throws<CondenseException>(() => CnnStudy.Run(Tiny(Path.Combine(_dir, "b")) with { BaselinePath = saved, Config = "4,M,8,M" }));
        Assert.StartsWith(saved + ": a VGG '4,M,6,M'", ex.Message);
        Assert.Equal("student epochs must be 0–1000 (0: the baseline's), got -1", Assert.Throws<CondenseException>(() => new CnnStudyRequest { StudentEpochs = -1 }).Message);
    }
}

public class CnnStudySeparableUnitsTests
{
    [Theory]
    [InlineData("16,M,32,32,M,64,64,M", null, "16,M,d32,d32,M,d64,d64,M")]
    [InlineData("16,M,32,32,M,64,64,M", new[] { 4, 5 }, "16,M,32,32,M,d64,d64,M")]
    [InlineData("8,M,16", new[] { 1 }, "d8,M,16")]
    public void SeparableUnitsReplaceExactlyTheNamedConvUnits(string config, int[]? units, string expected) =>
        Assert.Equal(expected, CnnStudy.SeparableConfig(config, units?.ToHashSet()));

    [Fact]
    public void AUnitOutsideTheNetworkIsRefusedBeforeAnyTraining()
    {
        var ex = Assert.Throws<CondenseException>(() => CnnStudy.Run(new CnnStudyRequest
        {
            DataSet = Condense.Data.DataSets.Mnist10k, TrainCount = 64, TestCount = 64, Config = "4,M,6,M", SeparableUnits = [0, 3],
        }));
        Assert.Equal("separable units must be conv units 1–2 of '4,M,6,M', got 0", ex.Message);
    }
}
