namespace Condense.Models;

/// <summary>The networks our sources study, all multi-layer perceptrons on 28×28 digits.</summary>
public enum ModelKind
{
    /// <summary>784-1000-1000-10, ReLU, dropout after each hidden layer, log-softmax.</summary>
    Classifier,
    /// <summary>784-1000-256-256-1000-784, ReLU, sigmoid output, trained to reproduce its input.</summary>
    Autoencoder,
    /// <summary>LeNet-300-100 (784-300-100-10), the Deep Compression benchmark network.</summary>
    LeNet300,
}

/// <summary>What a model is trained to do, which fixes its loss and its quality measure.</summary>
public enum ModelTask
{
    /// <summary>Log-probabilities over classes; NLL loss; judged by accuracy.</summary>
    Classification,
    /// <summary>Reproduce the input pixels; MSE loss; judged by MSE.</summary>
    Reconstruction,
}
