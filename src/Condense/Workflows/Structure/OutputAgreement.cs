using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Workflows.Structure;

/// <summary>How closely a changed model's first output follows the original's on held-out inputs.</summary>
/// <param name="MeanCosine">Mean over samples of the cosine between the flattened outputs.</param>
/// <param name="MeanRelativeError">Mean over samples of ‖b − a‖ / ‖a‖.</param>
/// <param name="Samples">Held-out samples compared.</param>
public sealed record OutputAgreement(double MeanCosine, double MeanRelativeError, int Samples)
{
    /// <summary>Runs both models in ONNX Runtime (the changed one must load: this is the check before writing).</summary>
    public static OutputAgreement Measure(ModelProto original, ModelProto changed, string source, IReadOnlyList<IReadOnlyList<TensorProto>> heldOut)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        using var a = new OnnxRuntimeRunner(original.ToByteArray(), source);
        using var b = new OnnxRuntimeRunner(changed.ToByteArray(), source + " (changed)");
        double cosine = 0, relative = 0;
        foreach (var sample in heldOut)
        {
            var x = OnnxTensorData.ToFloat32(a.Run(sample)[0]);
            var y = OnnxTensorData.ToFloat32(b.Run(sample)[0]);
            if (x.Length != y.Length) throw new CondenseException($"{source}: the changed model's output has {y.Length} values, not {x.Length}");
            double dot = 0, nx = 0, ny = 0, diff = 0;
            for (int i = 0; i < x.Length; i++)
            {
                dot += (double)x[i] * y[i];
                nx += (double)x[i] * x[i];
                ny += (double)y[i] * y[i];
                diff += ((double)y[i] - x[i]) * ((double)y[i] - x[i]);
            }
            cosine += nx == 0 || ny == 0 ? (nx == ny ? 1 : 0) : dot / Math.Sqrt(nx * ny);
            relative += nx == 0 ? Math.Sqrt(diff) : Math.Sqrt(diff / nx);
        }
        var n = Math.Max(1, heldOut.Count);
        return new OutputAgreement(cosine / n, relative / n, heldOut.Count);
    }
}
