namespace Condense.Workflows;

/// <summary>Encodings that ONNX Runtime runs on integer or packed kernels, not folded back to float.</summary>
public enum RuntimeMethod
{
    /// <summary>Weights and activations int8 in QDQ form (calibrated ranges): QLinearConv / QLinearMatMul / QLinearAdd.</summary>
    Int8Static,

    /// <summary>int8 weights, activations quantized per run: DynamicQuantizeMatMul (transformers).</summary>
    Int8Dynamic,

    /// <summary>Weight-only blocks that stay packed in memory: MatMulNBits (+ GatherBlockQuantized for embeddings).</summary>
    NBits,
}

/// <summary>What <c>--goal</c> optimises when picking the method and its details.</summary>
public enum RuntimeGoal
{
    /// <summary>Smallest file and session memory (4-bit blocks, embeddings too).</summary>
    Size,

    /// <summary>Lowest latency (int8 integer kernels).</summary>
    Speed,

    /// <summary>int8 where it is fast, otherwise the size choice.</summary>
    Balanced,
}
