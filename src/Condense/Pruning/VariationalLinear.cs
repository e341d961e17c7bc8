using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// A fully connected layer with sparse variational dropout (Molchanov, Ashukha &amp; Vetrov,
/// ICML 2017): each weight is Gaussian, w ~ N(θ, σ²), with its own dropout rate
/// α = σ²/θ². Training maximises the ELBO; the KL term pushes useless weights to α → ∞, and a
/// weight with log α &gt; <see cref="Threshold"/> (3, the paper's) carries only noise and is pruned.
/// </summary>
/// <remarks>
/// Training samples pre-activations, not weights (the local reparameterisation trick): the
/// output is N(xθᵀ + b, x²σ²ᵀ), one draw per example. σ² is parametrised by log σ² (so the
/// additive noise reparameterisation keeps gradients of θ low-variance). In eval mode the
/// layer is deterministic: x(θ ⊙ m)ᵀ + b with m = [log α ≤ threshold], exactly what the
/// pruned dense model written to a file computes.
/// </remarks>
public sealed class VariationalLinear : nn.Module<Tensor, Tensor>
{
    /// <summary>Molchanov et al.'s fit of −KL(q‖log-uniform prior) as a function of log α (Eq. 14).</summary>
    public const double K1 = 0.63576, K2 = 1.87320, K3 = 1.48695;

    /// <summary>log α is clipped to ±<see cref="LogAlphaClip"/> (as in the authors' code) so noise cannot overflow.</summary>
    public const double LogAlphaClip = 8;

#pragma warning disable IDE1006 // TorchSharp registers fields by name: these are the parameter names in files
    readonly TorchSharp.Modules.Parameter weight;
    readonly TorchSharp.Modules.Parameter log_sigma2;
    readonly TorchSharp.Modules.Parameter bias;
#pragma warning restore IDE1006

    /// <summary>
    /// Starts from a dense layer's θ and b (copied) with log σ² = <paramref name="logSigma2"/> everywhere.
    /// <paramref name="logSigma2Scale"/> s stores log σ² as s·p and trains p: Adam's steps are about
    /// the learning rate in p whatever the gradient's size, so s multiplies log σ²'s effective learning
    /// rate alone (θ and b keep theirs); s = 1 is the paper's single rate.
    /// </summary>
    public VariationalLinear(Tensor theta, Tensor bias, double logSigma2 = -10, double threshold = 3, double logSigma2Scale = 1) : base(nameof(VariationalLinear))
    {
        if (!(logSigma2Scale > 0 && logSigma2Scale <= 1000)) throw new CondenseException($"log σ² rate scale {logSigma2Scale} must be in (0, 1000]");
        if (theta.dim() != 2 || bias.dim() != 1 || bias.shape[0] != theta.shape[0])
            throw new CondenseException($"variational layer needs a weight [out, in] and a bias [out], got [{string.Join(", ", theta.shape)}] and [{string.Join(", ", bias.shape)}]");
        weight = new TorchSharp.Modules.Parameter(theta.detach().to(ScalarType.Float32).clone());
        this.bias = new TorchSharp.Modules.Parameter(bias.detach().to(ScalarType.Float32).clone());
        log_sigma2 = new TorchSharp.Modules.Parameter(full_like(weight, logSigma2 / logSigma2Scale));
        Threshold = threshold;
        LogSigma2Scale = logSigma2Scale;
        RegisterComponents();
    }

    /// <summary>Weights with log α above this are pruned (3 in the paper: α &gt; e³ ≈ 20, dropout rate &gt; 0.95).</summary>
    public double Threshold { get; }

    /// <summary>log σ² = <see cref="LogSigma2Scale"/> × the stored parameter (see the constructor).</summary>
    public double LogSigma2Scale { get; }

    /// <summary>The weight means θ (the weights the layer uses at evaluation).</summary>
    public Tensor Theta => weight;

    /// <summary>log σ² of every weight (the stored parameter times <see cref="LogSigma2Scale"/>).</summary>
    public Tensor LogSigma2() => LogSigma2Scale == 1 ? log_sigma2.alias() : log_sigma2 * LogSigma2Scale;

    /// <summary>The bias (not variational).</summary>
    public Tensor Bias => bias;

    /// <summary>log α = log σ² − log θ², clipped to ±8.</summary>
    public Tensor LogAlpha()
    {
        using var logSigma2 = LogSigma2();
        using var theta2 = weight.square() + 1e-8f;
        using var logTheta2 = theta2.log();
        using var diff = logSigma2 - logTheta2;
        return diff.clamp(-LogAlphaClip, LogAlphaClip);
    }

    /// <summary>1 where a weight is kept (log α ≤ threshold), 0 where it is pruned.</summary>
    public Tensor Mask()
    {
        using var _ = no_grad();
        using var la = LogAlpha();
        return la.le(Threshold).to(ScalarType.Float32);
    }

    /// <summary>In training, the local reparameterisation trick (samples the pre-activations); in evaluation, the mean weights with log α above the threshold zeroed.</summary>
    public override Tensor forward(Tensor x)
    {
        if (!training)
        {
            using var mask = Mask();
            using var w = weight * mask;
            return nn.functional.linear(x, w, bias);
        }
        using var mean = nn.functional.linear(x, weight, bias);
        using var logAlpha = LogAlpha();
        using var sigma2 = logAlpha.exp() * weight.square();
        using var variance = nn.functional.linear(x.square(), sigma2);
        using var std = (variance + 1e-8f).sqrt();
        using var noise = randn_like(mean);
        return mean + std * noise;
    }

    /// <summary>KL(q(w)‖p(w)) summed over the layer's weights, by Molchanov et al.'s approximation.</summary>
    public Tensor Kl()
    {
        using var la = LogAlpha();
        return KlApproximation(la).sum();
    }

    /// <summary>
    /// KL per weight as a function of log α: k₁ − k₁·sigmoid(k₂ + k₃ log α) + ½ log(1 + 1/α).
    /// It is 0 as α → ∞ (no information, free) and grows like −½ log α as α → 0.
    /// </summary>
    public static Tensor KlApproximation(Tensor logAlpha) =>
        K1 - K1 * sigmoid(K2 + K3 * logAlpha) + 0.5 * nn.functional.softplus(-logAlpha);
}
