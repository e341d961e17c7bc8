namespace Condense.Models;

/// <summary>What one epoch achieved. <see cref="TestAccuracy"/> is null for reconstruction
/// models, whose <see cref="TestLoss"/> is the test MSE.</summary>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TestLoss, double? TestAccuracy, double LearningRate, double Seconds);

/// <summary>A model's quality on a data set: NLL loss and accuracy, or MSE for an autoencoder.</summary>
public sealed record Evaluation(double Loss, double? Accuracy, int Count)
{
    /// <summary>The headline number: accuracy for classifiers, MSE otherwise.</summary>
    public double Score => Accuracy ?? Loss;

    /// <inheritdoc/>
    public override string ToString() => Accuracy is { } a ? $"accuracy {a:P2}" : $"MSE {Loss:F5}";
}

/// <summary>What training produced: per-epoch metrics and the evaluation after the last epoch.</summary>
/// <param name="Epochs">Loss, accuracy and time of each epoch, in order.</param>
/// <param name="Final">The model's evaluation on the test split (or the training data when there is none) after the last epoch.</param>
public sealed record TrainingResult(IReadOnlyList<EpochMetrics> Epochs, Evaluation Final);
