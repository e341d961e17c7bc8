using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;

namespace Condense.Workflows;

/// <summary>
/// Compress an ONNX model's MatMul/Gemm/Conv weights knowing their inputs: each layer's weight is
/// quantized by GPTQ against its calibration inputs (or, with <see cref="DataFree"/>, rounded to
/// nearest on the same grids/codebooks), and every figure is measured on held-out inputs.
/// </summary>
/// <param name="ModelPath">The ONNX model (never modified).</param>
/// <param name="OutputPath">Where the compressed model goes (written only after ONNX Runtime ran it).</param>
/// <param name="Method">Linear (grids) or KMeans (codebooks).</param>
/// <param name="Bits">Bits per weight: linear 2–8, k-means 1–8.</param>
/// <param name="Data">Calibration and held-out samples (<see cref="CalibrationDataLoader"/>).</param>
/// <param name="DataFree">Round to nearest instead of GPTQ (same grids and codebooks), for comparison.</param>
/// <param name="BlockSize">Linear: columns per (row, block) grid; 0 = one grid per output channel.</param>
/// <param name="RowsPerCodebook">k-means: output rows sharing one codebook (1 = per channel; 0 = per tensor).</param>
/// <param name="Gptq">Dampening, lazy block size, act-order.</param>
/// <param name="CompareDataFree">Also build the round-to-nearest model in memory and report its held-out figure beside.</param>
/// <param name="MinSize">Tensors with fewer elements are left alone.</param>
/// <param name="Seed">k-means initialisation and every other random choice.</param>
/// <param name="Threads">ONNX Runtime threads for capture and evaluation.</param>
/// <param name="StatisticsBudgetBytes">The most bytes of layer-input statistics (XᵀX) held at once; layers beyond it
/// are gathered in further passes over the samples (default 256 MiB: ResNet18 in three passes).</param>
public sealed record DataAwareCompressionRequest(
    string ModelPath, string OutputPath, OnnxCompressionMethod Method, int Bits, CalibrationData Data,
    bool DataFree = false, int BlockSize = 0, int RowsPerCodebook = 1, GptqOptions? Gptq = null,
    bool CompareDataFree = true, long MinSize = 1024, int Seed = 0, int Threads = 1, long StatisticsBudgetBytes = 256L << 20)
{
    /// <summary>Checks every setting; bad values are quoted in a <see cref="CondenseException"/>.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Data);
        switch (Method)
        {
            case OnnxCompressionMethod.Linear when Bits is < 2 or > 8:
                throw new CondenseException($"linear bits must be in 2..8, not {Bits}");
            case OnnxCompressionMethod.KMeans when Bits is < 1 or > 8:
                throw new CondenseException($"k-means bits must be in 1..8, not {Bits}");
            case OnnxCompressionMethod.Fp16 or OnnxCompressionMethod.Bf16:
                throw new CondenseException($"data-aware compression quantizes (linear or kmeans); {Method.ToString().ToLowerInvariant()} needs no data");
        }
        if (BlockSize < 0) throw new CondenseException($"--block must be ≥ 0, not {BlockSize}");
        if (BlockSize > 0 && Method != OnnxCompressionMethod.Linear) throw new CondenseException("--block applies to linear quantization");
        if (RowsPerCodebook < 0) throw new CondenseException($"rows per codebook must be ≥ 0, not {RowsPerCodebook}");
        if (MinSize < 0) throw new CondenseException($"min size must be ≥ 0, not {MinSize}");
        if (StatisticsBudgetBytes < 1) throw new CondenseException($"the statistics budget must be positive, not {StatisticsBudgetBytes} bytes");
        if (Threads < 1) throw new CondenseException($"threads must be ≥ 1, not {Threads}");
        if (Data.HeldOut.Count == 0) throw new CondenseException($"{Data.Description}: no held-out samples to measure on");
        if (!DataFree && Data.Calibration.Count == 0) throw new CondenseException($"{Data.Description}: no calibration samples");
    }
}
