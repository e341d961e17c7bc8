namespace Condense.Metrics;

/// <summary>
/// What quantizing one layer cost, element-wise and as an operator. The bound
/// cond₁(W)·‖W − Q‖₁/‖W‖₁ is reported beside the measured output error it bounds.
/// </summary>
/// <param name="Name">Layer name (e.g. fc1).</param>
/// <param name="Rows">Output features (rows of W, y = Wx).</param>
/// <param name="Columns">Input features.</param>
/// <param name="MeanAbsError">mean |W − Q| (eq. 1).</param>
/// <param name="MaxAbsError">max |W − Q|.</param>
/// <param name="SqnrDb">10 log₁₀(Σw²/Σ(w−q)²).</param>
/// <param name="OneNorm">‖W‖₁.</param>
/// <param name="RelativeOneNormError">‖W − Q‖₁/‖W‖₁.</param>
/// <param name="Cond1">cond₁(W).</param>
/// <param name="Bound">cond₁(W)·‖W − Q‖₁/‖W‖₁.</param>
/// <param name="MeasuredMean">Mean over the sample inputs of ‖(W − Q)x‖₁/‖Wx‖₁ (NaN without inputs).</param>
/// <param name="MeasuredMax">Max over the sample inputs (NaN without inputs).</param>
/// <param name="HistogramKl">KL divergence between the weight histograms of W and Q (nats).</param>
public sealed record LayerMetrics(
    string Name, int Rows, int Columns,
    double MeanAbsError, double MaxAbsError, double SqnrDb,
    double OneNorm, double RelativeOneNormError, double Cond1, double Bound,
    double MeasuredMean, double MeasuredMax, double HistogramKl)
{
    /// <summary>
    /// Computes every metric. <paramref name="inputs"/> (batch × columns, may be empty) are the
    /// samples for the measured output error: real data for a first layer, propagated activations
    /// for later ones. Pass <paramref name="cond1"/> when already known (it costs an inverse).
    /// </summary>
    public static LayerMetrics Compute(string name, ReadOnlySpan<float> w, ReadOnlySpan<float> q, int rows, int columns,
        ReadOnlySpan<float> inputs, double? cond1 = null)
    {
        ErrorMetrics.Check(w, q);
        MatrixNorms.CheckShape(w.Length, rows, columns);
        double rel = MatrixNorms.RelativeOneNormError(w, q, rows, columns);
        double cond = cond1 ?? ConditionNumber.OneNorm(w, rows, columns);
        var (mean, max) = inputs.IsEmpty ? (double.NaN, double.NaN) : OutputError.Relative(w, q, rows, columns, inputs);
        return new LayerMetrics(name, rows, columns,
            ErrorMetrics.MeanAbsoluteError(w, q), ErrorMetrics.MaxAbsoluteError(w, q), ErrorMetrics.Sqnr(w, q),
            MatrixNorms.InducedOneNorm(w, rows, columns), rel, cond, cond * rel, mean, max,
            HistogramDivergence.KlDivergence(w, q));
    }
}
