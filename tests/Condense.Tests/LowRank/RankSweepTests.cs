using Condense.Data;
using Condense.LowRank;
using Condense.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

/// <summary>A real LeNet-300-100 trained for one epoch on 2,000 MNIST digits, its fc2 (100×300) swept over ranks.</summary>
public class RankSweepTests
{
    static (MlpModel Model, Dataset Test) TrainedLeNet()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var model = ModelFactory.Create(ModelKind.LeNet300, seed: 1);
        Trainer.Train(model, train.Take(2000), null, new TrainingOptions { Epochs = 1, Seed = 1 });
        return (model, test.Take(1000));
    }

    [Fact]
    public void FullRankKeepsAccuracyLowRankCostsSomeAndWeightsAreRestored()
    {
        var (model, test) = TrainedLeNet();
        using var _ = model;
        using var scope = NewDisposeScope();
        var before = model.Layers[1].Layer.weight!.data<float>().ToArray();
        var sweep = RankSweep.Run(model, "fc2", [2, 20, 100], test);

        Assert.Equal(before, model.Layers[1].Layer.weight!.data<float>().ToArray());
        Assert.Equal(Evaluator.Evaluate(model, test).Accuracy, sweep.FullAccuracy);
        Assert.Equal(100, sweep.Rows);
        Assert.Equal(300, sweep.Columns);
        Assert.Equal(75.0, sweep.BreakEvenRank);
        var full = sweep.Points[^1];
        Assert.Equal(sweep.FullAccuracy!.Value, full.TestAccuracy!.Value, 3);
        Assert.False(full.Compresses);
        Assert.True(sweep.Points[0].Compresses);
        Assert.Equal(2 * 400, sweep.Points[0].Parameters);
        Assert.True(sweep.Points[0].TestAccuracy < sweep.FullAccuracy - 0.01, "rank 2 should cost accuracy");
        // Errors fall with rank and agree with the spectrum.
        Assert.True(sweep.Points[0].RelativeSpectralError > sweep.Points[1].RelativeSpectralError);
        Assert.Equal(sweep.SingularValues[2] / sweep.SingularValues[0], sweep.Points[0].RelativeSpectralError, 9);
        Assert.InRange(sweep.EffectiveRank, 2, 100);
        Assert.InRange(sweep.SmallestRankWithin(0.5)!.Value, 20, 100);
    }

    [Fact]
    public void RandomizedSweepIsCloseToTheExactOne()
    {
        var (model, test) = TrainedLeNet();
        using var _ = model;
        var exact = RankSweep.Run(model, "fc2", [10, 30], test);
        var sketch = RankSweep.Run(model, "fc2", [10, 30], test, randomized: true);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(sketch.Points[i].RelativeSpectralError >= exact.Points[i].RelativeSpectralError * (1 - 1e-5));
            Assert.True(sketch.Points[i].RelativeSpectralError <= exact.Points[i].RelativeSpectralError * 1.5);
        }
    }

    [Fact]
    public void UnknownLayerAndBadRankAreRejected()
    {
        using var model = ModelFactory.Create(ModelKind.LeNet300, seed: 1);
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        Assert.Contains("fc1, fc2, fc3", Assert.Throws<CondenseException>(() => RankSweep.Run(model, "fc9", [1], test)).Message);
        Assert.Contains("101", Assert.Throws<CondenseException>(() => RankSweep.Run(model, "fc2", [101], test)).Message);
    }
}
