using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;

namespace Condense.Workflows;

/// <summary>
/// Compress an ONNX model's MatMul/Gemm/Conv weights knowing their inputs: each layer's weight is
/// quantized by GPTQ against its calibration inputs (or, with <see cref="DataFree"/>, rounded to
/// nearest on the same grids/codebooks), and every figure is measured on held-out inputs. Every setting
/// is checked when it is built; <see cref="Method"/>, <see cref="Bits"/>, <see cref="BlockSize"/>,
/// <see cref="Data"/> and <see cref="DataFree"/> are checked against each other, so they are set by the
/// constructor only, the rest also under <c>with</c>.
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
    /// <summary>Linear (grids) or KMeans (codebooks); fp16 and bf16 need no data and are refused.</summary>
    public OnnxCompressionMethod Method { get; } = Method is OnnxCompressionMethod.Linear or OnnxCompressionMethod.KMeans ? Method
        : Enum.IsDefined(Method) ? throw new CondenseException($"data-aware compression quantizes (linear or kmeans); {Method.ToString().ToLowerInvariant()} needs no data")
        : throw new CondenseException($"data-aware compression method must be one of Linear, KMeans, got {(int)Method}");

    /// <summary>Bits per weight: linear 2–8, k-means 1–8.</summary>
    public int Bits { get; } = Method == OnnxCompressionMethod.Linear
        ? Bits is >= 2 and <= 8 ? Bits : throw new CondenseException($"linear bits must be 2–8, got {Bits}")
        : Bits is >= 1 and <= 8 ? Bits : throw new CondenseException($"k-means bits must be 1–8, got {Bits}");

    /// <summary>Linear: columns per (row, block) grid, at least 0 (0 = one grid per output channel); k-means: 0.</summary>
    public int BlockSize { get; } = BlockSize < 0 ? throw new CondenseException($"--block must be at least 0, got {BlockSize}")
        : BlockSize > 0 && Method != OnnxCompressionMethod.Linear ? throw new CondenseException("--block applies to linear quantization only, not k-means")
        : BlockSize;

    /// <summary>Round to nearest instead of GPTQ; without it <see cref="Data"/> needs calibration samples.</summary>
    public bool DataFree { get; } = DataFree;

    /// <summary>Calibration and held-out samples: held-out ones always, calibration ones unless <see cref="DataFree"/>.</summary>
    public CalibrationData Data { get; } = CheckData(Data, DataFree);

    /// <summary>k-means: output rows sharing one codebook, at least 0 (1 = per channel; 0 = per tensor).</summary>
    public int RowsPerCodebook { get; init => field = CheckRows(value); } = CheckRows(RowsPerCodebook);

    /// <summary>Tensors with fewer elements are left alone; at least 0.</summary>
    public long MinSize { get; init => field = CheckMinSize(value); } = CheckMinSize(MinSize);

    /// <summary>ONNX Runtime threads; at least 1.</summary>
    public int Threads { get; init => field = CheckThreads(value); } = CheckThreads(Threads);

    /// <summary>The most bytes of layer-input statistics held at once; at least 1.</summary>
    public long StatisticsBudgetBytes { get; init => field = CheckBudget(value); } = CheckBudget(StatisticsBudgetBytes);

    static CalibrationData CheckData(CalibrationData data, bool dataFree)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.HeldOut.Count == 0) throw new CondenseException($"{data.Description}: no held-out samples to measure on");
        if (!dataFree && data.Calibration.Count == 0) throw new CondenseException($"{data.Description}: no calibration samples");
        return data;
    }

    static int CheckRows(int value) => value >= 0 ? value : throw new CondenseException($"rows per codebook must be at least 0, got {value}");

    static long CheckMinSize(long value) => value >= 0 ? value : throw new CondenseException($"min size must be at least 0, got {value}");

    static int CheckThreads(int value) => value >= 1 ? value : throw new CondenseException($"threads must be at least 1, got {value}");

    static long CheckBudget(long value) => value >= 1 ? value : throw new CondenseException($"the statistics budget must be at least 1 byte, got {value}");
}
