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

/// <summary>Everything <c>condense bench runtime</c> measured, with the peer's JSON line if it ran.</summary>
public sealed record RuntimeBenchReport(IReadOnlyList<RuntimeBenchRow> Rows, string? PeerJson, string PeerNote, double LoadAverage);
