namespace Condense.Data;

/// <summary>
/// Input normalisation x' = (x − Mean) / Std for pixels x in [0, 1], applied by a model as its
/// first step. The defaults are PyTorch's MNIST statistics (0.1307, 0.3081); some of our sources
/// print 0.3881, a typo, which is one reason it is a setting.
/// </summary>
public sealed record Normalization(float Mean = 0.1307f, float Std = 0.3081f)
{
    /// <summary>PyTorch's MNIST statistics (mean 0.1307, std 0.3081): the normalisation every Condense MNIST model uses.</summary>
    public static Normalization Mnist { get; } = new();
}
