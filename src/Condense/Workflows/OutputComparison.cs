using Condense.Calibration;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// Runs a compressed model and its original in ONNX Runtime on the same held-out samples and says
/// how far apart their outputs are (<see cref="MeasuredError"/>): the check every file gets before it
/// leaves, whatever wrote it.
/// </summary>
public static class OutputComparison
{
    /// <summary>The compressed model's first output against the original's on <paramref name="data"/>'s held-out samples (at most <paramref name="samples"/>).</summary>
    public static MeasuredError Measure(ModelProto original, ModelProto compressed, string source, CalibrationData data, int samples = 16, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(compressed);
        ArgumentNullException.ThrowIfNull(data);
        if (samples < 1) throw new CondenseException($"samples must be at least 1, not {samples}");
        // Random inputs have no calibration role to keep apart from: all of them are measured on.
        IReadOnlyList<IReadOnlyList<TensorProto>> held = data.IsRandom || data.HeldOut.Count == 0 ? [.. data.HeldOut, .. data.Calibration] : data.HeldOut;
        var chosen = held.Take(samples).ToList();
        if (chosen.Count == 0) throw new CondenseException($"{data.Description}: no sample to measure on");
        var reference = HeldOutQuality.Outputs(original, source, chosen, threads);
        var outputs = HeldOutQuality.Outputs(compressed, source, chosen, threads);
        var labels = data.IsRandom ? null : data.HeldOut.Count > 0 ? data.HeldOutLabels : data.CalibrationLabels;
        return Compare(reference, outputs, labels?.Take(chosen.Count).ToList(), data.IsRandom, data.Description);
    }

    /// <summary>
    /// Error, cosine and (with labels) accuracy of <paramref name="outputs"/> against <paramref name="reference"/>, one
    /// array per sample. Elements where either side is not finite (a log of zero, an overflow) are left out of
    /// the error and the cosine, so the figures stay finite; the verifier counts such elements apart.
    /// </summary>
    public static MeasuredError Compare(IReadOnlyList<float[]> reference, IReadOnlyList<float[]> outputs, IReadOnlyList<int>? labels, bool randomInputs, string data)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(outputs);
        if (reference.Count != outputs.Count || outputs.Count == 0) throw new CondenseException($"cannot compare {outputs.Count} outputs with {reference.Count}");
        double diff = 0, norm = 0, cosines = 0;
        for (int i = 0; i < outputs.Count; i++)
        {
            if (outputs[i].Length != reference[i].Length) throw new CondenseException($"sample {i}: {outputs[i].Length} output values against the original's {reference[i].Length}");
            double dot = 0, na = 0, nb = 0;
            for (int j = 0; j < outputs[i].Length; j++)
            {
                double a = reference[i][j], b = outputs[i][j];
                if (!double.IsFinite(a) || !double.IsFinite(b)) continue;
                diff += (b - a) * (b - a);
                norm += a * a;
                dot += a * b;
                na += a * a;
                nb += b * b;
            }
            cosines += na > 0 && nb > 0 ? dot / Math.Sqrt(na * nb) : na == nb ? 1 : 0;
        }
        var error = norm > 0 ? Math.Sqrt(diff / norm) : Math.Sqrt(diff);
        var cosine = cosines / outputs.Count;
        double? accuracy = null, original = null;
        if (labels is { Count: > 0 } && labels.Count == outputs.Count)
        {
            accuracy = HeldOutQuality.Accuracy(outputs, labels);
            original = HeldOutQuality.Accuracy(reference, labels);
        }
        return new MeasuredError(error, cosine, accuracy, original, outputs.Count, randomInputs, data);
    }
}
