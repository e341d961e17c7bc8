namespace Condense.LowRank;

/// <summary>One epoch of a rank-study run: test loss and accuracy, and the studied layer's effective rank.</summary>
public sealed record RankStudyEpoch(int Epoch, double TrainLoss, double TestLoss, double? TestAccuracy, double EffectiveRank, double Seconds);
