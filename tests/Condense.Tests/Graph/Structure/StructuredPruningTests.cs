using Condense.Formats.Onnx;
using Condense.Graph.Structure;
using Condense.Workflows.Structure;
using Onnx;

namespace Condense.Tests.Graph.Structure;

public sealed class StructuredPruningTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-structure-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    OnnxPruneReport Prune(TinyGraphs t, StructuredPruningOptions options, int calibration = 48)
    {
        var model = t.Model();
        var path = t.Save(model, dir, "in.onnx");
        return OnnxPruneWorkflow.Run(new OnnxPruneRequest(path, Path.Combine(dir, "out.onnx"), options,
            TinyGraphs.Inputs(model, calibration, 100), TinyGraphs.Inputs(model, 8, 1000), "seeded random", true, LatencyRuns: 0));
    }

    [Fact]
    public void Refit_recovers_a_feature_that_is_a_combination_of_the_kept_ones()
    {
        // x2 = x0 + x1, so removing x2 loses nothing: W' = [m0 + m2; m1 + m2], no bias change.
        var r = new Random(3);
        var rows = Enumerable.Range(0, 50).Select(_ => { var a = r.NextDouble(); var b = r.NextDouble(); return new[] { a, b, a + b, 1.0 }; }).ToArray();
        var g = new double[16];
        foreach (var x in rows) for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) g[i * 4 + j] += x[i] * x[j];
        float[] m = [1, 2, 3, 4, 5, 6]; // 3×2
        var (w, delta) = LeastSquaresRefit.Solve(g, m, 3, 2, [0, 1], ridge: 0);
        float[] expected = [6, 8, 8, 10];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], w[i], 3);
        Assert.All(delta, d => Assert.Equal(0, d, 3));
    }

    [Fact]
    public void Residual_model_is_pruned_to_the_budget_and_runs_smaller()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 8, 8).Output("y", 1, 2, 8, 8);
        t.Conv("a", "x", "a1", 3, 8).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 8, 8)
         .Conv("c", "x", "c1", 3, 8).Node("Add", "add", ["b1", "c1"], "s").Node("Relu", "rs", ["s"], "s2").Conv("d", "s2", "y", 8, 2);
        var report = Prune(t, new StructuredPruningOptions(0.25));
        Assert.InRange(report.RemovedFraction, 0.25, 0.40);
        Assert.True(report.ParametersAfter < report.ParametersBefore);
        Assert.True(report.BytesAfter < report.BytesBefore);
        var written = OnnxReader.Read(Path.Combine(dir, "out.onnx"));
        var w = written.Proto.Graph.Initializer.Single(x => x.Name == "d.w");
        Assert.True(w.Dims[1] < 8); // the tied residual group lost channels at its consumer
        Assert.Equal(w.Dims[1], written.Proto.Graph.Initializer.Single(x => x.Name == "b.w").Dims[0]);
        Assert.Equal(w.Dims[1], written.Proto.Graph.Initializer.Single(x => x.Name == "c.w").Dims[0]);
        Assert.NotNull(report.WithoutRefit);
        Assert.True(report.Agreement.MeanCosine >= report.WithoutRefit!.MeanCosine - 1e-6);
        Assert.All(report.Layers, l => Assert.NotNull(l.RelativeError));
    }

    [Fact]
    public void Ffn_refit_moves_the_removed_neurons_mean_into_the_bias_and_beats_no_refit()
    {
        var report = Prune(UnfollowableModels.Ffn(), new StructuredPruningOptions(0.25, BudgetKind.Channels));
        Assert.Equal(4, report.Groups.Single(g => g.Group == "w1").Removed);
        var written = OnnxReader.Read(Path.Combine(dir, "out.onnx")).Proto.Graph;
        Assert.Equal([8L, 12L], written.Initializer.Single(x => x.Name == "W1").Dims);
        Assert.Equal([12L, 8L], written.Initializer.Single(x => x.Name == "W2").Dims);
        Assert.Equal(written.Node.Count, UnfollowableModels.Ffn().Graph.Node.Count); // the bias change went into the existing Add
        Assert.True(report.Agreement.MeanRelativeError < report.WithoutRefit!.MeanRelativeError);
    }

    [Fact]
    public void Unfollowable_patterns_are_pruned_everywhere_else_and_named()
    {
        var mixing = Prune(UnfollowableModels.MixingReshape(), new StructuredPruningOptions(0.3, importance: ChannelImportance.L2, refit: false));
        Assert.Contains(mixing.LeftWhole, l => l.Group == "q" && l.Reason.Contains("Reshape 'mix'"));
        Assert.True(mixing.Groups.Single(g => g.Group == "p").Removed > 0);
        var shared = Prune(UnfollowableModels.SharedWeight(), new StructuredPruningOptions(0.3, BudgetKind.Channels));
        Assert.Contains(shared.LeftWhole, l => l.Group == "m2" && l.Reason.Contains("'S' is shared by s1, s2"));
        Assert.True(shared.Groups.Single(g => g.Group == "m1").Removed > 0);
    }

    [Fact]
    public void L2_scores_remove_the_channels_with_the_smallest_producer_norms()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 6, 6).Output("y", 1, 2, 6, 6);
        t.Conv("a", "x", "a1", 3, 4).Node("Relu", "r", ["a1"], "a2").Conv("b", "a2", "y", 4, 2);
        var w = t.Graph.Initializer.Single(x => x.Name == "a.w");
        var values = OnnxTensorData.ToFloat32(w);
        for (int i = 27; i < 54; i++) values[i] *= 0.01f; // channel 1 is tiny
        t.Graph.Initializer[t.Graph.Initializer.IndexOf(w)] = OnnxTensorData.FromFloat32("a.w", values, [4, 3, 3, 3]);
        var model = t.Model();
        var d = Condense.Graph.Dependency.DependencyAnalysis.Analyze(model.Proto.Graph, Condense.Graph.ValueShapes.Capture(model, TinyGraphs.Inputs(model, 1, 0)[0]));
        var scores = ChannelScores.Compute(model.Proto.Graph, d.Prunable.ToList(), ChannelImportance.L2, null);
        var group = d.Prunable.Single();
        Assert.Equal(1, Array.IndexOf(scores[group.Id], scores[group.Id].Min()));
        var expected = Math.Sqrt(values.Take(27).Sum(v => (double)v * v) + OnnxTensorData.ToFloat32(model.Proto.Graph.Initializer.Single(x => x.Name == "a.b"))[0] * 0);
        Assert.Equal(expected, scores[group.Id][0], 5);
    }

    [Fact]
    public void Per_flop_budget_takes_first_the_channels_that_save_the_most_flops_for_their_error()
    {
        // a's channels are read at 16×16, c's at 4×4 (after a 4×4 max-pool): 17× the FLOPs per channel.
        var t = new TinyGraphs().Input("x", 1, 3, 16, 16).Output("y", 1, 2, 4, 4);
        t.Conv("a", "x", "a1", 3, 8).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 8, 8)
         .Node("MaxPool", "pool", ["b1"], "p", TinyGraphs.Ints("kernel_shape", 4, 4), TinyGraphs.Ints("strides", 4, 4))
         .Conv("c", "p", "c1", 8, 8).Node("Relu", "rc", ["c1"], "c2").Conv("d", "c2", "y", 8, 2);
        var model = t.Model();
        var shapes = Condense.Graph.ValueShapes.Capture(model, TinyGraphs.Inputs(model, 1, 0)[0]);
        var groups = Condense.Graph.Dependency.DependencyAnalysis.Analyze(model.Proto.Graph, shapes).Prunable.ToList();
        var costs = new PruningCosts(model.Proto.Graph, groups, shapes);
        int Id(string name) => groups.Single(g => g.Name == name).Id;
        // Equal error per channel everywhere: per FLOP, a's channels (99 weights at 16×16 each) go first, c's last.
        var equal = groups.ToDictionary(g => g.Id, g => Enumerable.Repeat(1.0, g.Width).ToArray());
        var chosen = ChannelSelection.Choose(groups, equal, costs, new StructuredPruningOptions(0.25, scope: BudgetScope.PerFlop));
        Assert.True(chosen.ContainsKey(Id("a")));
        Assert.False(chosen.ContainsKey(Id("c")));
        // Make a's channels 100× as costly in error: now they are spared and b (nearly a's FLOPs per channel) pays.
        equal[Id("a")] = Enumerable.Repeat(100.0, 8).ToArray();
        var spared = ChannelSelection.Choose(groups, equal, costs, new StructuredPruningOptions(0.25, scope: BudgetScope.PerFlop));
        Assert.False(spared.ContainsKey(Id("a")));
        Assert.True(spared.ContainsKey(Id("b")));
        // The end-to-end workflow meets the budget with it.
        var report = Prune(t, new StructuredPruningOptions(0.25, scope: BudgetScope.PerFlop));
        Assert.InRange(report.RemovedFraction, 0.25, 0.45);
        Assert.Contains("perflop", report.Budget);
    }

    [Fact]
    public void Groups_named_to_keep_are_left_whole_and_the_others_pay_the_budget()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 8, 8).Output("y", 1, 2, 8, 8);
        t.Conv("a", "x", "a1", 3, 8).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 8, 8)
         .Node("Relu", "rb", ["b1"], "b2").Conv("c", "b2", "y", 8, 2);
        var report = Prune(t, new StructuredPruningOptions(0.25, keepWhole: ["b"]));
        Assert.DoesNotContain(report.Groups, g => g.Group == "b");
        Assert.Contains(report.LeftWhole, l => l.Group == "b" && l.Reason.Contains("--keep"));
        Assert.True(report.Groups.Single(g => g.Group == "a").Removed > 0);
        Assert.Equal(8, OnnxReader.Read(Path.Combine(dir, "out.onnx")).Proto.Graph.Initializer.Single(x => x.Name == "b.w").Dims[0]);
    }

    [Fact]
    public void A_model_with_nothing_prunable_is_refused_and_nothing_is_written()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 6, 6).Output("y", 1, 2, 6, 6);
        t.Conv("a", "x", "y", 3, 2);
        var e = Assert.Throws<CondenseException>(() => Prune(t, new StructuredPruningOptions(0.25)));
        Assert.Contains("no channel group can be pruned", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "out.onnx")));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void ResNet18_quarter_of_3x3_flops_removed_is_smaller_and_close_with_refit()
    {
        var calibration = RealInputs.ResNetCrops(6, seed: 1);
        var heldOut = RealInputs.ResNetCrops(2, seed: 99);
        var report = OnnxPruneWorkflow.Run(new OnnxPruneRequest(PackagedModels.ResNet18, Path.Combine(dir, "r.onnx"),
            new StructuredPruningOptions(0.25, roundTo: 16, keepTied: true), calibration, heldOut, "photo crops", LatencyRuns: 0));
        Assert.All(report.Groups, g => Assert.Equal(g.Width / 4, g.Removed));
        Assert.Equal(9, report.Groups.Count); // the inner channels of the 9 basic blocks of this ResNet18; residual streams kept whole
        Assert.All(report.Layers, l => Assert.Equal("Conv", l.Op));
        Assert.InRange(report.RemovedFraction, 0.25, 0.27);
        Assert.True(report.BytesAfter < 0.85 * report.BytesBefore);
        Assert.True(report.Agreement.MeanCosine > report.WithoutRefit!.MeanCosine);
        Assert.True(report.Agreement.MeanCosine > 0.85, $"cosine {report.Agreement.MeanCosine}");
    }
}
