using Condense.Data;
using Condense.Models;

namespace Condense.LowRank;

/// <summary>
/// How training penalties lower a layer's effective rank (our sources' study of the classifier's
/// 1000×1000 fc2): train each <see cref="RankStudyConfig"/> with the Foundation's trainer and record,
/// every epoch, test loss, accuracy and the effective rank of the layer's singular values.
/// Factorised training (<see cref="TrainFactorized"/>) is the alternative it is compared with.
/// </summary>
internal static class RankStudy
{
    /// <summary>Trains one recipe on <paramref name="train"/>, evaluating on <paramref name="test"/> every epoch.</summary>
    public static RankStudyRun Train(RankStudyConfig config, Dataset train, Dataset test, string layer = "fc2",
        Action<RankStudyEpoch>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var model = ModelFactory.Create(ModelKind.Classifier, config.Training.Seed, config.Dropout);
        RankSweep.FindLayer(model, layer);
        var epochs = new List<RankStudyEpoch>();
        Trainer.Train(model, train, test, config.Training, new TrainingHooks
        {
            OnEpoch = (m, net) =>
            {
                var e = new RankStudyEpoch(m.Epoch, m.TrainLoss, m.TestLoss, m.TestAccuracy, RankSweep.LayerEffectiveRank(net, layer), m.Seconds);
                epochs.Add(e);
                onEpoch?.Invoke(e);
            },
        });
        return new RankStudyRun(config, train.Name, layer, epochs, model);
    }

    /// <summary>
    /// Trains a classifier whose fc2 is U·V of rank <paramref name="rank"/> from the start, with the
    /// recipe's settings; its fc2 has r(m + n) + m parameters, the same as the SVD-truncated fc2 at r.
    /// </summary>
    public static (FactorizedMlp Model, TrainingResult Result) TrainFactorized(RankStudyConfig config, int rank, Dataset train, Dataset test,
        Action<EpochMetrics>? onEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var model = FactorizedMlp.ClassifierWithFactorizedFc2(rank, config.Training.Seed, config.Dropout);
        var result = Trainer.Train(model, train, test, config.Training, new TrainingHooks { OnEpoch = (m, _) => onEpoch?.Invoke(m) });
        return (model, result);
    }
}
