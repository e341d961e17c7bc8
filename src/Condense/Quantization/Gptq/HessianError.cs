using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Quantization.Gptq;

/// <summary>
/// A layer's output error on the inputs behind H = Σ x xᵀ without the inputs: Σ‖(W − Ŵ)x‖² =
/// tr(ΔW H ΔWᵀ) and Σ‖Wx‖² = tr(W H Wᵀ), so a held-out H gives the held-out relative output error
/// √(tr(ΔW H ΔWᵀ) / tr(W H Wᵀ)) of every layer from statistics already gathered.
/// </summary>
public static class HessianError
{
    /// <summary>tr(A H Aᵀ) for A rows × columns (row-major), H columns × columns.</summary>
    public static double Quadratic(ReadOnlySpan<float> a, int rows, int columns, ReadOnlySpan<double> hessian)
    {
        if (a.Length != (long)rows * columns || hessian.Length != (long)columns * columns)
            throw new CondenseException($"shapes do not agree: {a.Length} values for {rows}×{columns}, H of {hessian.Length}");
        using var scope = NewDisposeScope();
        var m = tensor(a.ToArray(), new long[] { rows, columns }).to_type(ScalarType.Float64);
        var h = tensor(hessian.ToArray(), new long[] { columns, columns });
        return (m.mm(h) * m).sum().item<double>();
    }

    /// <summary>√(tr(ΔW H ΔWᵀ) / tr(W H Wᵀ)), 0 when W's output is 0.</summary>
    public static double Relative(ReadOnlySpan<float> weights, ReadOnlySpan<float> quantized, int rows, int columns, ReadOnlySpan<double> hessian)
    {
        var delta = new float[weights.Length];
        for (int i = 0; i < delta.Length; i++) delta[i] = weights[i] - quantized[i];
        var signal = Quadratic(weights, rows, columns, hessian);
        return signal > 0 ? Math.Sqrt(Math.Max(0, Quadratic(delta, rows, columns, hessian)) / signal) : 0;
    }
}
