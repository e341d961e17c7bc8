using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>How <see cref="Skeletonization"/> scores a hidden neuron.</summary>
public enum NeuronScore
{
    /// <summary>Relevance by ablation: ρᵢ = L(without neuron i) − L(with it), exactly, on a batch.</summary>
    Relevance,
    /// <summary>Mozer &amp; Smolensky's estimate: an attentional gate αᵢ on the neuron's output, ρ̂ᵢ = −∂L/∂αᵢ at α = 1.</summary>
    RelevanceGradient,
    /// <summary>The baseline: L1 norm of the neuron's incoming weights.</summary>
    Magnitude,
}

/// <summary>
/// Skeletonization (Mozer &amp; Smolensky, NIPS 1989): remove the hidden neurons whose removal
/// costs the least loss. A neuron's relevance is ρᵢ = L(without i) − L(with i); the paper
/// approximates it by the derivative with respect to a gate on the neuron's output. Condense
/// computes both (exact ablation is cheap for an MLP) and removes the least relevant share of
/// every hidden layer at once, then compacts the model (<see cref="NeuronRemoval"/>).
/// </summary>
public static class Skeletonization
{
    /// <summary>One score per neuron of each hidden layer (fc1 … fc(L−1)); low scores go first.</summary>
    public static IReadOnlyList<double[]> Scores(MlpModel model, Tensor inputs, Tensor labels, NeuronScore score)
    {
        if (!model.IsClassifier) throw new CondenseException("skeletonization scores neurons by the classification loss: give a classifier");
        using var scope = NewDisposeScope();
        var hidden = model.Layers.Count - 1;
        var wasTraining = model.training;
        model.eval();
        try
        {
            switch (score)
            {
                case NeuronScore.Magnitude:
                    return Enumerable.Range(0, hidden).Select(i => model.Layers[i].Layer.weight!.detach().abs().sum(1).data<float>().Select(v => (double)v).ToArray()).ToArray();
                case NeuronScore.RelevanceGradient:
                {
                    var gates = Enumerable.Range(0, hidden).Select(i => ones(model.Sizes[i + 1]).requires_grad_()).ToArray();
                    var loss = nn.functional.nll_loss(GatedForward(model, inputs, gates), labels);
                    var grads = autograd.grad([loss], gates);
                    return grads.Select(g => g.neg().data<float>().Select(v => (double)v).ToArray()).ToArray();
                }
                default:
                {
                    using var _ = no_grad();
                    var gates = Enumerable.Range(0, hidden).Select(i => ones(model.Sizes[i + 1])).ToArray();
                    var baseLoss = Loss(model, inputs, labels, gates);
                    var result = new double[hidden][];
                    for (var layer = 0; layer < hidden; layer++)
                    {
                        result[layer] = new double[model.Sizes[layer + 1]];
                        for (var j = 0; j < result[layer].Length; j++)
                        {
                            gates[layer][j] = 0f;
                            result[layer][j] = Loss(model, inputs, labels, gates) - baseLoss;
                            gates[layer][j] = 1f;
                        }
                    }
                    return result;
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>The model's loss (mean NLL) with each hidden neuron's output multiplied by its gate.</summary>
    public static double Loss(MlpModel model, Tensor inputs, Tensor labels, IReadOnlyList<Tensor> gates)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        return nn.functional.nll_loss(GatedForward(model, inputs, gates), labels).item<float>();
    }

    /// <summary>
    /// A copy of <paramref name="model"/> without the lowest-scoring ⌊<paramref name="fraction"/>·n⌋
    /// neurons of every hidden layer (at least one stays): their rows and biases are zeroed (output 0,
    /// as a closed gate) and <see cref="NeuronRemoval.Compact"/> drops them.
    /// </summary>
    public static MlpModel Remove(MlpModel model, IReadOnlyList<double[]> scores, double fraction)
    {
        if (!(fraction >= 0 && fraction < 1)) throw new CondenseException($"share of neurons {fraction} must be in [0, 1)");
        if (scores.Count != model.Layers.Count - 1) throw new CondenseException($"{scores.Count} score lists for {model.Layers.Count - 1} hidden layers");
        using var copy = new MlpModel(model.Kind, model.Sizes, model.Dropout, model.Normalization);
        ModelFile.SetWeights(copy, ModelFile.Weights(model), "skeletonization");
        using (no_grad())
        {
            for (var i = 0; i < scores.Count; i++)
            {
                var layer = copy.Layers[i].Layer;
                var n = scores[i].Length;
                var count = Math.Min((int)Math.Floor(fraction * n), n - 1);
                // Lowest scores first; ties by index, so the choice is deterministic.
                foreach (var j in Enumerable.Range(0, n).OrderBy(j => scores[i][j]).ThenBy(j => j).Take(count))
                {
                    layer.weight![j].zero_();
                    layer.bias![j] = 0f;
                }
            }
        }
        return NeuronRemoval.Compact(copy).Model;
    }

    static Tensor GatedForward(MlpModel model, Tensor input, IReadOnlyList<Tensor> gates)
    {
        var x = model.Normalization is { } n ? (input - n.Mean) / n.Std : input;
        for (var i = 0; i < model.Layers.Count; i++)
        {
            x = model.Layers[i].Layer.forward(x);
            if (i + 1 < model.Layers.Count) x = nn.functional.relu(x) * gates[i];
        }
        return nn.functional.log_softmax(x, 1);
    }
}
