using Condense.Pruning;

namespace Condense.Workflows.MlpPrune;

/// <summary>One-shot pruning of a Condense MLP file (<see cref="MlpPruneWorkflow"/>), as <c>condense prune MODEL.safetensors</c> parses it.</summary>
/// <param name="ModelPath">The model written by <c>condense train</c> (never modified).</param>
/// <param name="Criterion">Which weights go.</param>
/// <param name="Sparsity">Share of weights (structured: of hidden neurons) to prune, in [0, 1).</param>
/// <param name="Layers">Layers to prune; null: all.</param>
/// <param name="Epochs">Fine-tuning epochs with the masks enforced (0: none), 0–1000.</param>
/// <param name="LearningRate">Adam learning rate for fine-tuning.</param>
/// <param name="FineTuneDropout">Dropout while fine-tuning; null: Han et al.'s D·√density.</param>
/// <param name="Data">Data set name; null: the model's; "none": prune without data.</param>
/// <param name="Storage">How the sparse file is encoded.</param>
/// <param name="Seed">Seed for random pruning, SNIP/GraSP samples and fine-tuning.</param>
/// <param name="OutputPath">A sparse file, or .safetensors for a dense one (structured: the smaller model).</param>
public sealed record MlpPruneRequest(string ModelPath, PruningCriterion Criterion, double Sparsity, IReadOnlyList<string>? Layers, int Epochs,
    double LearningRate, double? FineTuneDropout, string? Data, SparseStorageOptions Storage, int Seed, string OutputPath);
