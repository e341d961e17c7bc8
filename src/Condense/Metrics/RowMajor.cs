namespace Condense.Metrics;

/// <summary>
/// Row-major matrix layout, shared by the quantizers, the graph passes and the workflows: ONNX stores
/// a MatMul weight as [in, out] and a Gemm/Conv weight as [out, in], and every method that works on
/// rows = outputs turns one into the other.
/// </summary>
public static class RowMajor
{
    /// <summary>The transpose of the <paramref name="rows"/> × <paramref name="columns"/> row-major matrix <paramref name="a"/>, as a new array.</summary>
    public static float[] Transpose(ReadOnlySpan<float> a, int rows, int columns)
    {
        var t = new float[a.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) t[(long)c * rows + r] = a[(int)((long)r * columns + c)];
        return t;
    }
}
