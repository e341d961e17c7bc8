using System.Globalization;
using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>
/// A multi-layer perceptron whose every weight matrix is hashed (HashedNets hashes all layers,
/// the output layer included): the same forward pass as <see cref="MlpModel"/> — normalisation,
/// ReLU and dropout between layers, log-softmax out — over <see cref="IVirtualLinear"/> layers.
/// It has no <see cref="Linear"/> layers, so <see cref="Layers"/> is empty; <see cref="ToDense"/>
/// materialises the virtual weights into an ordinary <see cref="MlpModel"/> (for export, or for
/// methods that work on Linear layers).
/// </summary>
public sealed class HashedMlp : CondenseModel
{
    readonly List<(string Name, IVirtualLinear Layer)> _layers = [];
    readonly List<nn.Module<Tensor, Tensor>> _modules = [];

    /// <summary>A hashed MLP of layer widths <paramref name="sizes"/>: each layer's virtual weights read a pool of factor-times fewer real weights through hash functions set by <paramref name="options"/>.</summary>
    public HashedMlp(IReadOnlyList<int> sizes, HashingOptions options, double dropout = 0, Normalization? normalization = null)
        : base("HashedMlp", ModelTask.Classification)
    {
        if (sizes.Count < 2 || sizes.Any(s => s <= 0))
            throw new CondenseException($"layer sizes [{string.Join(", ", sizes)}] must be at least two positive numbers");
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
            throw new CondenseException($"dropout {dropout} must be in [0, 1)");
        Sizes = sizes.ToArray();
        Options = options;
        Dropout = dropout;
        Normalization = normalization ?? Data.Normalization.Mnist;
        for (var l = 0; l + 1 < sizes.Count; l++)
        {
            var name = $"fc{l + 1}";
            var pool = options.PoolSize((long)sizes[l] * sizes[l + 1]);
            nn.Module<Tensor, Tensor> layer = options.Variant switch
            {
                HashingVariant.Hashed => new HashedLinear(sizes[l], sizes[l + 1], pool, options.Reduction,
                    Enumerable.Range(0, options.Hashes).Select(k => WeightHash.SeedFor(options.Seed, l, k)).ToArray(), options.SeparateBuckets),
                HashingVariant.Structured => new StructuredHashedLinear(sizes[l], sizes[l + 1], pool),
                _ => throw new CondenseException($"unknown hashing variant '{options.Variant}'"),
            };
            register_module(name, layer);
            _modules.Add(layer);
            _layers.Add((name, (IVirtualLinear)layer));
        }
    }

    /// <summary>Layer widths, input first.</summary>
    public IReadOnlyList<int> Sizes { get; }
    /// <summary>The hashing settings (factor, hashes, reduction, seed) the layers were built with; saved with the model so a load rebuilds the same hash functions.</summary>
    public HashingOptions Options { get; }
    /// <summary>Dropout probability between hidden layers while training.</summary>
    public double Dropout { get; }
    /// <summary>Input normalisation applied before the first layer.</summary>
    public Normalization Normalization { get; }

    /// <summary>Always empty: a hashed network has no <see cref="Linear"/> layers (see <see cref="VirtualLayers"/>).</summary>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => [];

    /// <summary>The hashed layers by name, with their real and virtual sizes, for reports and the ONNX exporter.</summary>
    public IReadOnlyList<(string Name, IVirtualLinear Layer)> VirtualLayers => _layers;

    /// <summary>Weights and biases of the equivalent dense network.</summary>
    public long VirtualParameterCount => _layers.Sum(l => (long)l.Layer.InFeatures * l.Layer.OutFeatures + l.Layer.OutFeatures);

    /// <summary>Trainable numbers: pools (or U, V) and biases.</summary>
    public long RealParameterCount => _layers.Sum(l => l.Layer.RealWeights + l.Layer.OutFeatures);

    /// <summary>Virtual / real parameters, biases counted on both sides.</summary>
    public double CompressionFactor => (double)VirtualParameterCount / RealParameterCount;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = LayerStack.Forward(input, Normalization, _modules, Dropout, training);
        var output = nn.functional.log_softmax(x, 1);
        x.Dispose();
        return output;
    }

    /// <summary>An ordinary MLP holding this network's virtual weights: same outputs, no compression.</summary>
    public MlpModel ToDense()
    {
        var dense = new MlpModel(ModelKind.Classifier, Sizes, Dropout, Normalization);
        using var _ = no_grad();
        for (var i = 0; i < _layers.Count; i++)
        {
            using var w = _layers[i].Layer.VirtualWeight();
            dense.Layers[i].Layer.weight!.copy_(w);
            dense.Layers[i].Layer.bias!.copy_(_layers[i].Layer.Bias);
        }
        return dense;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe()
    {
        var d = Description();
        // Only written when set, so files of shared-pool networks keep their bytes.
        if (Options.SeparateBuckets) d["hashing.buckets"] = "separate";
        return d;
    }

    Dictionary<string, string> Description() => new()
    {
        ["architecture"] = "Hashed",
        ["sizes"] = string.Join(",", Sizes),
        ["dropout"] = Dropout.ToString("R", CultureInfo.InvariantCulture),
        ["hashing.factor"] = Options.Factor.ToString("R", CultureInfo.InvariantCulture),
        ["hashing.hashes"] = Options.Hashes.ToString(CultureInfo.InvariantCulture),
        ["hashing.reduction"] = Options.Reduction.ToString(),
        ["hashing.variant"] = Options.Variant.ToString(),
        ["hashing.seed"] = Options.Seed.ToString(CultureInfo.InvariantCulture),
        ["normalization.mean"] = Normalization.Mean.ToString("R", CultureInfo.InvariantCulture),
        ["normalization.std"] = Normalization.Std.ToString("R", CultureInfo.InvariantCulture),
    };
}
