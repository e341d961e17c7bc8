using System.Globalization;
using Condense.Data;
using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>
/// Creates Condense's CNNs by CLI name (lenet5, vgg, resnet) with seeded initial weights, and
/// rebuilds them from a model file's metadata.
/// </summary>
public static class CnnFactory
{
    /// <summary>The CLI names of the CNNs.</summary>
    public static IReadOnlyList<string> Names { get; } = ["lenet5", "vgg", "resnet"];

    /// <summary>The architectures written to model files.</summary>
    public static IReadOnlyList<string> Architectures { get; } = ["LeNet5", "Vgg", "ResNet"];

    /// <summary>Whether <paramref name="name"/> names a CNN (CLI name, any case).</summary>
    public static bool IsCnn(string name) => Names.Contains(name.ToLowerInvariant());

    /// <summary>Fashion-MNIST's pixel mean and standard deviation (over its 60,000 training images).</summary>
    public static Normalization FashionNormalization { get; } = new(0.2860f, 0.3530f);

    /// <summary>The normalisation for a data set name (MNIST's for anything but fashion).</summary>
    public static Normalization NormalizationFor(string? dataSet) =>
        dataSet == DataSets.Fashion ? FashionNormalization : Normalization.Mnist;

    /// <param name="name">lenet5, vgg or resnet.</param>
    /// <param name="seed">Seeds the initial weights.</param>
    /// <param name="dataSet">Picks the input normalisation.</param>
    /// <param name="config">VGG configuration (<see cref="VggNet.DefaultConfig"/> when null); ResNet width when a number.</param>
    public static CnnModel Create(string name, int seed, string? dataSet = null, string? config = null)
    {
        manual_seed(seed);
        var n = NormalizationFor(dataSet);
        return name.ToLowerInvariant() switch
        {
            "lenet5" => new LeNet5(n),
            "vgg" => new VggNet(config ?? VggNet.DefaultConfig, true, n),
            "resnet" => new ResNet(config is null ? 8 : int.Parse(config, CultureInfo.InvariantCulture), 1, n),
            _ => throw new CondenseException($"unknown CNN '{name}' (known: {string.Join(", ", Names)})"),
        };
    }

    static ConvOrder OrderOf(IReadOnlyDictionary<string, string> metadata, string source) =>
        !metadata.TryGetValue("order", out var o) ? ConvOrder.ConvBnReluPool
        : o == VggNet.OrderName ? ConvOrder.ConvReluPoolBn
        : throw new InvalidFileException(source, $"unknown VGG layer order '{o}' (known: {VggNet.OrderName})");

    /// <summary>Rebuilds the (untrained) network a model file's metadata describes.</summary>
    public static CnnModel Build(IReadOnlyDictionary<string, string> metadata, string source)
    {
        string Get(string key) => metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidFileException(source, $"CNN metadata has no '{key}'");
        Normalization? n = null;
        if (metadata.TryGetValue("normalization.mean", out var mean) && metadata.TryGetValue("normalization.std", out var std)
            && float.TryParse(mean, CultureInfo.InvariantCulture, out var m) && float.TryParse(std, CultureInfo.InvariantCulture, out var s))
            n = new Normalization(m, s);
        try
        {
            return Get("architecture") switch
            {
                "LeNet5" => new LeNet5(n, metadata.TryGetValue("width", out var w) ? double.Parse(w, NumberStyles.Float, CultureInfo.InvariantCulture) : 1),
                "Vgg" => new VggNet(Get("config"), Get("batch_norm") == "true", n, order: OrderOf(metadata, source)),
                "ResNet" => new ResNet(int.Parse(Get("width"), CultureInfo.InvariantCulture), int.Parse(Get("blocks"), CultureInfo.InvariantCulture), n),
                var other => throw new InvalidFileException(source, $"unknown CNN architecture '{other}'"),
            };
        }
        catch (Exception ex) when (ex is CondenseException or FormatException or OverflowException)
        {
            throw new InvalidFileException(source, ex.Message);
        }
    }
}
