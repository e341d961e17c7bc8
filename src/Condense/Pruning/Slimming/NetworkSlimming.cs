using Condense.Models;
using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Pruning.Slimming;

/// <summary>Which channels a slimming or filter-pruning step keeps, and the numbers that explain it.</summary>
/// <param name="Keep">Per conv unit, the ascending kept output channels.</param>
/// <param name="Threshold">The global |γ| threshold (slimming), or NaN (filter pruning).</param>
/// <param name="Channels">Channels before, over all conv units.</param>
/// <param name="Kept">Channels kept.</param>
public sealed record ChannelSelection(IReadOnlyList<long[]> Keep, double Threshold, long Channels, long Kept)
{
    /// <summary>Fraction of channels removed.</summary>
    public double RemovedFraction => 1 - (double)Kept / Channels;
}

/// <summary>
/// Network slimming (Liu et al. 2017): train with an L1 penalty λ·Σ|γ| on the BatchNorm scaling
/// factors so that unimportant channels' γ go to zero, pick one global threshold over all |γ|
/// (the given percentile), remove the channels under it (<see cref="VggSurgery.Shrink"/>) and
/// fine-tune. The penalty is applied as its subgradient λ·sign(γ) added to γ's gradient after
/// backward, as the authors' code does, so it composes with any loss.
/// </summary>
public static class NetworkSlimming
{
    /// <summary>A training hook that adds λ·sign(γ) to every BN scaling factor's gradient.</summary>
    public static Action<CondenseModel> SparsityHook(double lambda)
    {
        if (!(lambda >= 0) || double.IsInfinity(lambda)) throw new CondenseException($"slimming λ {lambda} must be ≥ 0");
        return model =>
        {
            if (model is not IConvolutionalModel cnn) return;
            using var _ = no_grad();
            foreach (var u in cnn.ConvUnits)
                if (u.Norm?.weight is { } g && g.grad is { } grad) grad.add_(g.sign(), alpha: lambda);
        };
    }

    /// <summary>
    /// The channels whose |γ| is above the global threshold at <paramref name="fraction"/> of all
    /// |γ| sorted ascending (0.7: the 70 % smallest go). A layer keeps at least
    /// ⌈<paramref name="minKeep"/>·C⌉ channels (its largest |γ|), and never none: Liu et al. use
    /// no floor (0), but on a small or briefly trained network one global threshold can empty a
    /// layer, which is layer collapse.
    /// </summary>
    public static ChannelSelection Select(VggNet net, double fraction, double minKeep = 0)
    {
        if (!(minKeep is >= 0 and <= 1)) throw new CondenseException($"slimming minimum kept fraction {minKeep} must be in [0, 1]");
        if (!(fraction >= 0 && fraction < 1)) throw new CondenseException($"slimming fraction {fraction} must be in [0, 1)");
        var gammas = net.ConvUnits.Select(u => (u.Norm ?? throw new CondenseException($"{u.Name}: slimming needs BatchNorm after every conv"))
            .weight!.detach().abs().contiguous().data<float>().ToArray()).ToList();
        var all = gammas.SelectMany(g => g).OrderBy(v => v).ToArray();
        var index = (int)Math.Floor(fraction * all.Length);
        // The largest |γ| removed: the floor(fraction·N) smallest go (ties with it go too).
        var threshold = index == 0 ? -1.0 : all[index - 1];
        var keep = gammas.Select(g =>
        {
            var floor = Math.Max(1, (int)Math.Ceiling(minKeep * g.Length - 1e-9));
            var largest = Enumerable.Range(0, g.Length).OrderByDescending(c => g[c]).ThenBy(c => c).Take(floor);
            return Enumerable.Range(0, g.Length).Where(c => g[c] > threshold).Union(largest).Order().Select(c => (long)c).ToArray();
        }).ToList();
        return new ChannelSelection(keep, threshold, all.Length, keep.Sum(k => k.LongLength));
    }
}
