using Condense.Data;
using Condense.Models;
using Condense.Pruning;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Tests.Pruning;

public class MaskTests
{
    static Linear Layer(int outputs, int inputs, long seed)
    {
        manual_seed(seed);
        return nn.Linear(inputs, outputs);
    }

    static float[] Values(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    static long Zeros(Linear l) => l.weight!.numel() - l.weight!.count_nonzero().item<long>();

    [Fact]
    public void AmountIsAFractionOrACountNeverBoth()
    {
        Assert.Equal(60, PruningAmount.OfFraction(0.3).Resolve(200));
        Assert.Equal(1, PruningAmount.OfCount(1).Resolve(200));
        Assert.Equal(0, PruningAmount.OfFraction(0).Resolve(200));
        Assert.Contains("sparsity 1 must be in [0, 1)", Assert.Throws<CondenseException>(() => PruningAmount.OfFraction(1.0)).Message);
        Assert.Contains("-0.1", Assert.Throws<CondenseException>(() => PruningAmount.OfFraction(-0.1)).Message);
        Assert.Throws<CondenseException>(() => PruningAmount.OfFraction(double.NaN));
        Assert.Throws<CondenseException>(() => PruningAmount.OfCount(-1));
        Assert.Contains("cannot prune 201 of 200", Assert.Throws<CondenseException>(() => PruningAmount.OfCount(201).Resolve(200)).Message);
    }

    [Theory]
    [InlineData(0.3, 60)]
    [InlineData(0.9, 180)]
    [InlineData(0.0, 0)]
    [InlineData(0.999, 200)]
    public void MagnitudeMaskHasExactlyTheRequestedCount(double fraction, long expected)
    {
        var layer = Layer(10, 20, 1);
        var before = Values(layer.weight!);
        var mask = Prune.L1Unstructured(new MaskSet(), layer, PruningAmount.OfFraction(fraction));
        Assert.Equal(expected, mask.numel() - mask.count_nonzero().item<long>());
        Assert.Equal(expected, Zeros(layer));
        // The pruned weights are the smallest: every survivor is at least as large as every pruned one.
        var m = Values(mask);
        var kept = before.Where((_, i) => m[i] == 1).Select(Math.Abs).DefaultIfEmpty(float.MaxValue).Min();
        var gone = before.Where((_, i) => m[i] == 0).Select(Math.Abs).DefaultIfEmpty(0).Max();
        Assert.True(kept >= gone);
        // Survivors keep their values.
        var after = Values(layer.weight!);
        for (var i = 0; i < m.Length; i++) Assert.Equal(m[i] == 1 ? before[i] : 0f, after[i]);
    }

    [Fact]
    public void CountsAreExactEvenWhenAllWeightsTie()
    {
        var layer = Layer(4, 5, 0);
        using (no_grad()) layer.weight!.fill_(0.25f);
        Prune.L1Unstructured(new MaskSet(), layer, PruningAmount.OfCount(7));
        Assert.Equal(7, Zeros(layer));
    }

    [Fact]
    public void RepeatedPruningAppliesToTheSurvivorsAndKeepsOldZeros()
    {
        var layer = Layer(10, 20, 2);
        using var masks = new MaskSet();
        var first = Values(Prune.L1Unstructured(masks, layer, PruningAmount.OfFraction(0.5)));
        var second = Values(Prune.RandomUnstructured(masks, layer, PruningAmount.OfFraction(0.5), seed: 3));
        Assert.Equal(150, Zeros(layer));
        for (var i = 0; i < first.Length; i++) if (first[i] == 0) Assert.Equal(0f, second[i]);
    }

    [Fact]
    public void RandomPruningIsSeeded()
    {
        float[] MaskFor(int seed) => Values(Prune.RandomUnstructured(new MaskSet(), Layer(10, 20, 5), PruningAmount.OfFraction(0.5), seed));
        Assert.Equal(MaskFor(1), MaskFor(1));
        Assert.NotEqual(MaskFor(1), MaskFor(2));
    }

    [Fact]
    public void GlobalMagnitudeKeepsTheLargestWeightsAcrossLayers()
    {
        var layers = new[] { Layer(30, 40, 1), Layer(20, 30, 2), Layer(5, 20, 3) };
        using (no_grad()) layers[2].weight!.mul_(5); // the last layer's weights are larger: it must keep more of them
        var before = layers.Select(l => Values(l.weight!)).ToArray();
        var masks = Prune.Global(new MaskSet(), layers, new L1Unstructured(PruningAmount.OfFraction(0.8))).Select(Values).ToArray();
        var total = before.Sum(b => b.Length);
        Assert.Equal((long)Math.Round(0.8 * total), masks.Sum(m => m.Count(v => v == 0)));
        var kept = before.SelectMany((b, l) => b.Where((_, i) => masks[l][i] == 1)).Select(Math.Abs).Min();
        var gone = before.SelectMany((b, l) => b.Where((_, i) => masks[l][i] == 0)).Select(Math.Abs).Max();
        Assert.True(kept >= gone, $"kept {kept} < pruned {gone}");
        Assert.True(masks[2].Average() > masks[0].Average());
    }

    [Fact]
    public void StructuredPruningRemovesTheRowsOfLowestNorm()
    {
        var layer = Layer(8, 6, 4);
        var norms = Enumerable.Range(0, 8).Select(r => Math.Sqrt(Values(layer.weight![r]).Sum(v => (double)v * v))).ToArray();
        var mask = Prune.LnStructured(new MaskSet(), layer, PruningAmount.OfCount(3), n: 2, dim: 0);
        var rows = Enumerable.Range(0, 8).Where(r => Values(mask[r]).All(v => v == 0)).ToArray();
        Assert.Equal(norms.Select((n, r) => (n, r)).OrderBy(x => x.n).Take(3).Select(x => x.r).Order(), rows);
        Assert.Equal(3 * 6, Zeros(layer));
        var cols = Prune.LnStructured(new MaskSet(), Layer(8, 6, 4), PruningAmount.OfFraction(0.5), n: 1, dim: 1);
        Assert.Equal(3, Enumerable.Range(0, 6).Count(c => Values(cols[.., c]).All(v => v == 0)));
        Assert.Throws<CondenseException>(() => new LnStructured(PruningAmount.OfCount(1), n: 2, dim: 2));
    }

    [Fact]
    public void RemoveMakesPruningPermanentAndForgetsTheMask()
    {
        var layer = Layer(4, 4, 1);
        using var masks = new MaskSet();
        Prune.L1Unstructured(masks, layer, PruningAmount.OfCount(5));
        Assert.True(masks.Contains(layer));
        masks.Remove(layer);
        Assert.False(masks.Contains(layer));
        Assert.Null(masks.Get(layer));
        Assert.Equal(0, masks.Count);
        Assert.Equal(5, Zeros(layer));
        Assert.Throws<CondenseException>(() => masks.Remove(layer));
    }

    [Fact]
    public void TwoModelsPrunedInOneProcessKeepTheirOwnMasks()
    {
        using var a = ModelFactory.Create(ModelKind.LeNet300, 0);
        using var b = ModelFactory.Create(ModelKind.LeNet300, 0);   // same seed: same weights, so a shared table would be indistinguishable by values
        ModelPruner.Apply(a, new ModelPruningOptions { Criterion = PruningCriterion.Magnitude, Sparsity = 0.9 });
        Assert.Equal(3, a.Masks.Count);
        Assert.Equal(0, b.Masks.Count);
        Assert.Equal(0.0, Prune.Sparsity(b), 12);
        ModelPruner.Apply(b, new ModelPruningOptions { Criterion = PruningCriterion.Magnitude, Sparsity = 0.5, Layers = ["fc2"] });
        Assert.Equal(1, b.Masks.Count);
        Assert.False(b.Masks.Contains(b.Layers[0].Layer));
        // a's masks are untouched by b's pruning: exact zero counts, ⌊0.9·n⌋ per layer.
        Assert.Equal(new long[] { 211680, 27000, 900 }, a.Layers.Select(l => { using var m = a.Masks.Get(l.Layer)!; return m.numel() - m.count_nonzero().item<long>(); }));
        using (var m = b.Masks.Get(b.Layers[1].Layer)!) Assert.Equal(15000, m.numel() - m.count_nonzero().item<long>());
        // A model's set refuses another model's layer.
        using var foreign = ones(100, 300);
        var ex = Assert.Throws<CondenseException>(() => a.Masks.Set(b.Layers[1].Layer, foreign));
        Assert.Contains("not a weight layer of this model", ex.Message);
        // Clearing one model's masks leaves the other's.
        a.Masks.Clear();
        Assert.Equal(0, a.Masks.Count);
        Assert.True(b.Masks.Contains(b.Layers[1].Layer));
    }

    [Fact]
    public void FineTuningOneModelEnforcesOnlyItsOwnMasks()
    {
        var (train, _) = DataSets.Load(DataSets.Mnist10k);
        using var pruned = ModelFactory.Create(ModelKind.LeNet300, 2);
        using var other = ModelFactory.Create(ModelKind.LeNet300, 2);
        ModelPruner.Apply(pruned, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = 0.8 });
        // The other model carries zeros but no masks: fine-tuning it lets Adam regrow them.
        foreach (var ((_, from), (_, to)) in pruned.Layers.Zip(other.Layers)) using (no_grad()) to.weight!.copy_(from.weight!);
        Prune.FineTune(pruned, train.Take(256), null, new TrainingOptions { Epochs = 1, Seed = 2 });
        Prune.FineTune(other, train.Take(256), null, new TrainingOptions { Epochs = 1, Seed = 2 });
        Assert.Equal(0.8, Prune.Sparsity(pruned), 4);
        Assert.True(Prune.Sparsity(other) < 0.5);
    }

