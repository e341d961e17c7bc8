using System.Globalization;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>Settings of <see cref="LotteryTicket"/> (iterative magnitude pruning with rewinding).</summary>
public sealed record LotteryOptions
{
    /// <summary>Prune–rewind–retrain rounds; 1–30, default 5.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Share of the remaining weights pruned per round, (0, 1); default 0.2 (Frankle &amp; Carbin's fully connected rate).</summary>
    public double Rate { get; init; } = 0.2;

    /// <summary>
    /// Epoch whose weights surviving weights rewind to; 0 = the initialisation (the original
    /// lottery ticket), ≥ 1 = late rewinding (Frankle et al. 2020, "Linear Mode Connectivity"),
    /// which is what makes tickets work beyond toy networks. Must be below the training epochs.
    /// </summary>
    public int RewindEpoch { get; init; } = 1;

    /// <summary>Training of each round (epochs, learning rate, seed …).</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Also train a random re-initialisation of each round's mask, the control of the lottery ticket hypothesis.</summary>
    public bool CompareRandomReinit { get; init; } = true;

    /// <summary>Throws a <see cref="CondenseException"/> quoting the first out-of-range setting, before training starts.</summary>
    public void Validate()
    {
        if (Rounds is < 1 or > 30) throw new CondenseException($"rounds {Rounds} must be in 1–30");
        if (!(Rate > 0 && Rate < 1)) throw new CondenseException($"rate {Rate.ToString(CultureInfo.InvariantCulture)} must be in (0, 1)");
        if (RewindEpoch < 0 || RewindEpoch >= Training.Epochs)
            throw new CondenseException($"rewind epoch {RewindEpoch} must be in 0–{Training.Epochs - 1} (below the {Training.Epochs} training epochs)");
    }
}

/// <summary>One IMP round: the ticket's accuracy and that of a random re-initialisation of the same mask.</summary>
public sealed record LotteryRound(int Round, double Density, double TicketScore, double? RandomReinitScore, IReadOnlyList<LayerDensity> Layers);

/// <summary>The dense model's score (round 0) and every round's.</summary>
public sealed record LotteryResult(double DenseScore, IReadOnlyList<LotteryRound> Rounds);
