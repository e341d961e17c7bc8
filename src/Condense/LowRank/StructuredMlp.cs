using System.Globalization;
using Condense.Data;
using Condense.LowRank.TensorTrain;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// An MLP whose layers may each be dense, in TT format (<see cref="TensorTrainLinear"/>) or low
/// rank + sparse (<see cref="LowRankPlusSparseLinear"/>): the structured-matrix methods' common
/// network, with <see cref="MlpModel"/>'s forward pass (normalisation, ReLU, dropout, log-softmax),
/// so it trains with <see cref="Trainer"/> and is read back by <see cref="StructuredModelFile"/>.
/// A layer is described by a spec string: <c>dense</c>, <c>tt:OUT|IN|RANKS</c>
/// (<see cref="TensorTrainShape.ToString"/>) or <c>lps:RANK</c> (positions come from the file).
/// </summary>
public sealed class StructuredMlp : CondenseModel
{
    /// <summary>The <c>architecture</c> metadata value.</summary>
    public const string Architecture = "StructuredMlp";

    readonly List<(string Name, nn.Module<Tensor, Tensor> Module)> _parts = [];
    readonly List<(string Name, Linear Layer)> _linears = [];

    /// <param name="layers">One per layer: a Linear, a <see cref="TensorTrainLinear"/> or a <see cref="LowRankPlusSparseLinear"/>, shapes chaining.</param>
    /// <param name="dropout">After each hidden layer, [0, 1).</param>
    /// <param name="normalization">Input normalisation.</param>
    public StructuredMlp(IReadOnlyList<nn.Module<Tensor, Tensor>> layers, double dropout, Normalization normalization)
        : base(Architecture, ModelTask.Classification)
    {
        if (layers.Count < 1) throw new CondenseException("structured MLP: no layers");
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout)) throw new CondenseException($"dropout {dropout} must be in [0, 1)");
        var sizes = new List<int>();
        for (var i = 0; i < layers.Count; i++)
        {
            var (inF, outF) = Features(layers[i]);
            if (i == 0) sizes.Add(inF);
            else if (sizes[^1] != inF) throw new CondenseException($"structured MLP: layer fc{i + 1} takes {inF} inputs, fc{i} gives {sizes[^1]}");
            sizes.Add(outF);
            var name = $"fc{i + 1}";
            register_module(name, layers[i]);
            _parts.Add((name, layers[i]));
            if (layers[i] is Linear linear) _linears.Add((name, linear));
        }
        Sizes = sizes;
        Dropout = dropout;
        Normalization = normalization;
    }

    /// <summary>Layer widths, input first.</summary>
    public IReadOnlyList<int> Sizes { get; }
    /// <summary>Dropout probability between hidden layers while training.</summary>
    public double Dropout { get; }
    /// <summary>Input normalisation applied before the first layer.</summary>
    public Normalization Normalization { get; }

    /// <summary>The dense layers only (structured ones have no <see cref="Linear"/>).</summary>
    public override IReadOnlyList<(string Name, Linear Layer)> Layers => _linears;

    /// <summary>Each layer by name with the module that replaced it (dense, low-rank, low-rank plus sparse, tensor-train), for reports and the model file.</summary>
    public IReadOnlyList<(string Name, nn.Module<Tensor, Tensor> Module)> Parts => _parts;

    /// <summary>Each layer's spec: dense, tt:…, lps:RANK.</summary>
    public IReadOnlyList<string> Specs => _parts.Select(p => Spec(p.Module)).ToArray();

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        // The scope also frees what factorised and structured layers make inside their own forward.
        using var scope = NewDisposeScope();
        var x = LayerStack.Forward(input, Normalization, [.. _parts.Select(p => p.Module)], Dropout, training);
        return scope.MoveToOuter(nn.functional.log_softmax(x, 1));
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> Describe() => new Dictionary<string, string>
    {
        ["architecture"] = Architecture,
        ["sizes"] = string.Join(",", Sizes),
        ["layers"] = string.Join(";", Specs),
        ["dropout"] = Dropout.ToString("R", CultureInfo.InvariantCulture),
        ["normalization.mean"] = Normalization.Mean.ToString("R", CultureInfo.InvariantCulture),
        ["normalization.std"] = Normalization.Std.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A copy of a dense MLP's layer (weights and bias), for building a structured network around one replaced layer.</summary>
    public static Linear CopyOf(Linear layer)
    {
        var copy = nn.Linear(layer.in_features, layer.out_features);
        using var _ = no_grad();
        copy.weight!.copy_(layer.weight!);
        copy.bias!.copy_(layer.bias!);
        return copy;
    }

    static string Spec(nn.Module<Tensor, Tensor> m) => m switch
    {
        Linear => "dense",
        TensorTrainLinear tt => $"tt:{tt.Shape}",
        LowRankPlusSparseLinear lps => $"lps:{lps.Rank.ToString(CultureInfo.InvariantCulture)}",
        _ => throw new CondenseException($"structured MLP: unsupported layer {m.GetType().Name}"),
    };

    static (int In, int Out) Features(nn.Module<Tensor, Tensor> m) => m switch
    {
        Linear l => ((int)l.in_features, (int)l.out_features),
        TensorTrainLinear tt => (tt.Shape.InFeatures, tt.Shape.OutFeatures),
        LowRankPlusSparseLinear lps => (lps.InFeatures, lps.OutFeatures),
        _ => throw new CondenseException($"structured MLP: unsupported layer {m.GetType().Name}"),
    };
}
