using System.Globalization;
using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// An MLP whose chosen layers are products U·V from the start ("learn UVx + b" instead of Wx + b):
/// the factorised-training alternative to compressing after training. Same forward pass as
/// <see cref="MlpModel"/> (normalisation, ReLU, dropout, log-softmax), so it trains with the
/// Foundation's <see cref="Trainer"/> and compares with an SVD-truncated <see cref="MnistClassifier"/>
/// at equal parameter count.
/// </summary>
public sealed class FactorizedMlp : CondenseModel
{
    readonly List<(string Name, nn.Module<Tensor, Tensor> Module)> parts = [];
    readonly List<(string Name, Linear Layer)> linears = [];

    /// <param name="sizes">Layer widths, e.g. 784, 1000, 1000, 10.</param>
    /// <param name="ranks">Per layer (sizes.Count − 1 entries): a rank for a factorised layer, null for a full one.</param>
    /// <param name="dropout">Dropout after each hidden layer, [0, 1).</param>
    /// <param name="normalization">Input normalisation (MNIST's by default).</param>
    public FactorizedMlp(IReadOnlyList<int> sizes, IReadOnlyList<int?> ranks, double dropout = 0.5, Normalization? normalization = null)
        : base("FactorizedMlp", ModelTask.Classification)
    {
        if (sizes.Count < 2 || sizes.Any(s => s <= 0))
            throw new CondenseException($"layer sizes [{string.Join(", ", sizes)}] must be at least two positive numbers");
        if (ranks.Count != sizes.Count - 1)
            throw new CondenseException($"{ranks.Count} ranks given for {sizes.Count - 1} layers");
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout))
            throw new CondenseException($"dropout {dropout} must be in [0, 1)");
        Sizes = sizes.ToArray();
        Ranks = ranks.ToArray();
        Dropout = dropout;
        Normalization = normalization ?? Data.Normalization.Mnist;
        for (int i = 0; i + 1 < sizes.Count; i++)
        {
            var name = $"fc{i + 1}";
            if (ranks[i] is { } r)
            {
                var pair = new LowRankLinear(sizes[i], sizes[i + 1], r);
                register_module(name, pair);
                parts.Add((name, pair));
                linears.Add(($"{name}.v", pair.Right));
                linears.Add(($"{name}.u", pair.Left));
            }
            else
            {
                var layer = nn.Linear(sizes[i], sizes[i + 1]);
                register_module(name, layer);
                parts.Add((name, layer));
                linears.Add((name, layer));
            }
        }
    }

    /// <summary>A 784-1000-1000-10 classifier (dropout 0.5) whose fc2 has rank <paramref name="rank"/>.</summary>
    public static FactorizedMlp ClassifierWithFactorizedFc2(int rank, int seed, double dropout = 0.5)
    {
        manual_seed(seed);
        return new FactorizedMlp([784, 1000, 1000, 10], [null, rank, null], dropout);
    }

    /// <summary>Layer widths, input first.</summary>
    public IReadOnlyList<int> Sizes { get; }
    /// <summary>The rank of each layer's factorisation, null where the layer stays dense: what decides the parameter count.</summary>
    public IReadOnlyList<int?> Ranks { get; }
    /// <summary>Dropout probability between hidden layers while training.</summary>
    public double Dropout { get; }
    /// <summary>Input normalisation applied before the first layer.</summary>
    public Normalization Normalization { get; }

    /// <summary>The factor layers appear as fc2.v (n→r) then fc2.u (r→m).</summary>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => linears;

    /// <summary>The layer (full or factorised) by its name, fc1, fc2, …</summary>
    public nn.Module<Tensor, Tensor> Layer(string name) =>
        parts.FirstOrDefault(x => x.Name == name).Module ?? throw new CondenseException($"no layer '{name}'");

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        // The scope also frees what factorised and structured layers make inside their own forward.
        using var scope = NewDisposeScope();
        var x = LayerStack.Forward(input, Normalization, [.. parts.Select(p => p.Module)], Dropout, training);
        return scope.MoveToOuter(nn.functional.log_softmax(x, 1));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["architecture"] = "FactorizedMlp",
        ["sizes"] = string.Join(",", Sizes),
        ["ranks"] = string.Join(",", Ranks.Select(r => r?.ToString(CultureInfo.InvariantCulture) ?? "full")),
        ["dropout"] = Dropout.ToString("R", CultureInfo.InvariantCulture),
    };
}
