using Condense.Models;

namespace Condense.LowRank;

/// <summary>A trained recipe of the rank study: its epochs and the model (the caller disposes it).</summary>
internal sealed record RankStudyRun(RankStudyConfig Config, string DataSet, string Layer, IReadOnlyList<RankStudyEpoch> Epochs, CondenseModel Model)
{
    public RankStudyEpoch Final => Epochs[^1];
}