    [Fact]
    public void MasksCopyLayerwiseToAFreshModelWithExactCounts()
    {
        using var from = ModelFactory.Create(ModelKind.LeNet300, 3);
        using var to = ModelFactory.Create(ModelKind.LeNet300, 4);
        ModelPruner.Apply(from, new ModelPruningOptions { Criterion = PruningCriterion.Random, Sparsity = 0.7, Seed = 5 });
        MaskSet.CopyLayerwise(from, to);
        Assert.Equal(Prune.Densities(from).Select(d => d.Nonzero), Prune.Densities(to).Select(d => d.Nonzero));
        for (var l = 0; l < 3; l++)
        {
            using var a = from.Masks.Get(from.Layers[l].Layer)!;
            using var b = to.Masks.Get(to.Layers[l].Layer)!;
            Assert.Equal(Values(a), Values(b));
        }
        using var cnn = Condense.Models.Cnn.CnnFactory.Create("lenet5", 0);
        Assert.Contains("cannot copy masks from 3 weight layers to 5", Assert.Throws<CondenseException>(() => MaskSet.CopyLayerwise(from, cnn)).Message);
    }

    [Fact]
    public void UnknownLayerNameIsAOneLineError()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        var ex = Assert.Throws<CondenseException>(() => ModelPruner.Apply(model, new ModelPruningOptions { Layers = ["fc9"] }));
        Assert.Equal("unknown layer 'fc9' (layers: fc1, fc2, fc3)", ex.Message);
    }

    [Fact]
    public void DataMethodsWithoutDataAreRefusedAndSynFlowIsNot()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 0);
        foreach (var c in new[] { PruningCriterion.Snip, PruningCriterion.Grasp })
        {
            var ex = Assert.Throws<CondenseException>(() => ModelPruner.Apply(model, new ModelPruningOptions { Criterion = c, Sparsity = 0.5 }));
            Assert.Contains("needs training data", ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }
        Assert.Equal(0.0, Prune.Sparsity(model), 6); // nothing was pruned by the refused calls
        var outcome = ModelPruner.Apply(model, new ModelPruningOptions { Criterion = PruningCriterion.SynFlow, Sparsity = 0.5, SynFlowIterations = 5 });
        Assert.Equal(0.5, outcome.Sparsity, 5);
    }

    [Fact]
    public void PrunedWeightsStayZeroThroughFineTuning()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var model = ModelFactory.Create(ModelKind.LeNet300, 1);
        ModelPruner.Apply(model, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = 0.9 });
        var masks = model.Layers.Select(l => Values(model.Masks.Get(l.Layer)!)).ToArray();
        var before = model.Layers.Select(l => Values(l.Layer.weight!)).ToArray();
        var result = Prune.FineTune(model, train.Take(1280), test.Take(200), new TrainingOptions { Epochs = 1, Seed = 1 });
        for (var l = 0; l < masks.Length; l++)
        {
            var after = Values(model.Layers[l].Layer.weight!);
            for (var i = 0; i < after.Length; i++)
                if (masks[l][i] == 0) Assert.Equal(0f, after[i]);
            // Survivors did train.
            Assert.Contains(after.Where((_, i) => masks[l][i] == 1).Zip(before[l].Where((_, i) => masks[l][i] == 1)), p => p.First != p.Second);
        }
        Assert.Equal(0.9, Prune.Sparsity(model), 3);
        Assert.True(result.Final.Accuracy > 0.5);

        // Control: without the hooks, Adam regrows pruned weights (so the check above can fail).
        var plain = ModelFactory.Create(ModelKind.LeNet300, 1);
        Prune.Global(plain.Masks, plain.Layers.Select(l => l.Layer).ToArray(), new L1Unstructured(PruningAmount.OfFraction(0.9)));
        Trainer.Train(plain, train.Take(640), null, new TrainingOptions { Epochs = 1, Seed = 1 });
        Assert.True(Prune.Sparsity(plain) < 0.5);
    }
}
