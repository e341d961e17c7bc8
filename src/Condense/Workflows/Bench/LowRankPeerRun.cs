namespace Condense.Workflows.Bench;

/// <summary>One (matrix, rank) of torch's live run (../shared/peers/lowrank.py), as its JSON line reads.</summary>
/// <param name="Matrix">decay or gaussian.</param>
/// <param name="R">Rank.</param>
/// <param name="SvdFullTimeS">torch.linalg.svd's seconds.</param>
/// <param name="SvdLowrankTimeS">torch.svd_lowrank's seconds.</param>
/// <param name="LowrankRelSpec">torch.svd_lowrank's relative spectral error.</param>
public sealed record LowRankPeerRun(string Matrix, int R, double SvdFullTimeS, double SvdLowrankTimeS, double LowrankRelSpec);

/// <summary>torch's live run: one row per (matrix, rank).</summary>
/// <param name="Runs">The rows.</param>
public sealed record LowRankPeerReport(IReadOnlyList<LowRankPeerRun> Runs);
