using Condense.Graph.Structure;
using Condense.Workflows.Structure;

namespace Condense.Tests.Graph.Structure;

/// <summary>Greedy refit-aware (block OBS) channel selection against the one-channel-alone reconstruction score.</summary>
public sealed class ObsChannelScoresTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-obs-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    OnnxPruneReport Prune(TinyGraphs t, StructuredPruningOptions options, string name)
    {
        var model = t.Model();
        var path = t.Save(model, dir, "in.onnx");
        return OnnxPruneWorkflow.Run(new OnnxPruneRequest(path, Path.Combine(dir, name), options,
            TinyGraphs.Inputs(model, 64, 100), TinyGraphs.Inputs(model, 64, 100), "seeded random", true, LatencyRuns: 0, CompareWithoutRefit: false));
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    public void After_the_refit_the_greedy_choice_leaves_no_more_error_than_the_reconstruction_score(double share)
    {
        // Held-out = calibration inputs here, so the refit's least-squares optimum is what is measured.
        var obs = Prune(UnfollowableModels.Ffn(), new StructuredPruningOptions(share, BudgetKind.Channels, importance: ChannelImportance.Obs), "obs.onnx");
        var rec = Prune(UnfollowableModels.Ffn(), new StructuredPruningOptions(share, BudgetKind.Channels), "rec.onnx");
        Assert.Equal(rec.Groups.Single(g => g.Group == "w1").Removed, obs.Groups.Single(g => g.Group == "w1").Removed);
        Assert.True(obs.Agreement.MeanRelativeError <= rec.Agreement.MeanRelativeError + 1e-6,
            $"obs {obs.Agreement.MeanRelativeError} vs reconstruction {rec.Agreement.MeanRelativeError}");
    }

    [Fact]
    public void Convolutions_with_a_residual_tie_are_scored_and_pruned()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 8, 8).Output("y", 1, 2, 8, 8);
        t.Conv("a", "x", "a1", 3, 8).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 8, 8)
         .Conv("c", "x", "c1", 3, 8).Node("Add", "add", ["b1", "c1"], "s").Node("Relu", "rs", ["s"], "s2").Conv("d", "s2", "y", 8, 2);
        var obs = Prune(t, new StructuredPruningOptions(0.25, importance: ChannelImportance.Obs), "conv.onnx");
        Assert.InRange(obs.RemovedFraction, 0.25, 0.40);
        Assert.True(obs.Agreement.MeanCosine > 0.5);
    }
}
