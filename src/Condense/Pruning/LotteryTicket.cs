using Condense.Data;
using Condense.Formats;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// Iterative magnitude pruning with weight rewinding (Frankle &amp; Carbin, ICLR 2019,
/// "The Lottery Ticket Hypothesis", Algorithm in §1; rewinding to iteration k from Frankle et al.,
/// ICML 2020). Train; prune <see cref="LotteryOptions.Rate"/> of the surviving weights by global
/// magnitude; reset the survivors to their values at epoch k; retrain the remaining epochs with
/// the learning-rate schedule resumed at epoch k; repeat. The control trains a fresh random
/// initialisation under the same mask for the full schedule: if the ticket beats it, the
/// initial values mattered, not only the structure.
/// </summary>
public static class LotteryTicket
{
    /// <summary>The lottery on one of the MLPs (<see cref="ModelFactory"/>).</summary>
    public static LotteryResult Run(ModelKind kind, Dataset train, Dataset test, LotteryOptions options, Action<LotteryRound>? onRound = null, TrainingHooks? hooks = null) =>
        Run(seed => ModelFactory.Create(kind, seed), train, test, options, onRound, hooks);

    /// <summary>
    /// The lottery on any network <paramref name="create"/> builds from a seed (a CNN too: its
    /// convolutions are pruned with the Linear layers, by one global magnitude threshold).
    /// <paramref name="onTicket"/> sees the ticket after each round (masks still on), e.g. to save the last.
    /// </summary>
    public static LotteryResult Run(Func<int, CondenseModel> create, Dataset train, Dataset test, LotteryOptions options, Action<LotteryRound>? onRound = null,
        TrainingHooks? hooks = null, Action<CondenseModel>? onTicket = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        options.RequireRewindBeforeTheEnd();
        var t = options.Training;
        using var model = create(t.Seed);
        IReadOnlyList<NamedTensor> rewind = ModelFile.Weights(model);
        var dense = Trainer.Train(model, train, test, t, new TrainingHooks
        {
            OnEpoch = (m, net) => { if (m.Epoch == options.RewindEpoch) rewind = ModelFile.Weights(net); hooks?.OnEpoch?.Invoke(m, net); },
            OnBatch = hooks?.OnBatch,
        });
        var rewound = t with
        {
            Epochs = t.Epochs - options.RewindEpoch,
            LearningRate = t.LearningRate * Math.Pow(t.StepGamma ?? 1, options.RewindEpoch),
        };
        var rounds = new List<LotteryRound>();
        var layers = model.WeightLayers.Select(l => l.Module).ToArray();
        for (var round = 1; round <= options.Rounds; round++)
        {
            foreach (var m in Prune.Global(model.Masks, layers, new L1Unstructured(PruningAmount.OfFraction(options.Rate)))) m.Dispose();
            var masks = layers.Select(l => model.Masks.Get(l)!).ToArray();
            ModelFile.SetWeights(model, rewind, "rewind point");
            for (var i = 0; i < layers.Length; i++) model.Masks.Set(layers[i], masks[i]);
            var ticket = Prune.FineTune(model, train, test, rewound with { Seed = t.Seed + round }, hooks);
            double? control = null;
            if (options.CompareRandomReinit)
            {
                using var random = create(t.Seed + 1000 + round);
                var randomLayers = random.WeightLayers.Select(l => l.Module).ToArray();
                for (var i = 0; i < layers.Length; i++) random.Masks.Set(randomLayers[i], masks[i]);
                control = Prune.FineTune(random, train, test, t with { Seed = t.Seed + round }, hooks).Final.Score;
            }
            foreach (var m in masks) m.Dispose();
            var densities = Prune.Densities(model);
            var r = new LotteryRound(round, (double)densities.Sum(d => d.Nonzero) / densities.Sum(d => d.Total), ticket.Final.Score, control, densities);
            rounds.Add(r);
            onRound?.Invoke(r);
            onTicket?.Invoke(model);
        }
        return new LotteryResult(dense.Final.Score, rounds);
    }
}
