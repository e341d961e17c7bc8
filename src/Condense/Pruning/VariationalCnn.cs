using Condense.Models;
using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// Sparse variational dropout on a CNN (Molchanov, Ashukha &amp; Vetrov, ICML 2017, who apply it to
/// LeNet-5's convolutions too): every conv kernel weight and every Linear weight is Gaussian,
/// w ~ N(θ, σ²), with its own log σ². A training-time object only, like <see cref="VariationalMlp"/>:
/// <see cref="ToPruned"/> gives the plain CNN with θ ⊙ mask that files store and every reader runs.
/// </summary>
/// <remarks>
/// θ are the weights of a copy of the start network (its BatchNorms, biases and pooling train and run
/// as they are); the copy's conv and Linear layers run through <see cref="CnnModel.LayerForward"/>.
/// Training uses the local reparameterisation trick for each layer: the output is
/// N(f(x, θ) + b, f(x², σ²)) with f the layer's own operation — for a convolution, the convolution of
/// the input with θ for the mean and of x² with σ² for the variance (same stride, padding and groups),
/// one draw per output value. In evaluation mode each layer runs with θ ⊙ [log α ≤ threshold], exactly
/// what the pruned network computes. log α = log σ² − log(θ² + 1e-8), clipped to ±8, and the KL per
/// weight is <see cref="VariationalLinear.KlApproximation"/> — the same as the MLP's layers.
/// </remarks>
public sealed class VariationalCnn : CondenseModel, IVariationalNetwork<CnnModel>
{
    readonly CnnModel _net;
    readonly WeightLayer[] _layers;
    readonly ConvUnit?[] _units;
    readonly TorchSharp.Modules.Parameter[] _logSigma2;
    readonly Dictionary<nn.Module, int> _index = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Copies <paramref name="start"/> (which is not changed) and gives every conv and Linear weight
    /// log σ² = <paramref name="logSigma2"/>; <paramref name="logSigma2Scale"/> multiplies log σ²'s
    /// learning rate alone, as in <see cref="VariationalLinear"/>.
    /// </summary>
    public VariationalCnn(CnnModel start, double logSigma2 = -10, double threshold = 3, double logSigma2Scale = 1)
        : base(nameof(VariationalCnn), ModelTask.Classification)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (!(logSigma2Scale > 0 && logSigma2Scale <= 1000)) throw new CondenseException($"log σ² rate scale {logSigma2Scale} must be in (0, 1000]");
        _net = Copy(start);
        _net.train(start.training);
        Threshold = threshold;
        LogSigma2Scale = logSigma2Scale;
        _layers = _net.WeightLayers.ToArray();
        var units = new Dictionary<nn.Module, ConvUnit>(ReferenceEqualityComparer.Instance);
        foreach (var u in _net.ConvUnits) units[u.Conv] = u;
        _units = _layers.Select(l => units.GetValueOrDefault(l.Module)).ToArray();
        _logSigma2 = new TorchSharp.Modules.Parameter[_layers.Length];
        register_module("net", _net);
        for (var i = 0; i < _layers.Length; i++)
        {
            if (_layers[i].IsConvolution && _units[i] is null) throw new CondenseException($"{_layers[i].Name}: a convolution that is no conv unit of the network");
            _index[_layers[i].Module] = i;
            using (no_grad()) _logSigma2[i] = new TorchSharp.Modules.Parameter(full_like(_layers[i].Weight.detach(), logSigma2 / logSigma2Scale));
            register_parameter($"log_sigma2_{_layers[i].Name}", _logSigma2[i]);
        }
        _net.LayerForward = LayerForward;
    }

    /// <summary>Weights with log α above this are pruned (3 in the paper).</summary>
    public double Threshold { get; }

    /// <summary>log σ² = this × the stored parameter (see <see cref="VariationalLinear"/>).</summary>
    public double LogSigma2Scale { get; }

    /// <summary>The weight layers (convolutions, then the head) whose weights are θ, in <see cref="CondenseModel.WeightLayers"/> order of the start.</summary>
    public IReadOnlyList<WeightLayer> VariationalLayers => _layers;

    /// <summary>None: the layers are variational; see <see cref="ToPruned"/>.</summary>
    public override IReadOnlyList<(string Name, TorchSharp.Modules.Linear Layer)> Layers => [];

    /// <summary>None, so no pruning mask is set on θ while it trains.</summary>
    public override IReadOnlyList<WeightLayer> WeightLayers => [];

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => _net.forward(input);

    /// <summary>log σ² of layer <paramref name="i"/>'s weights.</summary>
    public Tensor LogSigma2(int i) => LogSigma2Scale == 1 ? _logSigma2[i].alias() : _logSigma2[i] * LogSigma2Scale;

    /// <summary>log α = log σ² − log(θ² + 1e-8) of layer <paramref name="i"/>, clipped to ±8.</summary>
    public Tensor LogAlpha(int i)
    {
        using var logSigma2 = LogSigma2(i);
        using var theta2 = _layers[i].Weight.square() + 1e-8f;
        using var logTheta2 = theta2.log();
        using var diff = logSigma2 - logTheta2;
        return diff.clamp(-VariationalLinear.LogAlphaClip, VariationalLinear.LogAlphaClip);
    }

    /// <summary>1 where layer <paramref name="i"/>'s weight is kept (log α ≤ threshold), 0 where it is pruned.</summary>
    public Tensor Mask(int i)
    {
        using var _ = no_grad();
        using var la = LogAlpha(i);
        return la.le(Threshold).to(ScalarType.Float32);
    }

    /// <summary>Σ KL over every conv and Linear weight (nats).</summary>
    public Tensor Kl() => Enumerable.Range(0, _layers.Length).Select(i =>
    {
        using var la = LogAlpha(i);
        using var kl = VariationalLinear.KlApproximation(la);
        return kl.sum();
    }).Aggregate((a, b) => a + b);

    Tensor LayerForward(nn.Module<Tensor, Tensor> layer, Tensor x)
    {
        if (!_index.TryGetValue(layer, out var i)) return layer.forward(x);
        var theta = _layers[i].Weight;
        var bias = _layers[i].Bias;
        if (!training)
        {
            using var mask = Mask(i);
            using var w = theta * mask;
            return Apply(i, x, w, bias);
        }
        var (mean, variance) = Moments(i, x);
        using (mean)
        using (variance)
        {
            using var std = (variance + 1e-8f).sqrt();
            using var noise = randn_like(mean);
            return mean + std * noise;
        }
    }

    /// <summary>
    /// The local reparameterisation of layer <paramref name="i"/> on input <paramref name="x"/>: the
    /// mean f(x, θ) + b and the variance f(x², σ²) of its Gaussian output (f its convolution or Linear map),
    /// from which training draws one sample per output value.
    /// </summary>
    public (Tensor Mean, Tensor Variance) Moments(int i, Tensor x)
    {
        var theta = _layers[i].Weight;
        var mean = Apply(i, x, theta, _layers[i].Bias);
        using var logAlpha = LogAlpha(i);
        using var sigma2 = logAlpha.exp() * theta.square();
        using var x2 = x.square();
        return (mean, Apply(i, x2, sigma2, null));
    }

    /// <summary>Layer <paramref name="i"/>'s operation with weight <paramref name="w"/>: its convolution (stride, padding, groups) or a Linear map.</summary>
    Tensor Apply(int i, Tensor x, Tensor w, Tensor? b) => _units[i] is { } u
        ? nn.functional.conv2d(x, w, b, strides: [u.Stride, u.Stride], padding: [u.Padding, u.Padding], groups: u.Groups)
        : nn.functional.linear(x, w, b);

    /// <summary>
    /// The deterministic network: a fresh CNN of the start's architecture with every parameter and
    /// BatchNorm statistic of the trained copy, its conv and Linear weights θ ⊙ mask (the mask
    /// [log α ≤ threshold], or with <paramref name="sparsity"/> the weights ranked by log α over all
    /// layers, <see cref="RankThreshold"/>). The global random generator is left as it was.
    /// </summary>
    public CnnModel ToPruned(double? sparsity = null)
    {
        var threshold = sparsity is { } s ? RankThreshold(s) : (double?)null;
        var model = Copy(_net);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var target = model.WeightLayers;
        for (var i = 0; i < _layers.Length; i++)
        {
            var mask = threshold is { } t ? LogAlpha(i).le(t).to(ScalarType.Float32) : Mask(i);
            var w = _layers[i].Weight.detach() * mask;
            w.masked_fill_(w.eq(0), 0f); // +0 for pruned entries, so files round-trip bit for bit
            target[i].Weight.copy_(w);
        }
        model.eval();
        return model;
    }

    /// <summary>The log α at or below which weights are kept so that at least <paramref name="sparsity"/> of all conv and Linear weights go (as <see cref="VariationalMlp.RankThreshold"/>).</summary>
    public double RankThreshold(double sparsity)
    {
        if (!(sparsity > 0 && sparsity < 1)) throw new CondenseException($"target sparsity {sparsity} must be in (0, 1)");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var all = cat(Enumerable.Range(0, _layers.Length).Select(i => LogAlpha(i).flatten()).ToArray());
        var count = all.numel();
        var pruned = (long)Math.Ceiling(sparsity * count - 1e-9);
        if (pruned >= count) pruned = count - 1;
        var (values, _) = all.kthvalue(count - pruned + 1, 0, false);
        return MathF.BitDecrement(values.item<float>());
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe() => _net.Describe();

    /// <summary>Stops the copy's layers from calling back into this (disposed) wrapper.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _net.LayerForward = null;
        base.Dispose(disposing);
    }

    /// <summary>A new CNN of <paramref name="source"/>'s architecture with its parameters and BatchNorm statistics, built without moving the global random generator.</summary>
    static CnnModel Copy(CnnModel source)
    {
        var generator = random.get_rng_state();
        CnnModel copy;
        try { copy = CnnFactory.Build(source.Describe(), source.Architecture); }
        finally { random.set_rng_state(generator); }
        return ModelFile.WithWeights(copy, ModelFile.Weights(source), source.Architecture);
    }
}
