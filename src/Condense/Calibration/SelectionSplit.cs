namespace Condense.Calibration;

/// <summary>
/// The selection split: the samples a planner chooses from (per-layer sensitivities), carved from the calibration
/// samples and withheld from every fit (GPTQ's H, a channel cut's refit), and never taken from the held-out samples.
/// So the figures a plan reports are measured on samples it was not chosen on, and the figures it is chosen from are
/// not measured on the samples the encodings were fitted to (in-sample, GPTQ looks far better than it is: ResNet18's
/// per-layer g3 errors on its own calibration crops predicted a plan at 0.03 that measured 0.43 held out).
/// The calibration and held-out samples already come from different sources (photos, sentences, rows:
/// <see cref="SourceSplit"/>). The selection samples are spread evenly over the calibration list, whose samples are
/// grouped by source (crops of one photo together), so a few of them still span the sources; at most half the
/// calibration samples are withheld.
/// </summary>
public static class SelectionSplit
{
    /// <summary>
    /// Indices into the calibration samples: <paramref name="wanted"/> of them (at most half of
    /// <paramref name="calibrationCount"/>), ascending, evenly spaced, the first at 0.
    /// </summary>
    public static int[] Indices(int calibrationCount, int wanted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(calibrationCount);
        ArgumentOutOfRangeException.ThrowIfNegative(wanted);
        int n = Math.Min(calibrationCount / 2, wanted);
        return [.. Enumerable.Range(0, n).Select(i => (int)((long)i * calibrationCount / n))];
    }

    /// <summary>
    /// <paramref name="data"/> split: <c>Fit</c> is the data with the selection samples taken out of its calibration samples
    /// (what every encoding is fitted to; held-out samples unchanged), <c>Samples</c> and <c>Labels</c> the selection samples.
    /// </summary>
    public static (CalibrationData Fit, IReadOnlyList<IReadOnlyList<Onnx.TensorProto>> Samples, IReadOnlyList<int>? Labels) Of(CalibrationData data, int wanted)
    {
        ArgumentNullException.ThrowIfNull(data);
        var indices = Indices(data.Calibration.Count, wanted);
        var chosen = indices.ToHashSet();
        var rest = Enumerable.Range(0, data.Calibration.Count).Where(i => !chosen.Contains(i)).ToList();
        var fit = data with
        {
            Calibration = [.. rest.Select(i => data.Calibration[i])],
            CalibrationLabels = data.CalibrationLabels is { } all ? [.. rest.Select(i => all[i])] : null,
        };
        return (fit, [.. indices.Select(i => data.Calibration[i])], data.CalibrationLabels is { } labels ? [.. indices.Select(i => labels[i])] : null);
    }
}
