using Condense.Formats.Onnx;
using Condense.Graph.Structure;
using Condense.Workflows.Structure;

namespace Condense.Tests.Graph.Structure;

public sealed class SequentialRefitTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-seqrefit-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    (OnnxPruneReport Report, Onnx.GraphProto Written) Prune(TinyGraphs t, StructuredPruningOptions options, string name)
    {
        var model = t.Model();
        var path = t.Save(model, dir, "in.onnx");
        var output = Path.Combine(dir, name);
        var report = OnnxPruneWorkflow.Run(new OnnxPruneRequest(path, output, options,
            TinyGraphs.Inputs(model, 48, 100), TinyGraphs.Inputs(model, 8, 1000), "seeded random", true, LatencyRuns: 0));
        return (report, OnnxReader.Read(output).Proto.Graph);
    }

    static float[] Values(Onnx.GraphProto g, string name) => OnnxTensorData.ToFloat32(g.Initializer.Single(x => x.Name == name));

    [Fact]
    public void With_one_refitted_layer_and_nothing_cut_above_it_the_sequential_refit_is_the_one_shot_refit()
    {
        // w2 reads the kept neurons exactly as the original computes them, so X′ = X_F: the same normal equations.
        var (_, once) = Prune(UnfollowableModels.Ffn(), new StructuredPruningOptions(0.25, BudgetKind.Channels, refitMode: RefitMode.Once), "once.onnx");
        var (report, sequential) = Prune(UnfollowableModels.Ffn(), new StructuredPruningOptions(0.25, BudgetKind.Channels), "seq.onnx");
        Assert.Contains("sequential", report.Budget);
        foreach (var name in new[] { "W2", "b2" })
        {
            var a = Values(once, name);
            var b = Values(sequential, name);
            Assert.Equal(a.Length, b.Length);
            var scale = a.Max(Math.Abs);
            for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-3 * scale, $"{name}[{i}]: {a[i]} vs {b[i]}");
        }
    }

    static TinyGraphs Chain()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 8, 8).Output("y", 1, 2, 8, 8);
        t.Conv("a", "x", "a1", 3, 8).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 8, 8).Node("Relu", "rb", ["b1"], "b2")
         .Conv("c", "b2", "c1", 8, 8).Node("Relu", "rc", ["c1"], "c2").Conv("d", "c2", "y", 8, 2);
        return t;
    }

    [Fact]
    public void In_a_chain_each_refit_corrects_the_error_from_above_and_beats_the_one_shot_refit_held_out()
    {
        var (once, _) = Prune(Chain(), new StructuredPruningOptions(0.5, BudgetKind.Channels, refitMode: RefitMode.Once), "once.onnx");
        var (sequential, _) = Prune(Chain(), new StructuredPruningOptions(0.5, BudgetKind.Channels), "seq.onnx");
        Assert.Equal(["b", "c", "d"], sequential.Layers.Where(l => l.Change == "pruned, refitted").Select(l => l.Node).Order());
        Assert.True(sequential.Agreement.MeanRelativeError < once.Agreement.MeanRelativeError,
            $"sequential {sequential.Agreement.MeanRelativeError} vs once {once.Agreement.MeanRelativeError}");
        Assert.True(once.Agreement.MeanRelativeError < once.WithoutRefit!.MeanRelativeError);
    }

    [Fact]
    public void Refit_all_also_refits_the_layers_between_the_cuts_that_read_no_removed_channel()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 8, 8).Output("y", 1, 2, 8, 8);
        t.Conv("a", "x", "a1", 3, 8).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 8, 8).Node("Relu", "rb", ["b1"], "b2")
         .Conv("c", "b2", "c1", 8, 8).Node("Relu", "rc", ["c1"], "c2").Conv("d", "c2", "y", 8, 2);
        // Only a's group is cut (b's and c's kept whole): b reads the cut channels; a itself reads none but is refitted by "all".
        var (sequential, _) = Prune(t, new StructuredPruningOptions(0.5, BudgetKind.Channels, keepWhole: ["b", "c"]), "seq.onnx");
        Assert.Equal(["b"], sequential.Layers.Where(l => l.Change == "pruned, refitted").Select(l => l.Node));
        var (all, written) = Prune(t, new StructuredPruningOptions(0.5, BudgetKind.Channels, keepWhole: ["b", "c"], refitMode: RefitMode.All), "all.onnx");
        Assert.Contains("all", all.Budget);
        Assert.Equal(["a", "b"], all.Layers.Where(l => l.Change == "pruned, refitted").Select(l => l.Node).Order());
        Assert.Equal([4L, 3L, 3L, 3L], written.Initializer.Single(x => x.Name == "a.w").Dims);
        Assert.True(all.Agreement.MeanRelativeError < all.WithoutRefit!.MeanRelativeError);
    }

    [Fact]
    public void Residual_refit_fits_the_block_sum_and_beats_no_refit()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 8, 8).Output("y", 1, 2, 8, 8);
        t.Conv("a", "x", "a1", 3, 8).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 8, 8)
         .Conv("c", "x", "c1", 3, 8).Node("Relu", "rc", ["c1"], "c2").Conv("e", "c2", "e1", 8, 8)
         .Node("Add", "add", ["b1", "e1"], "s").Node("Relu", "rs", ["s"], "s2").Conv("d", "s2", "y", 8, 2);
        var (report, _) = Prune(t, new StructuredPruningOptions(0.5, BudgetKind.Channels, keepTied: true, refitMode: RefitMode.Residual), "res.onnx");
        Assert.Contains("residual", report.Budget);
        Assert.True(report.Agreement.MeanRelativeError < report.WithoutRefit!.MeanRelativeError);
    }
}
