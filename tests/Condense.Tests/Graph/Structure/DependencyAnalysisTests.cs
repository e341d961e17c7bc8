using Condense.Graph;
using Condense.Graph.Dependency;

namespace Condense.Tests.Graph.Structure;

public sealed class DependencyAnalysisTests
{
    static DependencyGraph Analyze(TinyGraphs t)
    {
        var model = t.Model();
        return DependencyAnalysis.Analyze(model.Proto.Graph, ValueShapes.Capture(model, TinyGraphs.Inputs(model, 1, 0)[0]));
    }

    static ChannelGroup Group(DependencyGraph d, string producer) => d.Groups.Single(g => g.Producers.Contains(producer));

    [Fact]
    public void Conv_relu_conv_makes_the_first_conv_prunable_and_the_output_conv_whole()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 6, 6).Output("y", 1, 2, 6, 6);
        t.Conv("c1", "x", "a", 3, 4).Node("Relu", "r", ["a"], "b").Conv("c2", "b", "y", 4, 2);
        var d = Analyze(t);
        var g1 = Group(d, "c1");
        Assert.True(g1.Prunable);
        Assert.Equal(4, g1.Width);
        Assert.Equal(["c2"], g1.Consumers);
        Assert.Contains(g1.Slices, s => s is { Tensor: "c1.w", Axis: 0, Role: SliceRole.ProducerOutput });
        Assert.Contains(g1.Slices, s => s is { Tensor: "c1.b", Axis: 0, Role: SliceRole.PerChannel });
        Assert.Contains(g1.Slices, s => s is { Tensor: "c2.w", Axis: 1, Role: SliceRole.ConsumerInput });
        var g2 = Group(d, "c2");
        Assert.False(g2.Prunable);
        Assert.Contains("graph output", g2.Blocked[0]);
    }

    [Fact]
    public void Residual_add_ties_both_branches_into_one_group()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 6, 6).Output("y", 1, 2, 6, 6);
        t.Conv("a", "x", "a1", 3, 5).Node("Relu", "ra", ["a1"], "a2").Conv("b", "a2", "b1", 5, 4)
         .Conv("c", "x", "c1", 3, 4).Node("Add", "add", ["b1", "c1"], "s").Node("Relu", "rs", ["s"], "s2").Conv("d", "s2", "y", 4, 2);
        var d = Analyze(t);
        var tied = Group(d, "b");
        Assert.Same(tied, Group(d, "c"));
        Assert.True(tied.Prunable);
        Assert.Equal(["d"], tied.Consumers);
        Assert.True(Group(d, "a").Prunable);
    }

    [Fact]
    public void Concat_translates_channel_indices_into_the_consumer()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 6, 6).Output("y", 1, 2, 6, 6);
        t.Conv("a", "x", "a1", 3, 4).Conv("b", "x", "b1", 3, 5).Node("Concat", "cat", ["a1", "b1"], "c", TinyGraphs.Int("axis", 1)).Conv("d", "c", "y", 9, 2);
        var d = Analyze(t);
        var b = Group(d, "b");
        Assert.True(b.Prunable);
        Assert.Contains(b.Slices, s => s is { Tensor: "d.w", Axis: 1, Offset: 4, Block: 1, Role: SliceRole.ConsumerInput });
        Assert.Contains(Group(d, "a").Slices, s => s is { Tensor: "d.w", Offset: 0 });
    }

    [Fact]
    public void Flatten_into_gemm_turns_each_channel_into_a_block_of_features()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 6, 6).Output("y", 1, 5);
        t.Conv("a", "x", "a1", 3, 4).Node("Relu", "r", ["a1"], "a2").Node("MaxPool", "p", ["a2"], "a3", TinyGraphs.Ints("kernel_shape", 2, 2), TinyGraphs.Ints("strides", 2, 2))
         .Node("Flatten", "f", ["a3"], "v").Node("Gemm", "fc", ["v", t.Weight("fc.w", 5, 36), t.Weight("fc.b", 5)], "y", TinyGraphs.Int("transB", 1));
        var g = Group(Analyze(t), "a");
        Assert.True(g.Prunable);
        Assert.Contains(g.Slices, s => s is { Tensor: "fc.w", Axis: 1, Block: 9, Role: SliceRole.ConsumerInput });
    }

    [Fact]
    public void A_reshape_that_mixes_channels_leaves_its_group_whole_and_says_so()
    {
        var d = Analyze(UnfollowableModels.MixingReshape());
        var mixed = Group(d, "q");
        Assert.False(mixed.Prunable);
        Assert.Contains("splitting or mixing channels", mixed.Blocked[0]);
        Assert.True(Group(d, "p").Prunable);
    }

    [Fact]
    public void A_weight_shared_by_two_nodes_leaves_its_groups_whole_and_names_the_nodes()
    {
        var d = Analyze(UnfollowableModels.SharedWeight());
        Assert.True(Group(d, "m1").Prunable);
        var beforeShared = Group(d, "m2");
        Assert.False(beforeShared.Prunable);
        Assert.Contains("shared by s1, s2", beforeShared.Blocked[0]);
    }

    [Fact]
    public void Depthwise_conv_passes_channels_through_and_grouped_conv_blocks_them()
    {
        var t = new TinyGraphs().Input("x", 1, 3, 6, 6).Output("y", 1, 2, 6, 6);
        t.Conv("a", "x", "a1", 3, 4)
         .Node("Conv", "dw", ["a1", t.Weight("dw.w", 4, 1, 3, 3)], "a2", TinyGraphs.Int("group", 4), TinyGraphs.Ints("pads", 1, 1, 1, 1))
         .Conv("b", "a2", "b1", 4, 4)
         .Node("Conv", "gc", ["b1", t.Weight("gc.w", 2, 2, 3, 3)], "y", TinyGraphs.Int("group", 2), TinyGraphs.Ints("pads", 1, 1, 1, 1));
        var d = Analyze(t);
        var a = Group(d, "a");
        Assert.True(a.Prunable);
        Assert.Contains(a.Slices, s => s is { Tensor: "dw.w", Axis: 0, Role: SliceRole.PerChannel });
        Assert.Contains("grouped Conv", Group(d, "b").Blocked[0]);
    }

    [Fact]
    public void Ffn_with_erf_gelu_is_one_group_from_the_first_matmul_to_the_second()
    {
        var d = Analyze(UnfollowableModels.Ffn());
        var g = Group(d, "w1");
        Assert.True(g.Prunable);
        Assert.Equal(["w2"], g.Consumers);
        Assert.Contains(g.Slices, s => s is { Tensor: "b1", Role: SliceRole.PerChannel });
    }
}
