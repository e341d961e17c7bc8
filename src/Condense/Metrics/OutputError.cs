using static TorchSharp.torch;

namespace Condense.Metrics;

/// <summary>
/// The measured relative output error of a layer over sample inputs: for each input x (a row of
/// X), ‖(W − Q)x‖₁ / ‖Wx‖₁; reported as the mean and the maximum over the samples. This is what
/// the cond₁ bound (<see cref="ConditionNumber"/>) promises to stay under.
/// </summary>
public static class OutputError
{
    /// <summary>
    /// W and Q are rows × columns (row-major, y = Wx); <paramref name="inputs"/> is batch × columns.
    /// Samples with Wx = 0 are skipped. Returns (mean, max); (0, 0) when every sample is skipped.
    /// </summary>
    public static (double Mean, double Max) Relative(ReadOnlySpan<float> w, ReadOnlySpan<float> q, int rows, int columns,
        ReadOnlySpan<float> inputs)
    {
        ErrorMetrics.Check(w, q);
        MatrixNorms.CheckShape(w.Length, rows, columns);
        if (inputs.Length == 0 || inputs.Length % columns != 0)
            throw new CondenseException($"output error: {inputs.Length} input values are not a whole number of {columns}-vectors");
        int batch = inputs.Length / columns;
        using var scope = NewDisposeScope();
        var W = ToDouble(w, rows, columns);
        var D = W - ToDouble(q, rows, columns);
        var X = ToDouble(inputs, batch, columns).t();
        var num = D.matmul(X).abs().sum(dim: 0);
        var den = W.matmul(X).abs().sum(dim: 0);
        var n = num.data<double>().ToArray();
        var d = den.data<double>().ToArray();
        double sum = 0, max = 0;
        int used = 0;
        for (int i = 0; i < batch; i++)
        {
            if (d[i] == 0) continue;
            double r = n[i] / d[i];
            sum += r; max = Math.Max(max, r); used++;
        }
        return used == 0 ? (0, 0) : (sum / used, max);
    }

    static Tensor ToDouble(ReadOnlySpan<float> a, int rows, int columns)
    {
        var t = tensor(a.ToArray(), new long[] { rows, columns });
        return t.to_type(ScalarType.Float64);
    }
}
