namespace Condense.Calibration;

/// <summary>
/// The selection split: the samples a planner chooses from (per-layer sensitivities), carved from the calibration
/// samples and withheld from every fit (GPTQ's H, a channel cut's refit), and never taken from the held-out samples.
/// So the figures a plan reports are measured on samples it was not chosen on, and the figures it is chosen from are
/// not measured on the samples the encodings were fitted to (in-sample, GPTQ looks far better than it is: ResNet18's
/// per-layer g3 errors on its own calibration crops predicted a plan at 0.03 that measured 0.43 held out).
/// The calibration and held-out samples come from different sources (photos, sentences, rows: <see cref="SourceSplit"/>),
/// and so, where the data says which samples share a source (<see cref="CalibrationData.CalibrationSources"/>: an image
/// folder's crops), do the fitted and the selection samples: whole sources are withheld, since a crop of a photo GPTQ
/// was fitted to is nearly in-sample (ResNet18: sensitivities on such crops under-predicted the held-out error 2.6–9×).
/// Where every sample is its own source, or one source holds more than half the samples, single samples are withheld,
/// evenly spaced over the calibration list. At most half the calibration samples are withheld.
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
    /// Indices into the calibration samples whose sources are <paramref name="sources"/> (index-aligned; null: each its
    /// own source), ascending: every sample of whole sources, taken in <see cref="SpreadOrder"/> over the distinct sources
    /// (in order of first appearance) until they make at least <paramref name="wanted"/> samples — a source that would take
    /// the total past half the samples is passed over, and one source is always left to fit on. With fewer than two
    /// sources, or when no source fits in half the samples, <see cref="Indices(int, int)"/>'s single samples.
    /// </summary>
    public static int[] Indices(IReadOnlyList<int>? sources, int calibrationCount, int wanted)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(wanted);
        if (sources is null || sources.Count != calibrationCount || wanted == 0) return Indices(calibrationCount, wanted);
        var distinct = sources.Distinct().ToList();
        if (distinct.Count < 2) return Indices(calibrationCount, wanted);
        var sizes = sources.CountBy(s => s).ToDictionary(p => p.Key, p => p.Value);
        var withheld = new HashSet<int>();
        int total = 0;
        foreach (var position in SpreadOrder(distinct.Count))
        {
            if (total >= wanted || withheld.Count == distinct.Count - 1) break;
            var source = distinct[position];
            if (total + sizes[source] > calibrationCount / 2) continue;
            withheld.Add(source);
            total += sizes[source];
        }
        return withheld.Count == 0 ? Indices(calibrationCount, wanted) : [.. Enumerable.Range(0, calibrationCount).Where(i => withheld.Contains(sources[i]))];
    }

    /// <summary>
    /// 0 … <paramref name="count"/>−1, each once, in the order that keeps the ones taken so far spread out: the base-2
    /// van der Corput sequence scaled to <paramref name="count"/> (0, ½, ¼, ¾, … of it), repeats skipped.
    /// </summary>
    public static IEnumerable<int> SpreadOrder(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var seen = new bool[count];
        int found = 0;
        for (uint j = 0; found < count; j++)
        {
            // Bit-reversed j as a fraction of 2³²: the van der Corput point; it visits every 1/count-wide bin within 2·count steps.
            var point = (int)((ulong)ReverseBits(j) * (ulong)count >> 32);
            if (seen[point]) continue;
            seen[point] = true;
            found++;
            yield return point;
        }
    }

    static uint ReverseBits(uint v)
    {
        uint r = 0;
        for (int b = 0; b < 32; b++, v >>= 1) r = (r << 1) | (v & 1);
        return r;
    }

    /// <summary>
    /// <paramref name="data"/> split: <c>Fit</c> is the data with the selection samples taken out of its calibration samples
    /// (what every encoding is fitted to; held-out samples unchanged), <c>Samples</c> and <c>Labels</c> the selection samples,
    /// <c>WholeSources</c> how many sources were withheld whole (0 when single samples were).
    /// </summary>
    public static (CalibrationData Fit, IReadOnlyList<IReadOnlyList<Onnx.TensorProto>> Samples, IReadOnlyList<int>? Labels, int WholeSources) Of(CalibrationData data, int wanted)
    {
        ArgumentNullException.ThrowIfNull(data);
        var sources = data.CalibrationSources is { } s && s.Count == data.Calibration.Count ? s : null;
        var indices = Indices(sources, data.Calibration.Count, wanted);
        var chosen = indices.ToHashSet();
        var rest = Enumerable.Range(0, data.Calibration.Count).Where(i => !chosen.Contains(i)).ToList();
        HashSet<int> withheld = sources is null ? [] : indices.Select(i => sources[i]).ToHashSet();
        int whole = sources is null || rest.Any(i => withheld.Contains(sources[i])) ? 0 : withheld.Count;
        var fit = data with
        {
            Calibration = [.. rest.Select(i => data.Calibration[i])],
            CalibrationLabels = data.CalibrationLabels is { } all ? [.. rest.Select(i => all[i])] : null,
            CalibrationSources = sources is null ? null : [.. rest.Select(i => sources[i])],
        };
        return (fit, [.. indices.Select(i => data.Calibration[i])], data.CalibrationLabels is { } labels ? [.. indices.Select(i => labels[i])] : null, whole);
    }
}
