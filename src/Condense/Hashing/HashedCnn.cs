using System.Globalization;
using Condense.Models;
using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Hashing;

/// <summary>
/// HashedNets on a CNN: the ordinary network (<see cref="Net"/>: LeNet-5, VGG or ResNet, its own
/// forward pass) whose every convolution kernel and Linear weight is virtual, read from a
/// <see cref="HashedKernel"/> pool factor-times smaller (per layer, seeds from
/// <see cref="WeightHash.SeedFor"/> with the layer's index in <see cref="CondenseModel.WeightLayers"/>
/// order). The network's layers run through <see cref="CnnModel.LayerForward"/>, so no
/// architecture's forward is written twice. Biases, BatchNorm scales, shifts and running
/// statistics stay real (they are ≈ 1 % of LeNet-5's parameters); the dense weight tensors of
/// <see cref="Net"/> are frozen and unused: neither trained, counted nor saved.
/// </summary>
public sealed class HashedCnn : CondenseModel
{
    /// <summary>The <c>architecture</c> metadata value of a hashed CNN file.</summary>
    public const string ArchitectureName = "HashedCnn";

    readonly CnnModel _net;
    readonly List<(WeightLayer Layer, ConvUnit? Unit, HashedKernel Kernel)> _layers = [];
    readonly Dictionary<nn.Module, int> _index = new(ReferenceEqualityComparer.Instance);

