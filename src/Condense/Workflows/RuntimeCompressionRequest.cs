using Condense.Quantization;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// What <see cref="RuntimeCompression"/> is asked to do: the model, the method (null: chosen by
/// <see cref="Goal"/>), data (calibration samples shape the ranges; held-out ones check the result
/// and feed the latency runs), and the method's knobs. For nbits, real calibration data means GPTQ
/// codes; <see cref="DataFree"/> (or random data, <see cref="DataIsRandom"/>, or symmetric blocks)
/// keeps round-to-nearest.
/// </summary>
public sealed record RuntimeCompressionRequest(
    string InputPath,
    string OutputPath,
    RuntimeMethod? Method,
    IReadOnlyList<IReadOnlyList<TensorProto>> Calibration,
    IReadOnlyList<IReadOnlyList<TensorProto>> HeldOut,
    string DataDescription,
    RuntimeGoal Goal = RuntimeGoal.Balanced,
    RangeCalibration Ranges = RangeCalibration.MinMax,
    double Percentile = 99.999,
    bool SignedActivations = false,
    int Bits = 4,
    int BlockSize = 32,
    int AccuracyLevel = 4,
    bool Symmetric = false,
    bool Measure = true,
    int? Batch = null,
    int Runs = 30,
    bool DataFree = false,
    bool DataIsRandom = false)
{
    /// <summary>Checks the knobs; a <see cref="CondenseException"/> quotes the bad value.</summary>
    public void Validate()
    {
        if (HeldOut.Count == 0 && Calibration.Count == 0) throw new CondenseException("no input samples: give --data");
        if (Percentile is <= 50 or > 100) throw new CondenseException($"--percentile must be in (50, 100], not {Percentile}");
        if (Bits is not (2 or 4 or 8)) throw new CondenseException($"--bits must be 2, 4 or 8 for MatMulNBits, not {Bits}");
        if (BlockSize < 16 || (BlockSize & (BlockSize - 1)) != 0) throw new CondenseException($"--block must be a power of 2 of at least 16, not {BlockSize}");
        if (AccuracyLevel is < 0 or > 4) throw new CondenseException($"--accuracy-level must be 0-4, not {AccuracyLevel}");
        if (Batch is < 1 or > 4096) throw new CondenseException($"--batch must be 1-4096, not {Batch}");
        if (Runs is < 1 or > 10000) throw new CondenseException($"--runs must be 1-10000, not {Runs}");
    }
}
