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

/// <summary>
/// Unstructured pruning of an ONNX model's MatMul/Gemm/Conv weights. Every setting is checked when it is
/// built; <see cref="Method"/> and <see cref="Data"/> are checked against each other (SparseGPT needs
/// calibration samples), so they are set by the constructor only, the rest also under <c>with</c>.
/// </summary>
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
    /// <summary>Magnitude or SparseGPT (a defined <see cref="OnnxSparsityMethod"/>).</summary>
    public OnnxSparsityMethod Method { get; } = Enum.IsDefined(Method) ? Method
        : throw new CondenseException($"sparsity method must be one of {string.Join(", ", Enum.GetNames<OnnxSparsityMethod>())}, got {(int)Method}");

    /// <summary>Calibration and held-out samples; SparseGPT needs calibration ones.</summary>
    public CalibrationData Data { get; } = CheckData(Data, Method, ModelPath);

    /// <summary>Share of each layer's weights set to zero, in (0, 1).</summary>
    public double Sparsity { get; init => field = CheckShare("sparsity", value); } = CheckShare("sparsity", Sparsity);

    /// <summary>λ as a share of H's mean diagonal, in (0, 1).</summary>
    public double Dampening { get; init => field = CheckShare("dampening", value); } = CheckShare("dampening", Dampening);

    /// <summary>Columns per SparseGPT mask block; at least 1.</summary>
    public int BlockSize { get; init => field = AtLeastOne("block size", value); } = AtLeastOne("block size", BlockSize);

    /// <summary>ONNX Runtime threads; at least 1.</summary>
    public int Threads { get; init => field = AtLeastOne("threads", value); } = AtLeastOne("threads", Threads);

    static CalibrationData CheckData(CalibrationData data, OnnxSparsityMethod method, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(data);
        return method == OnnxSparsityMethod.SparseGpt && data.Calibration.Count == 0
            ? throw new CondenseException($"{modelPath}: SparseGPT needs calibration data (--data), or use --method magnitude")
            : data;
    }

    static double CheckShare(string name, double value) => value > 0 && value < 1 ? value
        : throw new CondenseException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{name} must be in (0, 1), got {value}"));

    static int AtLeastOne(string name, int value) => value >= 1 ? value : throw new CondenseException($"{name} must be at least 1, got {value}");
}
