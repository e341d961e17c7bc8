using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.LowRank.TensorTrain;

/// <summary>
/// A fully connected layer in TT format (Novikov et al. 2015): the out × in weight is never
/// stored, only its d TT-cores Gₖ (r_{k−1} × mₖ × nₖ × rₖ), with
/// W[(j₁…j_d), (i₁…i_d)] = G₁[j₁, i₁] · G₂[j₂, i₂] ⋯ G_d[j_d, i_d] (each Gₖ[jₖ, iₖ] an r_{k−1} × rₖ
/// matrix). Training is end to end: the forward pass contracts the cores into W (a chain of d − 1
/// small matrix products, cheap next to the batch's product with W) and autograd carries the
/// gradient back to the cores, so the layer learns in TT format rather than being approximated
/// after training.
/// </summary>
internal sealed class TensorTrainLinear : nn.Module<Tensor, Tensor>
{
    readonly Parameter[] _cores;
    readonly Parameter _bias;

    /// <summary>Random cores scaled so that W starts with nn.Linear's variance (1/(3·in)).</summary>
    public TensorTrainLinear(TensorTrainShape shape) : base("TensorTrainLinear")
    {
        Shape = shape;
        // Each entry of W sums Π_{k=1}^{d-1} r_k products of d independent core entries, so
        // σ_core^(2d) · Π r_k = 1/(3·in) gives W nn.Linear's variance.
        var inner = shape.Ranks.Skip(1).Take(shape.Order - 1).Aggregate(1.0, (a, b) => a * b);
        var sigma = Math.Pow(1.0 / (3 * shape.InFeatures * inner), 1.0 / (2 * shape.Order));
        _cores = new Parameter[shape.Order];
        using (no_grad())
        {
            for (var k = 0; k < shape.Order; k++)
            {
                _cores[k] = new Parameter(randn(shape.CoreShape(k)) * sigma);
                register_parameter($"core{k}", _cores[k]);
            }
            var bound = 1 / Math.Sqrt(shape.InFeatures);
            _bias = new Parameter(empty(shape.OutFeatures).uniform_(-bound, bound));
        }
        register_parameter("bias", _bias);
    }

    public TensorTrainShape Shape { get; }
    public IReadOnlyList<Parameter> Cores => _cores;
    public Parameter Bias => _bias;

    /// <summary>Numbers stored: cores and bias.</summary>
    public long ParameterCount => Shape.ParameterCount + Shape.OutFeatures;

    /// <summary>Sets the cores (e.g. from <see cref="TensorTrainDecomposition"/>) and the bias.</summary>
    public void Load(IReadOnlyList<Tensor> cores, Tensor bias)
    {
        if (cores.Count != Shape.Order) throw new CondenseException($"tensor train: {cores.Count} cores for order {Shape.Order}");
        using var _ = no_grad();
        for (var k = 0; k < cores.Count; k++) _cores[k].copy_(cores[k].reshape(Shape.CoreShape(k)));
        _bias.copy_(bias);
    }

    public Tensor Weight() => Contract(_cores, Shape);

    public override Tensor forward(Tensor input)
    {
        using var w = Weight();
        return nn.functional.linear(input, w, _bias);
    }

    /// <summary>The out × in matrix the cores stand for (differentiable in the cores).</summary>
    public static Tensor Contract(IReadOnlyList<Tensor> cores, TensorTrainShape shape)
    {
        using var scope = NewDisposeScope();
        var d = shape.Order;
        // t: (m₁n₁ ⋯ mₖnₖ) × rₖ, growing one mode pair per step.
        var t = cores[0].reshape(-1, shape.Ranks[1]);
        for (var k = 1; k < d; k++)
            t = t.mm(cores[k].reshape(shape.Ranks[k], -1)).reshape(-1, shape.Ranks[k + 1]);
        // Now (m₁, n₁, …, m_d, n_d); bring the out modes first, then the in modes.
        var dims = new long[2 * d];
        for (var k = 0; k < d; k++) { dims[2 * k] = shape.OutModes[k]; dims[2 * k + 1] = shape.InModes[k]; }
        var order = Enumerable.Range(0, d).Select(k => (long)(2 * k)).Concat(Enumerable.Range(0, d).Select(k => (long)(2 * k + 1))).ToArray();
        return t.reshape(dims).permute(order).reshape(shape.OutFeatures, shape.InFeatures).MoveToOuterDisposeScope();
    }
}
