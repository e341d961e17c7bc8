using Condense.Graph.Structure;
using Onnx;

namespace Condense.Workflows.Structure;

/// <summary>Structured pruning of an ONNX model file (<see cref="OnnxPruneWorkflow"/>).</summary>
/// <param name="ModelPath">The ONNX model (never modified).</param>
/// <param name="OutputPath">Where the pruned model goes; written only after ONNX Runtime ran it on the held-out inputs.</param>
/// <param name="Options">Budget, scoring and refit.</param>
/// <param name="Calibration">Input sets the statistics are collected on (each the model's complete inputs, batch 1).</param>
/// <param name="HeldOut">Input sets the result is measured on; none: seeded random inputs.</param>
/// <param name="DataDescription">Where the data came from, for the report.</param>
/// <param name="DataIsRandom">True when the data is the seeded-random fallback: the figures then mean little.</param>
/// <param name="LatencyRuns">ONNX Runtime runs per model for the latency median (0: no latency).</param>
/// <param name="CompareWithoutRefit">With refit on, also measure the same cut without refit (the figure beside it).</param>
public sealed record OnnxPruneRequest(string ModelPath, string OutputPath, StructuredPruningOptions Options,
    IReadOnlyList<IReadOnlyList<TensorProto>> Calibration, IReadOnlyList<IReadOnlyList<TensorProto>> HeldOut,
    string DataDescription = "", bool DataIsRandom = false, int LatencyRuns = 20, bool CompareWithoutRefit = true);
