namespace Condense.Analysis;

/// <summary>
/// The ONNX Runtime kernel a layer runs on under a setting. Every other setting's weight is decoded to float32 in the
/// graph, which ONNX Runtime folds at session start, so it runs as fast as the original; these keep the weight
/// compressed in the session and multiply on integer or packed kernels, which is what makes a CPU faster.
/// </summary>
public enum KernelOperator
{
    /// <summary>Decoded to float32 (or no change).</summary>
    None,

    /// <summary><c>com.microsoft.MatMulNBits</c>: blocks of 2/4/8-bit codes along K with a scale and zero point each, accuracy_level 4 (int8 compute).</summary>
    MatMulNBits,

    /// <summary><c>com.microsoft.DynamicQuantizeMatMul</c>: 7-bit symmetric weights per output column, activations quantized to uint8 per run.</summary>
    DynamicInt8,
}
