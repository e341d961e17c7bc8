using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;

namespace Condense.LowRank;

/// <summary>
/// A trained MLP with one layer replaced by its L + S split (<see cref="LowRankPlusSparse"/>, GoDec):
/// the network <c>condense lowrank --plus-sparse F --ranks r -o FILE</c> writes through
/// <see cref="StructuredModelFile"/>, so the file holds the factors and S, not the dense layer.
/// </summary>
public static class LowRankPlusSparseModel
{
    /// <summary>The network (caller owns it) and the split's relative Frobenius error.</summary>
    public static (StructuredMlp Model, double RelativeFrobeniusError) Build(MlpModel dense, string layer, int rank, SparseBudget sparse,
        LowRankPlusSparseOptions? options = null)
    {
        var index = dense.Layers.Select(l => l.Name).ToList().IndexOf(layer);
        if (index < 0) throw new CondenseException($"L + S: no layer '{layer}' (layers: {string.Join(", ", dense.Layers.Select(l => l.Name))})");
        var target = dense.Layers[index].Layer;
        using var split = LowRankPlusSparse.Compute(target.weight!.detach(), rank, sparse, options);
        var lps = LowRankPlusSparseLinear.From(split, target.bias!.detach());
        var layers = new List<TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>>();
        for (var i = 0; i < dense.Layers.Count; i++) layers.Add(i == index ? lps : StructuredMlp.CopyOf(dense.Layers[i].Layer));
        return (new StructuredMlp(layers, dense.Dropout, dense.Normalization ?? Normalization.Mnist), split.RelativeFrobeniusError);
    }
}
