using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Metrics;
using Condense.Quantization;
using Condense.Quantization.Gptq;

namespace Condense.Analysis;

/// <summary>
/// The settings that run on ONNX Runtime's integer and packed kernels (<see cref="KernelOperator"/>), made so the
/// planner measures and mixes them like any setting for a byte or a latency budget:
/// <list type="bullet">
/// <item>"n4" (n&lt;bits&gt;[b&lt;block&gt;][-rtn], bits 2/4/8, blocks of 32 unless given): MatMulNBits' block grid along K,
/// solved by GPTQ against the layer's calibration H (the factor the other GPTQ settings share) or rounded with "-rtn" —
/// the codes <c>condense compress --method nbits</c> writes, through the same writer (<see cref="WeightOnlyQuantizer"/>).</item>
/// <item>"d8": DynamicQuantizeMatMul's 7-bit symmetric weights per output column, as <c>--method int8-dynamic</c> writes
/// them (<see cref="DynamicQuantizer"/>, reduce-range so AVX2's int16 pair sums cannot saturate).</item>
/// </list>
/// The encoding carries the codes and the decoded weight; the model is rewritten by the operator's writer when built
/// (<see cref="KernelWeight"/>). The decoded weight is the weight-only part of the error: both kernels also quantize
/// the activations (accuracy_level 4, uint8 per run), so analysis measures these settings' model error by running the
/// model with the layer on the real kernel in ONNX Runtime.
/// </summary>
public static class KernelSettings
{
    /// <summary>MatMulNBits' block along K when the label gives none (what <c>compress --method nbits</c> uses).</summary>
    public const int DefaultBlock = 32;

    /// <summary>MatMulNBits' accuracy_level: 4 (int8 compute), the fast one on x86 and what <c>compress --method nbits</c> writes.</summary>
    public const int AccuracyLevel = 4;

    /// <summary>"n&lt;bits&gt;[b&lt;block&gt;][-rtn]" or "d8" (already lower case, "-rtn" cut off in <paramref name="body"/>).</summary>
    internal static QuantizationSetting Parse(string text, string label, string body, bool rtn)
    {
        if (body[0] == 'd')
        {
            if (body != "d8" || rtn) throw new CondenseException($"setting '{text}': dynamic int8 is 'd8' (7-bit weights rounded per output column, as --method int8-dynamic writes them)");
            return new QuantizationSetting(label, false, false, 7, 0, false, Kernel: KernelOperator.DynamicInt8);
        }
        var parts = body[1..].Split('b');
        if (parts.Length > 2 || !int.TryParse(parts[0], out var bits) || bits is not (2 or 4 or 8))
            throw new CondenseException($"setting '{text}': MatMulNBits runs 2, 4 or 8 bits (n2, n4, n8[b<block>][-rtn])");
        var block = DefaultBlock;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out block) || block < 16 || (block & (block - 1)) != 0))
            throw new CondenseException($"setting '{text}': MatMulNBits' block must be a power of 2 of at least 16");
        return new QuantizationSetting(label, false, false, bits, block, !rtn, Kernel: KernelOperator.MatMulNBits);
    }

    /// <summary>
    /// The layer under a kernel setting: its encoding (codes for the writer and the decoded weight) and the decoded
    /// matrix (rows = outputs), or a null encoding where the kernel does not apply (a Conv, a table, a grouped layer,
    /// fewer input columns than one block): the layer stays float32 there.
    /// </summary>
    /// <param name="layer">The layer.</param>
    /// <param name="w">Its matrix, rows = outputs.</param>
    /// <param name="setting">A kernel setting.</param>
    /// <param name="factor">The calibration H factorised (as GPTQ uses it), or null (round to nearest).</param>
    public static (OnnxQuantizedMatrix? Encoding, float[] Values) Apply(LinearLayer layer, float[] w, QuantizationSetting setting, GptqFactor? factor)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(setting);
        int rows = layer.Rows, columns = layer.Columns;
        if (layer.Kind is not (LinearLayerKind.MatMul or LinearLayerKind.Gemm) || layer.Groups != 1) return (null, w);
        if (setting.Kernel == KernelOperator.DynamicInt8)
        {
            // The writer's own rounding: one scale per output (rows of the matrix).
            var (codes, scales) = QdqQuantizer.SymmetricPerChannel(w, [rows, columns], 0, DynamicQuantizer.ReducedRange);
            var values = new float[w.Length];
            for (int i = 0; i < w.Length; i++) values[i] = (sbyte)codes[i] * scales[i / columns];
            return (new OnnxQuantizedMatrix("dynamic int8 (7-bit weights per output column, DynamicQuantizeMatMul)", layer.Transposed,
                Kernel: new KernelWeight(KernelOperator.DynamicInt8, values, columns, null)), values);
        }
        if (columns < setting.BlockSize) return (null, w);
        // MatMulNBits reads Wᵀ [N, K] in blocks along K: the matrix as it is (rows = outputs), one grid per (row, block).
        var grid = new LinearGridQuantizer(setting.Bits, setting.BlockSize);
        if (factor is not null && setting.Gptq) GptqSolver.Solve(w, rows, columns, factor, grid);
        else RoundToNearest.Solve(w, rows, columns, grid);
        var block = BlockGptq.FromGrid(grid.Result(), setting.BlockSize);
        var decoded = RowMajor.Transpose(block.Dequantize(), columns, rows);
        var label = $"MatMulNBits {setting.Bits}-bit blocks of {setting.BlockSize} ({(factor is not null && setting.Gptq ? "gptq" : "round to nearest")})";
        return (new OnnxQuantizedMatrix(label, layer.Transposed, Kernel: new KernelWeight(KernelOperator.MatMulNBits, decoded, columns, block)), decoded);
    }
}
