using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// The base of every network Condense trains and compresses. It adds to a TorchSharp module
/// what compression needs to know: the task (so the trainer and evaluator pick the loss and the
/// measure), and the named linear layers (so methods can work layer by layer).
/// </summary>
public abstract class CondenseModel : nn.Module<Tensor, Tensor>
{
    /// <summary>Names the module (the name TorchSharp gives its parameters) and fixes what the model is trained for.</summary>
    protected CondenseModel(string name, ModelTask task) : base(name)
    {
        Task = task;
        Masks = new MaskSet(this);
    }

    /// <summary>
    /// This model's pruning masks (one per pruned weight layer), owned by the model so that two
    /// models never share them; disposed with the model.
    /// </summary>
    public MaskSet Masks { get; }

    /// <summary>What the model is trained for: classification (accuracy counts) or reconstruction (only the loss does).</summary>
    public ModelTask Task { get; }

    /// <summary>Whether the output is class log-probabilities, so accuracy is defined.</summary>
    public bool IsClassifier => Task == ModelTask.Classification;

    /// <summary>Linear layers in forward order, by the names their parameters carry (fc1, fc2, …).</summary>
    public abstract IReadOnlyList<(string Name, Linear Layer)> Layers { get; }

    /// <summary>
    /// Every layer whose weight pruning, quantization and low rank may change, in forward order:
    /// the <see cref="Layers"/> for the MLPs; the convolutions and then the Linear head for CNNs.
    /// A separate view so that code which needs Linear modules keeps <see cref="Layers"/>.
    /// </summary>
    public virtual IReadOnlyList<WeightLayer> WeightLayers => Layers.Select(l => new WeightLayer(l.Name, l.Layer)).ToArray();

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>Metadata that lets <see cref="ModelFile"/> rebuild this model from a file.</summary>
    public abstract IReadOnlyDictionary<string, string> Describe();

    /// <summary>Disposes the masks with the parameters.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing) Masks.Dispose();
        base.Dispose(disposing);
    }
}
