using Condense.Formats.Onnx.Cnn;
using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Pruning.Slimming;

/// <summary>
/// Filter pruning by L1 norm (Li et al. 2017, "Pruning Filters for Efficient ConvNets"): in every
/// conv layer, keep the filters with the largest Σ|W| and remove the same fraction everywhere;
/// <see cref="AtFlops"/> finds the fraction whose smaller network has a given number of
/// multiply-accumulates, so it can be compared with network slimming at equal FLOPs.
/// </summary>
public static class FilterPruning
{
    /// <summary>Per layer, keeps ⌈(1 − fraction)·C⌉ filters of largest L1 norm.</summary>
    public static ChannelSelection Select(VggNet net, double fraction)
    {
        if (!(fraction >= 0 && fraction < 1)) throw new CondenseException($"filter pruning fraction {fraction} must be in [0, 1)");
        using var scope = NewDisposeScope();
        var keep = net.ConvUnits.Select(u =>
        {
            var norms = u.Conv.weight!.detach().abs().flatten(1).sum(1).contiguous().data<float>().ToArray();
            var count = Math.Max(1, (int)Math.Ceiling((1 - fraction) * norms.Length - 1e-9));
            return Enumerable.Range(0, norms.Length).OrderByDescending(c => norms[c]).ThenBy(c => c).Take(count)
                .OrderBy(c => c).Select(c => (long)c).ToArray();
        }).ToList();
        var channels = net.ConvUnits.Sum(u => u.Channels);
        return new ChannelSelection(keep, double.NaN, channels, keep.Sum(k => k.LongLength));
    }

    /// <summary>The uniform fraction whose pruned network has the fewest MACs ≥ <paramref name="macs"/> (bisection on the fraction).</summary>
    public static ChannelSelection AtFlops(VggNet net, long macs)
    {
        double lo = 0, hi = 0.999;
        var best = Select(net, 0);
        for (var i = 0; i < 30; i++)
        {
            var mid = (lo + hi) / 2;
            var selection = Select(net, mid);
            using var slim = VggSurgery.Shrink(net, selection.Keep);
            if (CnnOnnxExporter.MultiplyAccumulates(slim) >= macs) { lo = mid; best = selection; }
            else hi = mid;
        }
        return best;
    }
}
