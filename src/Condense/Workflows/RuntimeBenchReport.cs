using Condense.Runtime;

namespace Condense.Workflows;

/// <summary>One model variant measured by <see cref="RuntimeBench"/>.</summary>
/// <param name="Model">resnet18 | minilm | classifier.</param>
/// <param name="Variant">fp32 | int8-static | int8-dynamic | nbits4 (GPTQ codes when the model has calibration samples).</param>
/// <param name="Bytes">File size.</param>
/// <param name="Threads1">Batch 1, one thread.</param>
/// <param name="Threads2">Batch 1, two threads.</param>
/// <param name="Cosine">Mean cosine to fp32 of the feature/sentence embedding on held-out inputs (1 for fp32; null where accuracy is the figure).</param>
/// <param name="Accuracy">Test accuracy in % (classifier only).</param>
/// <param name="RuntimeOps">The three most frequent ops ONNX Runtime runs after optimisation.</param>
public sealed record RuntimeBenchRow(string Model, string Variant, long Bytes, SessionMeasurement Threads1, SessionMeasurement Threads2,
    double? Cosine, double? Accuracy, string RuntimeOps);

/// <summary>What <c>condense bench runtime</c> prints with <c>--json</c> and <c>condense bench all</c> judges (serialized snake_case).</summary>
/// <param name="Bench">"runtime".</param>
/// <param name="LoadAverage">The 1, 5 and 15-minute load averages before the run ("unknown" where they cannot be read).</param>
/// <param name="Rows">One line per model variant.</param>
/// <param name="Pytorch">PyTorch 1.13's static int8 ResNet18 (the peer's line), null when it did not run.</param>
/// <param name="PytorchNote">"live", or why the peer did not run.</param>
public sealed record RuntimeBenchReport(string Bench, string LoadAverage, IReadOnlyList<RuntimeBenchLine> Rows, RuntimePeerReport? Pytorch, string PytorchNote)
{
    /// <summary>The report of <paramref name="rows"/> (<see cref="RuntimeBench.Run"/>) and the peer's line.</summary>
    public static RuntimeBenchReport Of(IReadOnlyList<RuntimeBenchRow> rows, RuntimePeerReport? peer, string peerNote, string loadAverage) =>
        new("runtime", loadAverage, rows.Select(RuntimeBenchLine.Of).ToList(), peer, peerNote);
}

/// <summary>One model variant of a <see cref="RuntimeBenchReport"/>: a <see cref="RuntimeBenchRow"/> with its two latencies and session memory flattened.</summary>
/// <param name="Model">resnet18 | minilm | classifier.</param>
/// <param name="Variant">fp32 | int8-static | int8-dynamic | nbits4.</param>
/// <param name="Bytes">File size.</param>
/// <param name="Ms1t">Median latency at batch 1, one thread (ms).</param>
/// <param name="Ms2t">Median latency at batch 1, two threads (ms).</param>
/// <param name="SessionBytes">Resident memory the one-thread session added.</param>
/// <param name="Cosine">Mean cosine to fp32 on held-out inputs (null where accuracy is the figure).</param>
/// <param name="Accuracy">Test accuracy in % (classifier only).</param>
/// <param name="RuntimeOps">The three most frequent ops ONNX Runtime runs after optimisation.</param>
public sealed record RuntimeBenchLine(string Model, string Variant, long Bytes,
    [property: System.Text.Json.Serialization.JsonPropertyName("ms_1t")] double Ms1t,
    [property: System.Text.Json.Serialization.JsonPropertyName("ms_2t")] double Ms2t,
    long SessionBytes, double? Cosine, double? Accuracy, string RuntimeOps)
{
    /// <summary>The line of one measured variant.</summary>
    public static RuntimeBenchLine Of(RuntimeBenchRow r) =>
        new(r.Model, r.Variant, r.Bytes, r.Threads1.MedianMs, r.Threads2.MedianMs, r.Threads1.SessionBytes, r.Cosine, r.Accuracy, r.RuntimeOps);
}

/// <summary>The PyTorch peer's line (../shared/peers/resnet_int8.py): torch's static int8 ResNet18 beside its fp32, at 1 and 2 threads.</summary>
/// <param name="Torch">torch version.</param>
/// <param name="Torchvision">torchvision version.</param>
/// <param name="Engine">The quantized engine it ran (fbgemm, x86, …).</param>
/// <param name="Threads1">One thread.</param>
/// <param name="Threads2">Two threads.</param>
public sealed record RuntimePeerReport(string? Torch, string? Torchvision, string? Engine, RuntimePeerThreads? Threads1, RuntimePeerThreads? Threads2);

/// <summary>The peer's medians at one thread count.</summary>
/// <param name="Fp32Ms">fp32 ResNet18, ms.</param>
/// <param name="Int8Ms">int8 ResNet18, ms.</param>
/// <param name="Ratio">int8 / fp32.</param>
public sealed record RuntimePeerThreads(double? Fp32Ms, double? Int8Ms, double? Ratio);
