using System.Globalization;
using Condense.Models;

namespace Condense.Pruning;

/// <summary>
/// Settings of <see cref="LotteryTicket"/> (iterative magnitude pruning with rewinding). Each setting is
/// checked when it is set (initialiser or <c>with</c>). The one rule that joins two settings — the
/// rewind epoch lies below <see cref="Training"/>'s epochs — is checked by <see cref="LotteryTicket"/>
/// before it trains (and by the lottery command before it loads data), since an init accessor cannot know whether the other setting is still to come.
/// </summary>
public sealed record LotteryOptions
{
    /// <summary>Prune–rewind–retrain rounds; 1–30, default 5.</summary>
    public int Rounds { get; init => field = value is >= 1 and <= 30 ? value : throw new CondenseException($"rounds must be 1–30, got {value}"); } = 5;

    /// <summary>Share of the remaining weights pruned per round, (0, 1); default 0.2 (Frankle &amp; Carbin's fully connected rate).</summary>
    public double Rate
    {
        get;
        init => field = value > 0 && value < 1 ? value : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"rate must be in (0, 1), got {value}"));
    } = 0.2;

    /// <summary>
    /// Epoch whose weights surviving weights rewind to; 0 = the initialisation (the original
    /// lottery ticket), ≥ 1 = late rewinding (Frankle et al. 2020, "Linear Mode Connectivity"),
    /// which is what makes tickets work beyond toy networks. Must be below the training epochs.
    /// </summary>
    public int RewindEpoch { get; init => field = value >= 0 ? value : throw new CondenseException($"rewind epoch must be at least 0, got {value}"); } = 1;

    /// <summary>Training of each round (epochs, learning rate, seed …).</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Also train a random re-initialisation of each round's mask, the control of the lottery ticket hypothesis.</summary>
    public bool CompareRandomReinit { get; init; } = true;

    /// <summary>Throws when the rewind epoch is not below the training's epochs (the one cross-setting rule).</summary>
    internal void RequireRewindBeforeTheEnd()
    {
        if (RewindEpoch >= Training.Epochs)
            throw new CondenseException($"rewind epoch must be 0–{Training.Epochs - 1} (below the {Training.Epochs} training epochs), got {RewindEpoch}");
    }
}

/// <summary>One IMP round: the ticket's accuracy and that of a random re-initialisation of the same mask.</summary>
public sealed record LotteryRound(int Round, double Density, double TicketScore, double? RandomReinitScore, IReadOnlyList<LayerDensity> Layers);

/// <summary>The dense model's score (round 0) and every round's.</summary>
public sealed record LotteryResult(double DenseScore, IReadOnlyList<LotteryRound> Rounds);
