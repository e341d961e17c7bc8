namespace Condense.Analysis;

/// <summary>
/// The channel setting "c&lt;p&gt;[g&lt;bits&gt;]" (<see cref="QuantizationSetting.ChannelPercent"/>): the layer's channel
/// group keeps p % of its channels. Its unit is the dependency group (issue 21's <c>prune --structured</c>):
/// a removed output channel of the producer is also a removed input column of every consumer, so the setting
/// is offered on the group's one producer layer and its bytes, error and latency are those of the whole cut
/// (producer rows, per-channel parameters, consumers' columns, consumers refitted). The only setting that
/// shrinks a convolution's work in ONNX Runtime, which is why the planner needs it for <c>--max-latency</c>.
/// </summary>
public static class ChannelSetting
{
    /// <summary>c + percent kept [+ g + bits]; "-rtn" is refused (the channels are chosen and refitted from data).</summary>
    internal static QuantizationSetting Parse(string text, string label, string body, bool rtn)
    {
        var g = body.IndexOf('g', StringComparison.Ordinal);
        var percentText = g < 0 ? body[1..] : body[1..g];
        if (!int.TryParse(percentText, out var percent) || percent is < 1 or > 99)
            throw new CondenseException($"setting '{text}': the share of channels kept after 'c' must be 1–99 %, not '{percentText}'");
        var bits = 32;
        if (g >= 0 && (!int.TryParse(body[(g + 1)..], out bits) || bits is < 2 or > 8))
            throw new CondenseException($"setting '{text}': the bits after 'g' must be 2–8, not '{body[(g + 1)..]}'");
        if (rtn) throw new CondenseException($"setting '{text}': channels are chosen and refitted from calibration data, so '-rtn' does not apply");
        return new QuantizationSetting(label, false, false, bits, 0, true, ChannelPercent: percent);
    }

    /// <summary>Channels a group of <paramref name="width"/> loses at "c<paramref name="percent"/>": all but round(p % of width), at least one kept.</summary>
    public static int Removed(int width, int percent) => width - Math.Clamp((int)Math.Round(width * percent / 100.0), 1, width);

    /// <summary>
    /// The <paramref name="count"/> channels with the lowest <paramref name="scores"/> (ties by index), ascending: what
    /// <c>prune --structured</c> removes from a group given that many.
    /// </summary>
    public static int[] Lowest(IReadOnlyList<double> scores, int count)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return [.. Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ThenBy(i => i).Take(count).Order()];
    }

    /// <summary>
    /// The layer's matrix (rows = output channels) as its own output sees the cut: the removed rows 0. The layer
    /// errors, the bound and the KL of a channel setting are those of this matrix (the producer's output energy
    /// lost); the model's error is measured on the real cut, refit included.
    /// </summary>
    public static float[] ZeroRows(ReadOnlySpan<float> w, int columns, IReadOnlyCollection<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var result = w.ToArray();
        foreach (var r in rows) Array.Clear(result, r * columns, columns);
        return result;
    }
}
