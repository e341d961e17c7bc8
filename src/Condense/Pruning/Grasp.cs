using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// GraSP (Wang, Zhang &amp; Grosse, ICLR 2020, eq. 8): S(−θ) = −θ ⊙ H g, where g = ∂L/∂θ and H g is
/// the Hessian-gradient product, obtained by double backward (the gradient of gᵀ·stop(g)). A
/// large score means removing the weight reduces gradient flow least; GraSP removes the
/// <em>largest</em> scores, so the importance this class returns is θ ⊙ H g = −S, pruned lowest first.
/// </summary>
/// <remarks>Like the authors' code, the loss uses softmax temperature T = 200, which keeps the
/// Hessian term from vanishing for a confident network.</remarks>
internal static class Grasp
{
    public const double DefaultTemperature = 200;

    /// <summary>Importances θ ⊙ H g per layer (fresh tensors); lowest are pruned.</summary>
    public static Tensor[] Importances(CondenseModel model, Tensor inputs, Tensor? labels, double temperature = DefaultTemperature)
    {
        if (!(temperature > 0)) throw new CondenseException($"GraSP temperature {temperature} must be > 0");
        using var scope = NewDisposeScope();
        var weights = model.WeightLayers.Select(l => l.Weight).ToArray();
        var g = Snip.Gradients(model, inputs, labels, weights, createGraph: false, temperature).Select(t => t.detach()).ToArray();
        var gGraph = Snip.Gradients(model, inputs, labels, weights, createGraph: true, temperature);
        var z = gGraph.Select((gi, i) => (gi * g[i]).sum()).Aggregate((a, b) => a + b);
        var hg = autograd.grad([z], weights);
        return weights.Select((w, i) => (w.detach() * hg[i]).MoveToOuterDisposeScope()).ToArray();
    }
}
