using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// Group (neuron) variational dropout on one hidden layer's outputs: neuron j is multiplied by a
/// scale z_j ~ N(μ_j, α_j μ_j²) with a log-uniform prior on |z_j|, the group counterpart of sparse
/// VD (Louizos, Ullrich &amp; Welling's group normal-Jeffreys scales, NIPS 2017; Neklyudov et al.'s
/// structured Bayesian pruning, NIPS 2017, is the log-normal version). The KL is Molchanov et al.'s fit
/// of log α, once per neuron, so a neuron whose noise costs the likelihood less than its KL saves is
/// driven to α → ∞ and carries only noise: neurons are removed by their variance, not their weights.
/// Equivalently: sparse VD with one α shared by all the weights leaving a neuron (see <see cref="FanOut"/>).
/// </summary>
/// <remarks>
/// Training draws one z per example and neuron (for a group that is the local reparameterisation:
/// the noise is already per pre-activation). Evaluation is deterministic: h ⊙ μ ⊙ [log α ≤ threshold],
/// which folds into the next layer's columns, so the network with the removed neurons cut out
/// (<see cref="NeuronRemoval.Compact"/>) computes the same outputs.
/// </remarks>
public sealed class NeuronGate : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // TorchSharp registers fields by name
    readonly TorchSharp.Modules.Parameter mu;
    readonly TorchSharp.Modules.Parameter log_sigma2;
#pragma warning restore IDE1006

    /// <summary>
    /// μ = 1 and log σ² = <paramref name="logSigma2"/> for every neuron (so log α starts there: keep it above
    /// −<see cref="VariationalLinear.LogAlphaClip"/>, where the clip would stop its gradient). log σ² is
    /// stored as p with log σ² = <paramref name="logSigma2Scale"/>·p, which multiplies its Adam step alone
    /// (see <see cref="VariationalLinear"/>): a gate has one log σ² per neuron to climb ~13 nats, and at the
    /// common rate 1e-3 that takes more steps than a short run has.
    /// </summary>
    public NeuronGate(int size, double logSigma2 = -10, double threshold = 3, double logSigma2Scale = 1, int fanOut = 1) : base(nameof(NeuronGate))
    {
        if (size < 1) throw new CondenseException($"a neuron gate needs at least one neuron, got {size}");
        if (fanOut < 1) throw new CondenseException($"a neuron's fan-out {fanOut} must be ≥ 1");
        FanOut = fanOut;
        if (!(logSigma2Scale > 0 && logSigma2Scale <= 1000)) throw new CondenseException($"log σ² rate scale {logSigma2Scale} must be in (0, 1000]");
        mu = new TorchSharp.Modules.Parameter(ones(size));
        log_sigma2 = new TorchSharp.Modules.Parameter(full(size, logSigma2 / logSigma2Scale));
        Threshold = threshold;
        LogSigma2Scale = logSigma2Scale;
        RegisterComponents();
    }

    /// <summary>
    /// Weights leaving each neuron. The gate's noise has the variance of sparse VD's with one α tied across
    /// those weights (w_kj = θ_kj(1 + √α_j ε): the pre-activation variance Σ_j x_j² α_j θ_kj² is the same), and
    /// that posterior's KL is the per-weight KL once per weight: fan-out × KL(α_j). With one KL per neuron
    /// instead, the pressure on a neuron is a weight's, and on MNIST-10k at β = 1 no neuron went in 15 epochs.
    /// </summary>
    public int FanOut { get; }

    /// <summary>Neurons with log α above this are removed (3, as for single weights).</summary>
    public double Threshold { get; }

    /// <summary>log σ² = this × the stored parameter.</summary>
    public double LogSigma2Scale { get; }

    /// <summary>Number of neurons gated.</summary>
    public long Size => mu.shape[0];

    /// <summary>The scales' means μ.</summary>
    public Tensor Mu => mu;

    /// <summary>log α = log σ² − log μ², clipped to ±<see cref="VariationalLinear.LogAlphaClip"/>.</summary>
    public Tensor LogAlpha()
    {
        using var scope = NewDisposeScope();
        var logSigma2 = LogSigma2Scale == 1 ? log_sigma2.alias() : log_sigma2 * LogSigma2Scale;
        var logMu2 = (mu.square() + 1e-8f).log();
        return (logSigma2 - logMu2).clamp(-VariationalLinear.LogAlphaClip, VariationalLinear.LogAlphaClip).MoveToOuterDisposeScope();
    }

    /// <summary>1 for a neuron kept (log α ≤ threshold), 0 for one removed.</summary>
    public Tensor Mask()
    {
        using var _ = no_grad();
        using var la = LogAlpha();
        return la.le(Threshold).to(ScalarType.Float32);
    }

    /// <summary>Σ over neurons of Molchanov et al.'s KL fit, times <see cref="FanOut"/> (the weights sharing each α).</summary>
    public Tensor Kl()
    {
        using var la = LogAlpha();
        using var kl = VariationalLinear.KlApproximation(la).sum();
        return FanOut == 1 ? kl.alias() : kl * FanOut;
    }

    /// <summary>Training: h ⊙ μ(1 + √α ε), ε ~ N(0, 1) per example and neuron; evaluation: h ⊙ μ ⊙ mask.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (!training)
        {
            using var mask = Mask();
            return (x * (mu * mask)).MoveToOuterDisposeScope();
        }
        var std = (LogAlpha() * 0.5).exp();
        var noise = randn_like(x);
        return (x * (mu * (1 + std * noise))).MoveToOuterDisposeScope();
    }
}
