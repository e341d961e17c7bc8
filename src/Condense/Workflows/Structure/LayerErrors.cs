using Condense.Formats.Onnx;
using Condense.Graph;
using Onnx;

namespace Condense.Workflows.Structure;

/// <summary>
/// Relative error ‖y' − y‖/‖y‖ of named layer outputs on held-out inputs, original against
/// changed model, over the original's entries that the changed output still has (a pruned
/// layer's kept channels, given per layer as the removed indices along its channel axis).
/// </summary>
internal static class LayerErrors
{
    public static Dictionary<string, double> Measure(OnnxModel original, OnnxModel changed, IReadOnlyList<string> values,
        IReadOnlyDictionary<string, (int Axis, HashSet<long> Removed)> cut, IReadOnlyList<IReadOnlyList<TensorProto>> heldOut)
    {
        var known = changed.Proto.Graph.Node.SelectMany(n => n.Output).ToHashSet(StringComparer.Ordinal);
        var names = values.Where(known.Contains).Distinct().ToList();
        var errors = names.ToDictionary(n => n, _ => (Diff: 0.0, Norm: 0.0), StringComparer.Ordinal);
        if (names.Count == 0 || heldOut.Count == 0) return [];
        using (var a = new ActivationCapture(original, names))
        using (var b = new ActivationCapture(changed, names))
            foreach (var sample in heldOut)
            {
                var x = a.Run(sample);
                var y = b.Run(sample);
                foreach (var name in names)
                {
                    var xa = OnnxTensorData.ToFloat32(x[name]);
                    var yb = OnnxTensorData.ToFloat32(y[name]);
                    if (cut.TryGetValue(name, out var c) && xa.Length != yb.Length)
                        xa = Kept(xa, [.. x[name].Dims], c.Axis, c.Removed);
                    if (xa.Length != yb.Length) continue;
                    double d = 0, nrm = 0;
                    for (int i = 0; i < xa.Length; i++) { d += ((double)yb[i] - xa[i]) * ((double)yb[i] - xa[i]); nrm += (double)xa[i] * xa[i]; }
                    var e = errors[name];
                    errors[name] = (e.Diff + d, e.Norm + nrm);
                }
            }
        return errors.ToDictionary(p => p.Key, p => p.Value.Norm > 0 ? Math.Sqrt(p.Value.Diff / p.Value.Norm) : 0, StringComparer.Ordinal);
    }

    static float[] Kept(float[] values, long[] dims, int axis, HashSet<long> removed)
    {
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        var result = new List<float>();
        for (long o = 0; o < outer; o++)
            for (long k = 0; k < dims[axis]; k++)
                if (!removed.Contains(k)) result.AddRange(values.AsSpan((int)((o * dims[axis] + k) * inner), (int)inner));
        return [.. result];
    }
}
