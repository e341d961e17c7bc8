using Onnx;

namespace Condense.Workflows;

/// <summary>Fold a model file's BatchNormalization, Identity and dead nodes into a new file (<see cref="FoldWorkflow"/>).</summary>
/// <param name="ModelPath">The ONNX model (never modified).</param>
/// <param name="OutputPath">Where the folded model goes; written only after ONNX Runtime ran it.</param>
/// <param name="Inputs">Inputs to verify on; null: the test data stored beside the model, else seeded random inputs.</param>
/// <param name="Seed">Seed of the random inputs.</param>
/// <param name="Measure">Time the original and the folded file in ONNX Runtime (1 and 2 threads).</param>
public sealed record FoldRequest(string ModelPath, string OutputPath, IReadOnlyList<TensorProto>? Inputs = null, int Seed = 0, bool Measure = true);
