namespace Condense.Calibration;

/// <summary>
/// The selection split: the samples a planner chooses from (per-layer sensitivities), carved from the calibration
/// samples and never from the held-out ones, so the figures a plan reports are measured on samples it was not chosen
/// on. The calibration and held-out samples already come from different sources (photos, sentences, rows:
/// <see cref="SourceSplit"/>), so the selection samples share none with the held-out set. They are spread evenly over
/// the calibration list, whose samples are grouped by source (crops of one photo together), so a few of them still
/// span the sources.
/// </summary>
public static class SelectionSplit
{
    /// <summary>Indices into the calibration samples: <paramref name="wanted"/> of them (at most <paramref name="calibrationCount"/>), ascending, evenly spaced, the first at 0.</summary>
    public static int[] Indices(int calibrationCount, int wanted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(calibrationCount);
        ArgumentOutOfRangeException.ThrowIfNegative(wanted);
        int n = Math.Min(calibrationCount, wanted);
        return [.. Enumerable.Range(0, n).Select(i => (int)((long)i * calibrationCount / n))];
    }

    /// <summary>The selection samples of <paramref name="data"/> and their labels (null when the data has none).</summary>
    public static (IReadOnlyList<IReadOnlyList<Onnx.TensorProto>> Samples, IReadOnlyList<int>? Labels) Of(CalibrationData data, int wanted)
    {
        ArgumentNullException.ThrowIfNull(data);
        var indices = Indices(data.Calibration.Count, wanted);
        return ([.. indices.Select(i => data.Calibration[i])], data.CalibrationLabels is { } labels ? [.. indices.Select(i => labels[i])] : null);
    }
}
