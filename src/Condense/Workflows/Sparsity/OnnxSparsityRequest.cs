using Condense.Calibration;
using Condense.Formats.Onnx;

namespace Condense.Workflows.Sparsity;

/// <summary>How the weights of an ONNX model are pruned unstructured (<see cref="OnnxSparsityWorkflow"/>).</summary>
public enum OnnxSparsityMethod
{
    /// <summary>The smallest |w| of each layer set to zero; needs no data.</summary>
    Magnitude,

    /// <summary>SparseGPT: masks chosen and surviving weights updated against the layer's input statistics (<see cref="Pruning.SparseGpt"/>).</summary>
    SparseGpt,
}

/// <summary>Unstructured pruning of an ONNX model's MatMul/Gemm/Conv weights.</summary>
/// <param name="ModelPath">The ONNX model (never modified).</param>
/// <param name="OutputPath">Where the pruned model goes; written only after ONNX Runtime ran it on the held-out inputs.</param>
/// <param name="Method">Magnitude or SparseGPT.</param>
/// <param name="Sparsity">Share of each layer's weights set to zero, in (0, 1).</param>
/// <param name="Data">Calibration (SparseGPT's statistics) and held-out samples (every figure).</param>
/// <param name="Encoding">How the pruned weights are stored: null keeps float32 (zeros in place); otherwise
/// <see cref="OnnxCompressor"/> with its sparse encoding (positions + non-zeros, ScatterElements) wherever
/// that is smaller than the dense one.</param>
/// <param name="Dampening">λ as a share of H's mean diagonal (as GPTQ).</param>
/// <param name="BlockSize">Columns per SparseGPT mask block (B = 128 in the paper).</param>
/// <param name="CompareMagnitude">With SparseGPT, also measure magnitude pruning at the same sparsity (the figure beside it).</param>
/// <param name="MinSize">Weights with fewer elements are left dense.</param>
/// <param name="Threads">ONNX Runtime threads for capture and evaluation.</param>
/// <param name="StatisticsBudgetBytes">Layers' input statistics gathered in groups that fit this.</param>
public sealed record OnnxSparsityRequest(string ModelPath, string OutputPath, OnnxSparsityMethod Method, double Sparsity, CalibrationData Data,
    OnnxCompressionOptions? Encoding = null, double Dampening = 0.01, int BlockSize = 128, bool CompareMagnitude = true,
    long MinSize = 1024, int Threads = 1, long StatisticsBudgetBytes = 256L << 20)
{
    /// <summary>Throws a <see cref="CondenseException"/> quoting the first out-of-range setting, before the model is read.</summary>
    public void Validate()
    {
        if (!(Sparsity > 0 && Sparsity < 1)) throw new CondenseException($"sparsity {Sparsity} must be in (0, 1)");
        if (!Enum.IsDefined(Method)) throw new CondenseException($"unknown sparsity method {(int)Method}");
        if (!(Dampening > 0 && Dampening < 1)) throw new CondenseException($"dampening {Dampening} must be in (0, 1)");
        if (BlockSize < 1) throw new CondenseException($"block size must be ≥ 1, not {BlockSize}");
        if (Threads < 1) throw new CondenseException($"threads must be ≥ 1, not {Threads}");
        if (Method == OnnxSparsityMethod.SparseGpt && Data.Calibration.Count == 0)
            throw new CondenseException($"{ModelPath}: SparseGPT needs calibration data (--data), or use --method magnitude");
    }
}
