namespace Condense.Models;

/// <summary>What one epoch achieved. <see cref="TestAccuracy"/> is null for reconstruction
/// models, whose <see cref="TestLoss"/> is the test MSE.</summary>
public sealed record EpochMetrics(int Epoch, double TrainLoss, double TestLoss, double? TestAccuracy, double LearningRate, double Seconds);

/// <summary>A model's quality on a data set: NLL loss and accuracy, or MSE for an autoencoder.</summary>
public sealed record Evaluation(double Loss, double? Accuracy, int Count)
{
    /// <summary>The headline number: accuracy for classifiers, MSE otherwise.</summary>
    public double Score => Accuracy ?? Loss;

    public override string ToString() => Accuracy is { } a ? $"accuracy {a:P2}" : $"MSE {Loss:F5}";
}

public sealed record TrainingResult(IReadOnlyList<EpochMetrics> Epochs, Evaluation Final);
