using Condense.Graph.Dependency;
using Condense.Graph.Structure;
using Condense.Workflows.Structure;

namespace Condense.Tests.Graph.Structure;

/// <summary>Per-group budgets by hand (<c>--shares</c>): the named groups take their share, the others pay what is left.</summary>
public sealed class ChannelSharesTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-shares-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    /// <summary>a → b → c → d, 16 channels each, all at 8×8: every inner channel costs the same FLOPs in a, b and c.</summary>
    static TinyGraphs Chain()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 8, 8).Output("y", 1, 2, 8, 8);
        t.Conv("a", "x", "a1", 3, 16).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 16, 16)
         .Node("Relu", "rb", ["b1"], "b2").Conv("c", "b2", "c1", 16, 16).Node("Relu", "rc", ["c1"], "c2").Conv("d", "c2", "y", 16, 2);
        return t;
    }

    static (List<ChannelGroup> Groups, PruningCosts Costs) Analyse(TinyGraphs t)
    {
        var model = t.Model();
        var shapes = Condense.Graph.ValueShapes.Capture(model, TinyGraphs.Inputs(model, 1, 0)[0]);
        var groups = DependencyAnalysis.Analyze(model.Proto.Graph, shapes).Prunable.ToList();
        return (groups, new PruningCosts(model.Proto.Graph, groups, shapes));
    }

    static double RemovedFlops(PruningCosts costs, IReadOnlyDictionary<int, int[]> chosen) =>
        1 - (costs.Total(chosen.ToDictionary(p => p.Key, p => p.Value.Length)).Flops / costs.Total(new Dictionary<int, int>()).Flops);

    [Fact]
    public void A_named_share_is_taken_exactly_and_the_other_groups_meet_the_rest_of_the_budget()
    {
        var (groups, costs) = Analyse(Chain());
        Assert.Equal(["a", "b", "c"], groups.Select(g => g.Name).Order());
        int Id(string name) => groups.Single(g => g.Name == name).Id;
        var scores = groups.ToDictionary(g => g.Id, g => Enumerable.Range(0, g.Width).Select(i => (double)i).ToArray());
        var uniform = ChannelSelection.Choose(groups, scores, costs, new StructuredPruningOptions(0.25));
        var shared = ChannelSelection.Choose(groups, scores, costs, new StructuredPruningOptions(0.25, shares: new Dictionary<string, double> { ["a"] = 0.25 }));
        // a loses exactly a quarter of its channels (the lowest-scored 4) although uniform takes fewer from it;
        // b and c share the rest of the budget, so they lose fewer than uniform takes from them.
        Assert.True(uniform[Id("a")].Length < 4);
        Assert.Equal(Enumerable.Range(0, 4), shared[Id("a")]);
        Assert.True(shared[Id("b")].Length < uniform[Id("b")].Length);
        Assert.True(shared[Id("c")].Length < uniform[Id("c")].Length);
        // Both meet the budget (at least 25 % of the FLOPs; whole channels overshoot it a little).
        Assert.InRange(RemovedFlops(costs, uniform), 0.25, 0.4);
        Assert.InRange(RemovedFlops(costs, shared), 0.25, 0.4);
    }

    [Fact]
    public void Shares_that_already_meet_the_budget_leave_the_other_groups_whole()
    {
        var (groups, costs) = Analyse(Chain());
        var scores = groups.ToDictionary(g => g.Id, g => Enumerable.Repeat(1.0, g.Width).ToArray());
        var chosen = ChannelSelection.Choose(groups, scores, costs,
            new StructuredPruningOptions(0.1, shares: new Dictionary<string, double> { ["a"] = 0.5, ["b"] = 0.25 }));
        Assert.Equal(["a", "b"], chosen.Keys.Select(id => groups.Single(g => g.Id == id).Name).Order());
        Assert.Equal(8, chosen[groups.Single(g => g.Name == "a").Id].Length);
        Assert.Equal(4, chosen[groups.Single(g => g.Name == "b").Id].Length);
    }

    [Fact]
    public void An_unknown_group_or_a_share_out_of_range_is_refused_in_one_line()
    {
        var t = Chain();
        var model = t.Model();
        var path = t.Save(model, dir, "in.onnx");
        var request = new OnnxPruneRequest(path, Path.Combine(dir, "out.onnx"),
            new StructuredPruningOptions(0.25, shares: new Dictionary<string, double> { ["nope"] = 0.5 }),
            TinyGraphs.Inputs(model, 16, 100), TinyGraphs.Inputs(model, 4, 1000), "seeded random", true, LatencyRuns: 0);
        var e = Assert.Throws<CondenseException>(() => OnnxPruneWorkflow.Run(request));
        Assert.Contains("'nope'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "out.onnx")));
        Assert.Throws<CondenseException>(() => new StructuredPruningOptions(0.25, shares: new Dictionary<string, double> { ["a"] = 1.0 }));
    }

    [Fact]
    public void The_cli_reads_name_share_pairs_and_refuses_a_malformed_one()
    {
        var shares = Condense.Cli.Commands.OnnxPrune.ParseShares("Convolution257=0.5, Convolution317=0.25")!;
        Assert.Equal(0.5, shares["Convolution257"]);
        Assert.Equal(0.25, shares["Convolution317"]);
        Assert.Null(Condense.Cli.Commands.OnnxPrune.ParseShares(" "));
        var e = Assert.Throws<CondenseException>(() => Condense.Cli.Commands.OnnxPrune.ParseShares("Convolution257:0.5"));
        Assert.Contains("'Convolution257:0.5'", e.Message);
    }
}
