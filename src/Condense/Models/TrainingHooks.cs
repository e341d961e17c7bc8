using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// Where other methods plug into training without copying the loop: pruning keeps masked weights
/// at zero (<see cref="AfterBackward"/>, <see cref="AfterStep"/>), weight sharing sums the
/// gradients of a cluster, distillation replaces the loss, studies record per-layer statistics
/// every epoch (<see cref="OnEpoch"/>).
/// </summary>
public sealed class TrainingHooks
{
    /// <summary>Replaces the task's loss: (model output, input batch, target batch) → scalar loss.</summary>
    public Func<Tensor, Tensor, Tensor, Tensor>? Loss { get; init; }

    /// <summary>Called after backward, before the optimiser step (gradients may be edited).</summary>
    public Action<CondenseModel>? AfterBackward { get; init; }

    /// <summary>Called after each optimiser step (weights may be edited, under no_grad).</summary>
    public Action<CondenseModel>? AfterStep { get; init; }

    /// <summary>Called after each epoch's evaluation.</summary>
    public Action<EpochMetrics, CondenseModel>? OnEpoch { get; init; }

    /// <summary>Progress: (batches done in this epoch, batches per epoch, epoch).</summary>
    public Action<int, int, int>? OnBatch { get; init; }
}
