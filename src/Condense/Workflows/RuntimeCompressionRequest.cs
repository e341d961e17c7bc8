using Condense.Quantization;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// What <see cref="RuntimeCompression"/> is asked to do: the model, the method (null: chosen by
/// <see cref="Goal"/>), data (calibration samples shape the ranges; held-out ones check the result
/// and feed the latency runs), and the method's knobs. For nbits, real calibration data means GPTQ
/// codes; <see cref="DataFree"/> (or random data, <see cref="DataIsRandom"/>, or symmetric blocks)
/// keeps round-to-nearest. Every knob is checked when it is set (constructor or <c>with</c>); the
/// samples are checked together (at least one, calibration or held out), so they are set by the
/// constructor only.
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
    /// <summary>Calibration samples (they shape the ranges); with <see cref="HeldOut"/>, at least one sample in all.</summary>
    public IReadOnlyList<IReadOnlyList<TensorProto>> Calibration { get; } = Calibration;

    /// <summary>Held-out samples (they check the result and feed the latency runs).</summary>
    public IReadOnlyList<IReadOnlyList<TensorProto>> HeldOut { get; } =
        HeldOut.Count > 0 || Calibration.Count > 0 ? HeldOut : throw new CondenseException("no input samples: give --data");

    /// <summary>Percentile of |x| kept by percentile calibration, in (50, 100].</summary>
    public double Percentile { get; init => field = CheckPercentile(value); } = CheckPercentile(Percentile);

    /// <summary>MatMulNBits' bits per weight: 2, 4 or 8.</summary>
    public int Bits { get; init => field = CheckBits(value); } = CheckBits(Bits);

    /// <summary>MatMulNBits' block size: a power of 2, at least 16.</summary>
    public int BlockSize { get; init => field = CheckBlockSize(value); } = CheckBlockSize(BlockSize);

    /// <summary>MatMulNBits' accuracy level, 0–4.</summary>
    public int AccuracyLevel { get; init => field = CheckAccuracyLevel(value); } = CheckAccuracyLevel(AccuracyLevel);

    /// <summary>Batch of the latency runs, 1–4096; null for the default.</summary>
    public int? Batch { get; init => field = CheckBatch(value); } = CheckBatch(Batch);

    /// <summary>Timed runs per latency figure, 1–10000.</summary>
    public int Runs { get; init => field = CheckRuns(value); } = CheckRuns(Runs);

    static double CheckPercentile(double value) => value is > 50 and <= 100 ? value
        : throw new CondenseException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"--percentile must be in (50, 100], got {value}"));

    static int CheckBits(int value) => value is 2 or 4 or 8 ? value : throw new CondenseException($"--bits must be 2, 4 or 8 for MatMulNBits, got {value}");

    static int CheckBlockSize(int value) => value >= 16 && (value & (value - 1)) == 0 ? value
        : throw new CondenseException($"--block must be a power of 2 of at least 16, got {value}");

    static int CheckAccuracyLevel(int value) => value is >= 0 and <= 4 ? value : throw new CondenseException($"--accuracy-level must be 0–4, got {value}");

    static int? CheckBatch(int? value) => value is null or (>= 1 and <= 4096) ? value : throw new CondenseException($"--batch must be 1–4096, got {value}");

    static int CheckRuns(int value) => value is >= 1 and <= 10000 ? value : throw new CondenseException($"--runs must be 1–10000, got {value}");
}
