using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// An <see cref="MlpModel"/> whose linear layers are <see cref="VariationalLinear"/>: the same
/// normalisation, ReLUs and output, trained by <see cref="Trainer"/> with the ELBO as its loss.
/// It is a training-time object only: <see cref="ToPruned"/> gives the plain MLP with θ ⊙ mask
/// that files store and every reader runs.
/// </summary>
public sealed class VariationalMlp : CondenseModel, IVariationalNetwork<MlpModel>
{
    readonly ModuleList<VariationalLinear> _layers = new();
    readonly MlpModel _template;

    /// <summary>Wraps <paramref name="start"/>'s weights (copied) as θ; the model itself is not changed. Its dropout is replaced by the variational noise (the pruned model has none).</summary>
    public VariationalMlp(MlpModel start, double logSigma2 = -10, double threshold = 3, double logSigma2Scale = 1)
        : base(nameof(VariationalMlp), start.Task)
    {
        _template = start;
        foreach (var (_, layer) in start.Layers)
            _layers.Add(new VariationalLinear(layer.weight!, layer.bias ?? zeros(layer.weight!.shape[0]), logSigma2, threshold, logSigma2Scale));
        register_module("layers", _layers);
    }

    /// <summary>The variational layers, in forward order.</summary>
    public IReadOnlyList<VariationalLinear> VariationalLayers => _layers.ToArray();

    /// <summary>None: the layers are variational, not <see cref="Linear"/>; see <see cref="ToPruned"/>.</summary>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => [];

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = _template.Normalization is { } n ? (input - n.Mean) / n.Std : input.alias();
        for (var i = 0; i < _layers.Count; i++)
        {
            var next = _layers[i].forward(x);
            x.Dispose();
            x = next;
            if (i + 1 < _layers.Count) x = nn.functional.relu(x, inplace: true);
        }
        Tensor output = IsClassifier ? nn.functional.log_softmax(x, 1) : sigmoid(x);
        x.Dispose();
        return output;
    }

    /// <summary>Σ KL over all layers (the ELBO's regulariser, in nats).</summary>
    public Tensor Kl() => _layers.Select(l => l.Kl()).Aggregate((a, b) => a + b);

    /// <summary>
    /// The deterministic network: a fresh <see cref="MlpModel"/> of the start's architecture with weights
    /// θ ⊙ mask, the mask being each layer's [log α ≤ threshold], or, with <paramref name="sparsity"/>, the
    /// weights ranked by log α over all layers and the largest share removed (<see cref="RankThreshold"/>).
    /// The global random generator is left as it was: building the model draws an initialisation that the
    /// copy overwrites, and those draws must not shift the noise of the training that asked for a report
    /// (the same seed gives the same bytes whether or not epochs are reported).
    /// </summary>
    public MlpModel ToPruned(double? sparsity = null)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var threshold = sparsity is { } s ? RankThreshold(s) : (double?)null;
        var generator = TorchSharp.torch.random.get_rng_state();
        MlpModel model;
        try { model = new MlpModel(_template.Kind, _template.Sizes, 0, _template.Normalization); }
        finally { TorchSharp.torch.random.set_rng_state(generator); }
        for (var i = 0; i < _layers.Count; i++)
        {
            var l = _layers[i];
            var mask = threshold is { } t ? l.LogAlpha().le(t).to(ScalarType.Float32) : l.Mask();
            var w = l.Theta.detach() * mask;
            w.masked_fill_(w.eq(0), 0f); // +0 for pruned entries, so files round-trip bit for bit
            model.Layers[i].Layer.weight!.copy_(w);
            model.Layers[i].Layer.bias!.copy_(l.Bias.detach());
        }
        model.eval();
        return model;
    }

    /// <summary>
    /// The log α below or at which weights are kept so that at least <paramref name="sparsity"/> of all
    /// weights (every layer together) go: the largest log α are pruned first. Sparse VD's fixed threshold
    /// (3) gives whatever sparsity the KL reached; ranking lets a caller ask for a sparsity and keep the
    /// weights VD found most informative. Ties at the clip (+8) all go, so the sparsity can exceed the target there.
    /// </summary>
    public double RankThreshold(double sparsity)
    {
        if (!(sparsity > 0 && sparsity < 1)) throw new CondenseException($"target sparsity {sparsity} must be in (0, 1)");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var all = cat(_layers.Select(l => l.LogAlpha().flatten()).ToArray());
        var count = all.numel();
        var pruned = (long)Math.Ceiling(sparsity * count - 1e-9);
        if (pruned >= count) pruned = count - 1;
        // the pruned-th largest value is the smallest that goes; keep what lies strictly below it
        var (values, _) = all.kthvalue(count - pruned + 1, 0, false);
        var kth = values.item<float>();
        return MathF.BitDecrement(kth); // a float, so the comparison with float log α is exact
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe() => _template.Describe();
}
