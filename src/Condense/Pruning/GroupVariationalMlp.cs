using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// An <see cref="MlpModel"/>'s layers (copied, plain <see cref="Linear"/>) with a <see cref="NeuronGate"/>
/// after every hidden layer's ReLU: group variational dropout, whose KL removes whole neurons. A
/// training-time object only: <see cref="ToPruned"/> gives the plain MLP (removed neurons zeroed,
/// μ folded into the next layer) and <see cref="ToCompacted"/> the smaller MLP without them.
/// </summary>
public sealed class GroupVariationalMlp : CondenseModel
{
    readonly ModuleList<Linear> _linears = new();
    readonly ModuleList<NeuronGate> _gates = new();
    readonly MlpModel _template;

    /// <summary>Copies <paramref name="start"/>'s weights; the start is not changed. Its dropout is replaced by the gates' noise.</summary>
    public GroupVariationalMlp(MlpModel start, double logSigma2 = -10, double threshold = 3, double logSigma2Scale = 1)
        : base(nameof(GroupVariationalMlp), start.Task)
    {
        if (start.Layers.Count < 2) throw new CondenseException("group variational dropout removes hidden neurons: the model has no hidden layer");
        _template = start;
        using var _ = no_grad();
        foreach (var (_, layer) in start.Layers)
        {
            var copy = nn.Linear(layer.weight!.shape[1], layer.weight.shape[0]);
            copy.weight!.copy_(layer.weight);
            if (layer.bias is { } b) copy.bias!.copy_(b); else copy.bias!.zero_();
            _linears.Add(copy);
        }
        for (var i = 0; i + 1 < _linears.Count; i++)
            _gates.Add(new NeuronGate((int)_linears[i].weight!.shape[0], logSigma2, threshold, logSigma2Scale, fanOut: (int)_linears[i + 1].weight!.shape[0]));
        register_module("layers", _linears);
        register_module("gates", _gates);
    }

    /// <summary>One gate per hidden layer, in forward order.</summary>
    public IReadOnlyList<NeuronGate> Gates => _gates.ToArray();

    /// <summary>None: the layers are gated; see <see cref="ToPruned"/>.</summary>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => [];

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = _template.Normalization is { } n ? (input - n.Mean) / n.Std : input.alias();
        for (var i = 0; i < _linears.Count; i++)
        {
            var next = _linears[i].forward(x);
            x.Dispose();
            x = next;
            if (i + 1 < _linears.Count)
            {
                x = nn.functional.relu(x, inplace: true);
                next = _gates[i].forward(x);
                x.Dispose();
                x = next;
            }
        }
        Tensor output = IsClassifier ? nn.functional.log_softmax(x, 1) : sigmoid(x);
        x.Dispose();
        return output;
    }

    /// <summary>Σ KL over all gates (nats): the regulariser that removes neurons.</summary>
    public Tensor Kl() => _gates.Select(g => g.Kl()).Aggregate((a, b) => a + b);

    /// <summary>Neurons kept per hidden layer (log α ≤ threshold).</summary>
    public int[] KeptNeurons()
    {
        using var _ = no_grad();
        return _gates.Select(g => { using var m = g.Mask(); using var s = m.sum(); return (int)s.item<float>(); }).ToArray();
    }

    /// <summary>
    /// The deterministic network in the start's shape: a removed neuron's incoming row, bias and
    /// outgoing column are zero; a kept neuron's μ is folded into its outgoing column. Computes what
    /// this model computes in eval mode. The global random generator is left as it was (the fresh
    /// model's initialisation is overwritten), so reports during training do not shift its noise.
    /// </summary>
    public MlpModel ToPruned()
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var state = random.get_rng_state();
        MlpModel model;
        try { model = new MlpModel(_template.Kind, _template.Sizes, 0, _template.Normalization); }
        finally { random.set_rng_state(state); }
        var weights = _linears.Select(l => l.weight!.detach().clone()).ToArray();
        var biases = _linears.Select(l => l.bias!.detach().clone()).ToArray();
        for (var i = 0; i < _gates.Count; i++)
        {
            var mask = _gates[i].Mask();
            weights[i] = weights[i] * mask.unsqueeze(1);
            biases[i] = biases[i] * mask;
            weights[i + 1] = weights[i + 1] * (_gates[i].Mu.detach() * mask).unsqueeze(0);
        }
        for (var i = 0; i < weights.Length; i++)
        {
            weights[i].masked_fill_(weights[i].eq(0), 0f); // +0, so files round-trip bit for bit
            biases[i].masked_fill_(biases[i].eq(0), 0f);
            model.Layers[i].Layer.weight!.copy_(weights[i]);
            model.Layers[i].Layer.bias!.copy_(biases[i]);
        }
        model.eval();
        return model;
    }

    /// <summary>The smaller dense MLP without the removed neurons (<see cref="NeuronRemoval.Compact"/> of <see cref="ToPruned"/>).</summary>
    public MlpModel ToCompacted()
    {
        using var pruned = ToPruned();
        using var state = random.get_rng_state();
        try { return NeuronRemoval.Compact(pruned).Model; }
        finally { random.set_rng_state(state); }
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe() => _template.Describe();
}
