using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>Creates models with seeded initial weights (the same seed gives the same bytes).</summary>
public static class ModelFactory
{
    /// <summary>A fresh <paramref name="kind"/> network with weights drawn from <paramref name="seed"/> (TorchSharp's generator is seeded first), so the same seed gives the same bytes.</summary>
    public static MlpModel Create(ModelKind kind, int seed, double? dropout = null)
    {
        manual_seed(seed);
        return kind switch
        {
            ModelKind.Classifier => new MnistClassifier(dropout ?? 0.5),
            ModelKind.Autoencoder => new MnistAutoencoder(),
            ModelKind.LeNet300 => new LeNet300100(dropout ?? 0),
            _ => throw new CondenseException($"unknown model kind '{kind}'"),
        };
    }

    /// <summary>Parses the CLI's names: classifier, autoencoder, lenet300.</summary>
    public static ModelKind ParseKind(string name) => name.ToLowerInvariant() switch
    {
        "classifier" => ModelKind.Classifier,
        "autoencoder" => ModelKind.Autoencoder,
        "lenet300" or "lenet300100" or "lenet-300-100" => ModelKind.LeNet300,
        _ => throw new CondenseException($"unknown model '{name}' (known: classifier, autoencoder, lenet300, lenet5, vgg, resnet)"),
    };
}
