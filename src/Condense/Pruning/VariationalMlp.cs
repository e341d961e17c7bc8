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
public sealed class VariationalMlp : CondenseModel
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

    /// <summary>The deterministic network: a fresh <see cref="MlpModel"/> of the start's architecture with weights θ ⊙ [log α ≤ threshold].</summary>
    public MlpModel ToPruned()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var model = new MlpModel(_template.Kind, _template.Sizes, 0, _template.Normalization);
        for (var i = 0; i < _layers.Count; i++)
        {
            var l = _layers[i];
            var w = l.Theta.detach() * l.Mask();
            w.masked_fill_(w.eq(0), 0f); // +0 for pruned entries, so files round-trip bit for bit
            model.Layers[i].Layer.weight!.copy_(w);
            model.Layers[i].Layer.bias!.copy_(l.Bias.detach());
        }
        model.eval();
        return model;
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe() => _template.Describe();
}
