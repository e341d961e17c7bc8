using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// SynFlow (Tanaka, Kunin, Yamins &amp; Ganguli, NeurIPS 2020, Algorithm 1): data-free pruning
/// that avoids layer collapse. The network is linearised (every weight replaced by its absolute
/// value, biases left out — see <see cref="Scores"/> — input all ones, so ReLUs pass everything); R = 1ᵀ f(1) and the score of a
/// weight is ∂R/∂θ ⊙ θ. Scores of a layer sum to R (for a bias-free network) whatever its size, so
/// no layer is singled out. Pruning is iterated: over <c>iterations</c> rounds the kept fraction
/// follows the exponential schedule (1 − s)^(k/n), re-scoring after each round.
/// </summary>
/// <remarks>Computed in float64: R is a product over layers and overflows float32 for deep or wide nets.
/// The model's input normalisation and output activation play no part (the method never sees data).</remarks>
internal static class SynFlow
{
    public const int DefaultIterations = 100;

    /// <summary>Scores (float64, weight shapes) of the masked, linearised network, and R.</summary>
    /// <remarks>
    /// Biases are left out unless <paramref name="includeBiases"/>: the conservation law behind
    /// SynFlow's no-collapse guarantee (Tanaka et al., Theorem 1–2) holds for the weights of a
    /// bias-free network. The authors' code linearises biases too; then a hidden neuron receives
    /// flow from its bias even when its incoming weights are gone, so at extreme sparsity the
    /// first layer looks unimportant and can collapse.
    /// </remarks>
    public static (Tensor[] Scores, double R) Scores(IReadOnlyList<Linear> layers, IReadOnlyList<Tensor> masks, bool includeBiases = false)
    {
        using var scope = NewDisposeScope();
        var (weights, biases) = Linearised(layers, includeBiases);
        var (scores, r) = ClosedFormScores(weights, biases, masks);
        return (scores.Select(t => t.MoveToOuterDisposeScope()).ToArray(), r);
    }

    /// <summary>|W| (and |b| when biases are included) in float64: fixed while the masks change, so taken once per pruning.</summary>
    static (Tensor[] Weights, Tensor?[] Biases) Linearised(IReadOnlyList<Linear> layers, bool includeBiases) =>
        (layers.Select(l => MaskSet.WeightOf(l).detach().to(ScalarType.Float64).abs()).ToArray(),
         layers.Select(l => includeBiases && l.bias is { } b ? b.detach().to(ScalarType.Float64).abs() : null).ToArray());

    /// <summary>
    /// The scores in closed form rather than by autograd: with a_l the activation into layer l
    /// (a_0 = 1) and g_l = ∂R/∂(output of layer l) (g_L = 1, g_{l−1} = M_lᵀ g_l), ∂R/∂M_l = g_l a_{l−1}ᵀ,
    /// so the score of M_l is M_l ⊙ (g_l ⊗ a_{l−1}): two matrix–vector products per layer.
    /// </summary>
    static (Tensor[] Scores, double R) ClosedFormScores(Tensor[] weights, Tensor?[] biases, IReadOnlyList<Tensor> masks)
    {
        using var _ = no_grad();
        var masked = weights.Select((w, i) => w * masks[i].to(ScalarType.Float64)).ToArray();
        var activations = new Tensor[masked.Length + 1];
        activations[0] = ones(masked[0].shape[1], dtype: ScalarType.Float64);
        for (var i = 0; i < masked.Length; i++)
        {
            activations[i + 1] = masked[i].mv(activations[i]);
            if (biases[i] is { } b) activations[i + 1] = activations[i + 1] + b;
        }
        var r = activations[^1].sum().item<double>();
        var scores = new Tensor[masked.Length];
        var g = ones(masked[^1].shape[0], dtype: ScalarType.Float64);
        for (var i = masked.Length - 1; i >= 0; i--)
        {
            scores[i] = masked[i] * g.outer(activations[i]);
            g = masked[i].t().mv(g);
        }
        return (scores, r);
    }

    /// <summary>Prunes the model's weight layers (<see cref="CondenseModel.WeightLayers"/>: convolutions too) globally to <paramref name="amount"/> of their alive weights, in <paramref name="iterations"/> rounds.</summary>
    /// <remarks><c>selected</c>: indices of the layers that may be pruned (all layers still carry flow); null = all.
    /// MLPs are scored in closed form; CNNs by autograd on a linearised copy (<see cref="ConvSynFlow"/>).</remarks>
    public static IReadOnlyList<Tensor> Prune(CondenseModel model, PruningAmount amount, int iterations = DefaultIterations, IReadOnlyList<int>? selected = null, bool includeBiases = false)
    {
        if (iterations is < 1 or > 10000) throw new CondenseException($"SynFlow iterations {iterations} must be in 1–10000");
        var layers = model.WeightLayers.Select(l => l.Module).ToArray();
        var chosen = (selected ?? Enumerable.Range(0, layers.Length).ToArray()).ToArray();
        using var scope = NewDisposeScope();
        using var conv = model is Models.Cnn.CnnModel cnn ? new ConvSynFlow(cnn, includeBiases) : null;
        Func<Tensor[], Tensor[]> score;
        if (conv is not null) score = m => conv.Scores(m).Scores;
        else
        {
            var (weights, biases) = Linearised(model.Layers.Select(l => l.Layer).ToArray(), includeBiases);
            score = m => ClosedFormScores(weights, biases, m).Scores;
        }
        var masks = layers.Select(model.Masks.CurrentOf).ToArray();
        long alive = chosen.Sum(i => masks[i].count_nonzero().item<long>());
        var target = alive - amount.Resolve(alive);
        for (var k = 1; k <= iterations; k++)
        {
            using var round = NewDisposeScope();
            var keep = k == iterations ? target : (long)Math.Round(alive * Math.Pow((double)target / Math.Max(alive, 1), (double)k / iterations));
            var current = chosen.Sum(i => masks[i].count_nonzero().item<long>());
            var scores = score(masks);
            var next = MaskSelection.PruneLowest(chosen.Select(i => scores[i]).ToArray(), chosen.Select(i => masks[i]).ToArray(), PruningAmount.OfCount(Math.Max(0, current - keep)));
            for (var j = 0; j < chosen.Length; j++)
            {
                masks[chosen[j]].Dispose();
                masks[chosen[j]] = next[j].MoveToOuterDisposeScope();
            }
        }
        foreach (var i in chosen) model.Masks.Set(layers[i], masks[i]);
        return masks.Select(m => m.MoveToOuterDisposeScope()).ToArray();
    }
}
