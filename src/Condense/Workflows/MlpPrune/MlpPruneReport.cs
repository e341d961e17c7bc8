using Condense.Models;
using Condense.Pruning;

namespace Condense.Workflows.MlpPrune;

/// <summary>What <see cref="MlpPruneWorkflow"/> did: densities, accuracy before/after/fine-tuned, bytes.</summary>
/// <param name="Outcome">The pruning pass (achieved sparsity, seconds).</param>
/// <param name="Layers">Per-layer densities of the model as written (after fine-tuning).</param>
/// <param name="Dense">Test evaluation before pruning (null without data).</param>
/// <param name="Pruned">Right after pruning.</param>
/// <param name="FineTuned">After fine-tuning (null when none).</param>
/// <param name="CompactedSizes">Structured: the layer sizes of the smaller model written; null otherwise.</param>
/// <param name="CompactedParameters">Structured: its parameter count.</param>
/// <param name="CompactionError">Structured: the largest output difference between masked and compacted model on up to 500 test images.</param>
/// <param name="DenseBytes">The same model as a dense safetensors file.</param>
/// <param name="OutputBytes">The file written.</param>
/// <param name="Sparse">The sparse file's tensors (null for a .safetensors output).</param>
public sealed record MlpPruneReport(PruningOutcome Outcome, IReadOnlyList<LayerDensity> Layers, Evaluation? Dense, Evaluation? Pruned, Evaluation? FineTuned,
    IReadOnlyList<int>? CompactedSizes, long? CompactedParameters, double? CompactionError, long DenseBytes, long OutputBytes, SparseFileReport? Sparse);