    /// <summary>Hashes every conv and Linear weight of <paramref name="net"/> (which this model now owns) as <paramref name="options"/> say.</summary>
    public HashedCnn(CnnModel net, HashingOptions options) : base(ArchitectureName, ModelTask.Classification)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Variant != HashingVariant.Hashed)
            throw new CondenseException($"hashing variant {options.Variant}: CNNs are hashed with HashedNets only");
        _net = net;
        Options = options;
        var units = new Dictionary<nn.Module, ConvUnit>(ReferenceEqualityComparer.Instance);
        foreach (var u in net.ConvUnits) units[u.Conv] = u;
        var layers = net.WeightLayers;
        var entries = layers.Sum(l => l.Weight.numel()) * options.Hashes;
        if (entries > HashedModelFile.MaxTableEntries)
            throw new CondenseException($"{net.Architecture}: {entries:N0} virtual weights × hashes exceed the {HashedModelFile.MaxTableEntries:N0} a hashed network may have");
        register_module("net", net);
        for (var l = 0; l < layers.Count; l++)
        {
            if (layers[l].IsConvolution && !units.ContainsKey(layers[l].Module))
                throw new CondenseException($"{layers[l].Name}: a convolution that is no conv unit of the network");
            var weight = layers[l].Weight;
            weight.requires_grad_(false);
            var kernel = new HashedKernel(weight.shape, options.PoolSize(weight.numel()), options.Reduction,
                HashedModelFile.Seeds(options, l), options.SeparateBuckets);
            register_module($"{layers[l].Name}_hash", kernel);
            _index[layers[l].Module] = l;
            _layers.Add((layers[l], units.GetValueOrDefault(layers[l].Module), kernel));
        }
        net.LayerForward = LayerForward;
    }

    /// <summary>The network whose layers are hashed (its dense weights unused).</summary>
    public CnnModel Net => _net;

    /// <summary>The hashing settings; saved with the model so a load rebuilds the same hash functions.</summary>
    public HashingOptions Options { get; }

    /// <summary>The hashed layers in <see cref="CondenseModel.WeightLayers"/> order of <see cref="Net"/>: name, virtual shape and pool size.</summary>
    public IReadOnlyList<(string Name, IReadOnlyList<long> Shape, long PoolSize)> HashedLayers =>
        _layers.Select(l => (l.Layer.Name, l.Kernel.Shape, l.Kernel.PoolSize)).ToArray();

    /// <summary>None: the weights are virtual.</summary>
    public override IReadOnlyList<(string Name, TorchSharp.Modules.Linear Layer)> Layers => [];

    /// <summary>None, so no pruning mask touches the frozen dense weights.</summary>
    public override IReadOnlyList<WeightLayer> WeightLayers => [];

    /// <summary>The real state by file name: each layer's pool (<c>conv1.pool</c>), then every parameter and float buffer of <see cref="Net"/> but the hashed weights (biases, BatchNorm).</summary>
    public IReadOnlyList<(string Name, Tensor Value)> RealState
    {
        get
        {
            var hashed = new HashSet<Tensor>(_layers.Select(l => l.Layer.Weight), ReferenceEqualityComparer.Instance);
            return _layers.Select(l => ($"{l.Layer.Name}.pool", (Tensor)l.Kernel.Pool))
                .Concat(_net.named_parameters().Where(p => !hashed.Contains(p.parameter)).Select(p => (p.name, (Tensor)p.parameter)))
                .Concat(_net.named_buffers().Where(b => b.buffer.dtype == ScalarType.Float32).Select(b => (b.name, b.buffer)))
                .ToArray();
        }
    }

    /// <summary>Trainable numbers: pools, biases and BatchNorm scales and shifts.</summary>
    public long RealParameterCount => RealState.Where(s => s.Value is TorchSharp.Modules.Parameter).Sum(s => s.Value.numel());

    /// <summary>Parameters of the dense network: the virtual weights instead of the pools.</summary>
    public long VirtualParameterCount => RealParameterCount - _layers.Sum(l => l.Kernel.PoolSize) + _layers.Sum(l => l.Layer.Weight.numel());

    /// <summary>Virtual / real parameters, biases and BatchNorm counted on both sides.</summary>
    public double CompressionFactor => (double)VirtualParameterCount / RealParameterCount;

    /// <summary>Layer <paramref name="i"/>'s virtual weight (a fresh tensor, differentiable in its pool).</summary>
    public Tensor VirtualWeight(int i) => _layers[i].Kernel.VirtualWeight();

    /// <summary>Layer <paramref name="i"/>'s hash tables: m × numel bucket indices and signs.</summary>
    public (Tensor Index, Tensor Sign, Tensor Pool, HashReduction Reduction) Tables(int i) =>
        (_layers[i].Kernel.Index, _layers[i].Kernel.Sign, _layers[i].Kernel.Pool, _layers[i].Kernel.Reduction);

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => _net.forward(input);

    Tensor LayerForward(nn.Module<Tensor, Tensor> layer, Tensor x)
    {
        if (!_index.TryGetValue(layer, out var i)) return layer.forward(x);
        var (weightLayer, unit, kernel) = _layers[i];
        using var w = kernel.VirtualWeight();
        return unit is { } u
            ? nn.functional.conv2d(x, w, weightLayer.Bias, strides: [u.Stride, u.Stride], padding: [u.Padding, u.Padding], groups: u.Groups)
            : nn.functional.linear(x, w, weightLayer.Bias);
    }

    /// <summary>The network's metadata with <c>architecture</c> = HashedCnn, the hashed network in <c>cnn.architecture</c> and the hashing settings.</summary>
    public override IReadOnlyDictionary<string, string> Describe()
    {
        var d = new Dictionary<string, string>(_net.Describe())
        {
            ["architecture"] = ArchitectureName,
            ["cnn.architecture"] = _net.Architecture,
            ["hashing.factor"] = Options.Factor.ToString("R", CultureInfo.InvariantCulture),
            ["hashing.hashes"] = Options.Hashes.ToString(CultureInfo.InvariantCulture),
            ["hashing.reduction"] = Options.Reduction.ToString(),
            ["hashing.seed"] = Options.Seed.ToString(CultureInfo.InvariantCulture),
            ["hashing.buckets"] = Options.SeparateBuckets ? "separate" : "shared",
        };
        for (var l = 0; l < _layers.Count; l++)
            d[$"{_layers[l].Layer.Name}.hash_seeds"] = string.Join(",", HashedModelFile.Seeds(Options, l).Select(s => s.ToString("x16", CultureInfo.InvariantCulture)));
        return d;
    }

    /// <summary>Stops the network's layers from calling back into this (disposed) wrapper.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _net.LayerForward = null;
        base.Dispose(disposing);
    }
}
