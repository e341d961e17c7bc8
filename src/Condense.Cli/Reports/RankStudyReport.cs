using Condense.LowRank;

namespace Condense.Cli.Reports;

/// <summary><c>condense study rank --json</c>: one <see cref="RankStudyDataReport"/> per data set.</summary>
/// <param name="Study">Always "rank".</param>
/// <param name="Reports">One per data set, in the order given.</param>
public sealed record RankStudyReport(string Study, IReadOnlyList<RankStudyDataReport> Reports);

/// <summary>One data set of the rank study.</summary>
/// <param name="Data">The data set.</param>
/// <param name="Runs">One per recipe trained (baseline, L2, L1).</param>
/// <param name="OrderedL1L2Baseline">fc2's effective rank is ordered L1 &lt; L2 &lt; baseline (all three trained).</param>
/// <param name="BaselineSweep">The baseline's fc2 truncated to each rank (null without a baseline).</param>
/// <param name="Factorized">Factorised training against SVD after training at equal rank (null when skipped).</param>
public sealed record RankStudyDataReport(string Data, IReadOnlyList<RankStudyRecipeReport> Runs, bool OrderedL1L2Baseline,
    RankStudySweepReport? BaselineSweep, RankStudyFactorizedReport? Factorized);

/// <summary>One recipe's training: every epoch, and the final test figures.</summary>
/// <param name="Name">baseline, L2 or L1.</param>
/// <param name="Description">The recipe's settings.</param>
/// <param name="Epochs">Test loss, accuracy and fc2's effective rank after each epoch.</param>
/// <param name="TestLoss">Final test loss.</param>
/// <param name="TestAccuracy">Final test accuracy.</param>
/// <param name="EffectiveRank">Final effective rank of fc2.</param>
public sealed record RankStudyRecipeReport(string Name, string Description, IReadOnlyList<RankStudyEpoch> Epochs, double TestLoss, double? TestAccuracy, double EffectiveRank);

/// <summary>The baseline's fc2 truncated to each swept rank.</summary>
/// <param name="FullAccuracy">The untruncated model's test accuracy.</param>
/// <param name="Points">One per rank.</param>
/// <param name="SmallestRankWithinHalfPoint">The smallest rank within 0.5 points of the full model (null if none).</param>
public sealed record RankStudySweepReport(double? FullAccuracy, IReadOnlyList<RankSweepPoint> Points, int? SmallestRankWithinHalfPoint);

/// <summary>fc2 trained as U·V of a fixed rank from the start, against the baseline's fc2 truncated to that rank by SVD after training.</summary>
/// <param name="Rank">The rank.</param>
/// <param name="Fc2Parameters">fc2's parameters at that rank (U, V and the bias).</param>
/// <param name="FactorizedAccuracy">Test accuracy of the factorised model.</param>
/// <param name="FactorizedLoss">Test loss of the factorised model.</param>
/// <param name="SvdAfterTrainingAccuracy">Test accuracy of the truncated baseline.</param>
/// <param name="SvdAfterTrainingLoss">Test loss of the truncated baseline.</param>
/// <param name="FullAccuracy">The untruncated baseline's test accuracy.</param>
public sealed record RankStudyFactorizedReport(int Rank, long Fc2Parameters, double? FactorizedAccuracy, double FactorizedLoss,
    double? SvdAfterTrainingAccuracy, double SvdAfterTrainingLoss, double? FullAccuracy);
