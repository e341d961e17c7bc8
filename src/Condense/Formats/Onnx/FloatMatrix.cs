using static TorchSharp.torch;

namespace Condense.Formats.Onnx;

/// <summary>
/// A float32 matrix (rows = outputs, columns = inputs) written as it is: a low-rank factor kept in
/// float32, or a pruned weight whose zeros a mask encodes (<see cref="OnnxQuantizedMatrix.SparseBits"/>).
/// </summary>
/// <param name="Rows">Rows.</param>
/// <param name="Columns">Columns.</param>
/// <param name="Values">Row-major values.</param>
public sealed record FloatMatrix(int Rows, int Columns, float[] Values)
{
    /// <summary>
    /// a (rows × inner) times b (inner × columns), row-major, in float32 by LibTorch: the weight a
    /// low-rank layer's two factors make, as ONNX Runtime's MatMul of them computes it.
    /// </summary>
    public static float[] Product(float[] a, float[] b, int rows, int inner, int columns)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        using var scope = NewDisposeScope();
        return tensor(a, [rows, inner]).matmul(tensor(b, [inner, columns])).contiguous().data<float>().ToArray();
    }
}
