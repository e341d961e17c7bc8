using Condense.Data;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// A multi-layer perceptron: optional input normalisation, Linear + ReLU (+ dropout) per hidden
/// layer, and a log-softmax (classification) or sigmoid (reconstruction) output. The three
/// networks of our sources are presets of it (<see cref="MnistClassifier"/>,
/// <see cref="MnistAutoencoder"/>, <see cref="LeNet300100"/>).
/// </summary>
public class MlpModel : CondenseModel
{
    readonly List<(string Name, Linear Layer)> _layers = [];

    /// <summary>A multi-layer perceptron of widths <paramref name="sizes"/> (ReLU between layers; log-softmax out for a classifier, sigmoid for the autoencoder), with dropout between hidden layers.</summary>
    public MlpModel(ModelKind kind, IReadOnlyList<int> sizes, double dropout, Normalization? normalization)
        : base(kind.ToString(), kind == ModelKind.Autoencoder ? ModelTask.Reconstruction : ModelTask.Classification)
    {
        if (sizes.Count < 2 || sizes.Any(s => s <= 0))
            throw new CondenseException($"layer sizes [{string.Join(", ", sizes)}] must be at least two positive numbers");
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
            throw new CondenseException($"dropout {dropout} must be in [0, 1)");
        Kind = kind;
        Sizes = sizes.ToArray();
        Dropout = dropout;
        Normalization = normalization;
        for (var i = 0; i + 1 < sizes.Count; i++)
        {
            var name = $"fc{i + 1}";
            var layer = nn.Linear(sizes[i], sizes[i + 1]);
            register_module(name, layer);
            _layers.Add((name, layer));
        }
    }

    /// <summary>Which of Condense's networks this is (classifier, autoencoder), saved in the model file.</summary>
    public ModelKind Kind { get; }
    /// <summary>Layer widths, input first.</summary>
    public IReadOnlyList<int> Sizes { get; }
    /// <summary>Dropout probability between hidden layers while training.</summary>
    public double Dropout { get; }
    /// <summary>Input normalisation applied before the first layer, or null for none.</summary>
    public Normalization? Normalization { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => _layers;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = LayerStack.Forward(input, Normalization, [.. _layers.Select(l => (nn.Module<Tensor, Tensor>)l.Layer)], Dropout, training);
        Tensor output = Task == ModelTask.Classification ? nn.functional.log_softmax(x, 1) : sigmoid(x);
        x.Dispose();
        return output;
    }

    /// <summary>
    /// The output and the last hidden layer's activation (after ReLU) in one pass: data-free
    /// distillation (DAFL) rewards generated images on which the teacher's features are large.
    /// For a single-layer model (no hidden layer) the features are the input itself.
    /// </summary>
    public Tensor Forward(Tensor input, out Tensor features)
    {
        var x = LayerStack.Forward(input, Normalization, [.. _layers.Select(l => (nn.Module<Tensor, Tensor>)l.Layer)], Dropout, training, out var hidden);
        features = hidden ?? input.alias();
        Tensor output = Task == ModelTask.Classification ? nn.functional.log_softmax(x, 1) : sigmoid(x);
        x.Dispose();
        return output;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe()
    {
        var d = new Dictionary<string, string>
        {
            ["architecture"] = Kind.ToString(),
            ["sizes"] = string.Join(",", Sizes),
            ["dropout"] = Dropout.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        };
        if (Normalization is { } n)
        {
            d["normalization.mean"] = n.Mean.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            d["normalization.std"] = n.Std.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        }
        return d;
    }
}

/// <summary>784-1000-1000-10 with dropout (default 0.5): the classifier our sources compress.</summary>
public sealed class MnistClassifier(double dropout = 0.5, Normalization? normalization = null)
    : MlpModel(ModelKind.Classifier, [784, 1000, 1000, 10], dropout, normalization ?? Data.Normalization.Mnist);

/// <summary>784-1000-256-256-1000-784 autoencoder (2,148,832 parameters), pixels in, pixels out.</summary>
public sealed class MnistAutoencoder()
    : MlpModel(ModelKind.Autoencoder, [784, 1000, 256, 256, 1000, 784], 0, null);

/// <summary>LeNet-300-100: the fully connected network of Deep Compression's MNIST results.</summary>
public sealed class LeNet300100(double dropout = 0, Normalization? normalization = null)
    : MlpModel(ModelKind.LeNet300, [784, 300, 100, 10], dropout, normalization ?? Data.Normalization.Mnist);
