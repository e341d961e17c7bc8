namespace Condense.Graph;

/// <summary>How a layer's weight multiplies its input.</summary>
public enum LinearLayerKind
{
    /// <summary>MatMul with the weight as the second input: y = x·W, W [in, out] (columns are outputs).</summary>
    MatMul,

    /// <summary>Gemm: y = A·Bᵀ (transB = 1, B [out, in]) or A·B (B [in, out]).</summary>
    Gemm,

    /// <summary>2-D Conv, weight [C_out, C_in/group, kh, kw], input NCHW (im2col rows).</summary>
    Conv,

    /// <summary>
    /// Gather on a 2-D float table [rows, width] along axis 0 (an embedding): each output row is a table
    /// row, so the "matrix" is the table itself, one row per entry, quantized per row; it has no H
    /// (GPTQ reduces to rounding) and its held-out error weighs each row by how often it is gathered.
    /// Found by <see cref="EmbeddingTables"/>, never by <see cref="LinearLayers"/>.
    /// </summary>
    Gather,
}
