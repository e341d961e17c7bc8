using Condense.Formats.Onnx;
using Condense.Quantization;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Calibrates activation ranges: runs the calibration samples through ONNX Runtime with
/// <see cref="ActivationCapture"/> and folds every captured value into an
/// <see cref="ActivationStatistics"/>, one sample at a time. MinMax needs one pass; percentile and
/// entropy need a second, because their histogram's bins are fixed by the first pass's range.
/// </summary>
public static class ActivationRanges
{
    /// <summary>The [lo, hi] of every value in <paramref name="names"/> under <paramref name="method"/>.</summary>
    public static IReadOnlyDictionary<string, (float Lo, float Hi)> Collect(OnnxModel model, IReadOnlyList<string> names,
        IReadOnlyList<IReadOnlyList<TensorProto>> samples, RangeCalibration method, double percentile = 99.999, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new CondenseException($"{model.Source}: calibration needs at least one sample");
        var stats = names.ToDictionary(n => n, _ => new ActivationStatistics(), StringComparer.Ordinal);
        using var capture = new ActivationCapture(model, names, threads);
        foreach (var sample in samples)
        {
            var values = capture.Run(sample);
            foreach (var (name, s) in stats) s.ObserveRange(OnnxTensorData.ToFloat32(values[name]));
        }
        if (method != RangeCalibration.MinMax)
        {
            foreach (var sample in samples)
            {
                var values = capture.Run(sample);
                foreach (var (name, s) in stats) s.ObserveHistogram(OnnxTensorData.ToFloat32(values[name]));
            }
        }
        return stats.ToDictionary(p => p.Key, p => p.Value.Range(method, percentile), StringComparer.Ordinal);
    }
}
