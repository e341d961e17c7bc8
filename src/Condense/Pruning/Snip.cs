using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// SNIP (Lee, Ajanthan &amp; Torr, ICLR 2019, eq. 6): connection sensitivity |∂L/∂θ ⊙ θ| on a
/// batch of data — how much the loss would change if the weight were removed, to first order.
/// Pruned globally, lowest sensitivity first.
/// </summary>
public static class Snip
{
    /// <summary>Scores per weight layer (<see cref="CondenseModel.WeightLayers"/>: convolutions too; the weights' shapes; fresh tensors), computed in eval mode so dropout plays no part.</summary>
    public static Tensor[] Scores(CondenseModel model, Tensor inputs, Tensor? labels)
    {
        using var scope = NewDisposeScope();
        var weights = model.WeightLayers.Select(l => l.Weight).ToArray();
        var grads = Gradients(model, inputs, labels, weights, createGraph: false);
        return weights.Select((w, i) => (grads[i] * w.detach()).abs().MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>∂L/∂W for each weight, the task's loss on the batch, eval mode.</summary>
    internal static IList<Tensor> Gradients(CondenseModel model, Tensor inputs, Tensor? labels, Tensor[] weights, bool createGraph, double temperature = 1)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            var output = model.forward(inputs);
            var loss = Loss(model, output, inputs, labels, temperature);
            return autograd.grad([loss], weights, retain_graph: createGraph, create_graph: createGraph);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    internal static Tensor Loss(CondenseModel model, Tensor output, Tensor inputs, Tensor? labels, double temperature)
    {
        if (!model.IsClassifier) return nn.functional.mse_loss(output, inputs);
        // The output is log-softmax(z); log-softmax is shift-invariant, so log_softmax(out / T) = log_softmax(z / T).
        var logits = temperature == 1 ? output : nn.functional.log_softmax(output / temperature, 1);
        return nn.functional.nll_loss(logits, labels!);
    }
}
