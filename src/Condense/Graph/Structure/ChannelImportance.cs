namespace Condense.Graph.Structure;

/// <summary>How a channel's importance is scored before the least important are removed.</summary>
public enum ChannelImportance
{
    /// <summary>Σ|w| of the channel's slices in its producers' weights (Li et al. 2017's filter norm).</summary>
    L1,

    /// <summary>‖w‖₂ of the channel's slices in its producers' weights.</summary>
    L2,

    /// <summary>
    /// Data-driven: the squared output error that removing this channel alone causes in the layers
    /// that read it, tr(M_cᵀ G_cc M_c) on the calibration inputs (needs data).
    /// </summary>
    Reconstruction,

    /// <summary>
    /// Data-driven and refit-aware: channels removed greedily, each time the one whose removal
    /// costs the least output error after the consumers' least-squares refit (block OBS,
    /// <see cref="ObsChannelScores"/>; needs data).
    /// </summary>
    Obs,
}
