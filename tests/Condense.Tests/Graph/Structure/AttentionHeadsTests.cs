using Condense.Formats.Onnx;
using Condense.Graph.Dependency;
using Condense.Graph.Structure;
using Condense.Workflows.Structure;
using Onnx;

namespace Condense.Tests.Graph.Structure;

public sealed class AttentionHeadsTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-heads-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    OnnxPruneReport Prune(TinyGraphs t, StructuredPruningOptions options)
    {
        var model = t.Model();
        var path = t.Save(model, dir, "in.onnx");
        return OnnxPruneWorkflow.Run(new OnnxPruneRequest(path, Path.Combine(dir, "out.onnx"), options,
            TinyGraphs.Inputs(model, 32, 100), TinyGraphs.Inputs(model, 8, 1000), "seeded random", true, LatencyRuns: 0));
    }

    static TensorProto Tensor(GraphProto g, string name) => g.Initializer.Single(x => x.Name == name);

    [Fact]
    public void A_head_is_cut_from_q_k_v_and_the_output_rows_with_its_reshapes_and_the_other_head_computes_exactly_as_before()
    {
        var original = AttentionModels.SelfAttention().Model();
        var report = Prune(AttentionModels.SelfAttention(), new StructuredPruningOptions(0, BudgetKind.Channels, importance: ChannelImportance.L2, refit: false, heads: 0.5));
        var row = report.Groups.Single(g => g.Group == "heads of out");
        Assert.Equal((2, 1), (row.Width, row.Removed));
        Assert.Equal(["q", "k", "v"], row.Producers);
        Assert.Contains(report.LeftWhole, l => l.Group == "ffn1" && l.Reason.Contains("only heads"));
        var written = OnnxReader.Read(Path.Combine(dir, "out.onnx")).Proto.Graph;
        foreach (var p in new[] { "q", "k", "v" })
        {
            Assert.Equal([8L, 4L], Tensor(written, "W" + p).Dims);
            Assert.Equal([4L], Tensor(written, "b" + p).Dims);
            Assert.Equal([1L], ReshapeRule.Values(Tensor(written, p + "_c2"))); // the head count
            Assert.Equal([4L], ReshapeRule.Values(Tensor(written, p + "_c3"))); // the head size stays
        }
        Assert.Equal([4L, 8L], Tensor(written, "Wo").Dims);
        Assert.Equal([4L], ReshapeRule.Values(Tensor(written, "o_c2"))); // H·D
        Assert.Equal([8L, 16L], Tensor(written, "W1").Dims);

        // Known answer: without refit, the pruned model is the original with the removed head's rows of Wo zeroed.
        var bq = OnnxTensorData.ToFloat32(Tensor(original.Proto.Graph, "bq"));
        var kept = OnnxTensorData.ToFloat32(Tensor(written, "bq"));
        var keptHead = bq.AsSpan(0, 4).SequenceEqual(kept) ? 0 : 1;
        Assert.True(bq.AsSpan(keptHead * 4, 4).SequenceEqual(kept));
        var zeroed = original.Proto.Clone();
        var wo = OnnxTensorData.ToFloat32(Tensor(zeroed.Graph, "Wo"));
        Array.Clear(wo, (1 - keptHead) * 4 * 8, 4 * 8);
        var i = zeroed.Graph.Initializer.IndexOf(Tensor(zeroed.Graph, "Wo"));
        zeroed.Graph.Initializer[i] = OnnxTensorData.FromFloat32("Wo", wo, [8, 8]);
        var pruned = OnnxReader.Read(Path.Combine(dir, "out.onnx")).Proto;
        foreach (var inputs in TinyGraphs.Inputs(original, 3, 7))
        {
            var a = Condense.Tests.Graph.TinyModels.Run(zeroed, [.. inputs]);
            var b = Condense.Tests.Graph.TinyModels.Run(pruned, [.. inputs]);
            Assert.Equal(a.Length, b.Length);
            for (int j = 0; j < a.Length; j++) Assert.Equal(a[j], b[j], 4);
        }
    }

    [Theory]
    [InlineData(RefitMode.Sequential)]
    [InlineData(RefitMode.Once)]
    public void Refitting_the_output_projection_beats_no_refit(RefitMode mode)
    {
        var report = Prune(AttentionModels.SelfAttention(), new StructuredPruningOptions(0, BudgetKind.Channels, heads: 0.5, refitMode: mode));
        Assert.Equal(1, report.Groups.Single(g => g.Group == "heads of out").Removed);
        Assert.Contains(report.Layers, l => l.Node == "out" && l.Change == "pruned, refitted");
        Assert.True(report.Agreement.MeanRelativeError < report.WithoutRefit!.MeanRelativeError,
            $"{report.Agreement.MeanRelativeError} vs {report.WithoutRefit.MeanRelativeError}");
    }

    [Fact]
    public void Interleaved_heads_are_left_whole_and_named_and_the_rest_is_pruned()
    {
        var report = Prune(AttentionModels.SelfAttention(interleaved: true), new StructuredPruningOptions(0.25, BudgetKind.Channels, heads: 0.5));
        Assert.Contains(report.LeftWhole, l => l.Group == "heads at scores" && l.Reason.Contains("Transpose [0,2,1,3]"));
        Assert.DoesNotContain(report.Groups, g => g.Group.StartsWith("heads", StringComparison.Ordinal));
        Assert.Equal(4, report.Groups.Single(g => g.Group == "ffn1").Removed);
        var written = OnnxReader.Read(Path.Combine(dir, "out.onnx")).Proto.Graph;
        Assert.Equal([8L, 8L], Tensor(written, "Wq").Dims);
    }
}
