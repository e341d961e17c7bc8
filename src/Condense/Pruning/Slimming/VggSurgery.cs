using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Pruning.Slimming;

/// <summary>
/// Physically removes output channels from a <see cref="VggNet"/>: the result is a new, smaller
/// VggNet (configuration with the kept counts) whose conv filters, conv biases, BatchNorm
/// parameters and running statistics are the kept channels' values, whose next conv reads only
/// the kept input channels, and whose Linear head reads only the last unit's kept channels. With
/// the removed channels' BN γ and β at zero (<see cref="Mask"/>), the two networks compute the
/// same function; that is what makes slimming and filter pruning real size and FLOPs savings.
/// </summary>
public static class VggSurgery
{
    /// <param name="net">A VggNet of plain 3×3 units (no depthwise-separable ones).</param>
    /// <param name="keep">Per conv unit, the ascending output channels to keep (at least one each).</param>
    public static VggNet Shrink(VggNet net, IReadOnlyList<long[]> keep)
    {
        var units = net.ConvUnits;
        Check(net, keep);
        var tokens = VggNet.Tokens(net.Config);
        var counts = new Queue<long[]>(keep);
        var config = string.Join(",", tokens.Select(t => t == "M" ? "M" : counts.Dequeue().Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var slim = new VggNet(config, net.BatchNorm, net.Normalization, (int)net.Head.weight!.shape[0]);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        Tensor? inputs = null;
        for (var i = 0; i < units.Count; i++)
        {
            var (src, dst) = (units[i], slim.ConvUnits[i]);
            var rows = tensor(keep[i]);
            var w = src.Conv.weight!.index_select(0, rows);
            if (inputs is not null) w = w.index_select(1, inputs);
            dst.Conv.weight!.copy_(w);
            if (src.Conv.bias is { } b) dst.Conv.bias!.copy_(b.index_select(0, rows));
            if (src.Norm is { } bn && dst.Norm is { } nb)
            {
                nb.weight!.copy_(bn.weight!.index_select(0, rows));
                nb.bias!.copy_(bn.bias!.index_select(0, rows));
                nb.running_mean!.copy_(bn.running_mean!.index_select(0, rows));
                nb.running_var!.copy_(bn.running_var!.index_select(0, rows));
            }
            inputs = rows;
        }
        slim.Head.weight!.copy_(net.Head.weight!.index_select(1, inputs!));
        slim.Head.bias!.copy_(net.Head.bias!);
        slim.train(net.training);
        return slim;
    }

    /// <summary>Zeroes γ and β of every channel not in <paramref name="keep"/> (in place): the masked network Shrink must equal.</summary>
    public static void Mask(VggNet net, IReadOnlyList<long[]> keep)
    {
        Check(net, keep);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (var i = 0; i < net.ConvUnits.Count; i++)
        {
            var bn = net.ConvUnits[i].Norm ?? throw new CondenseException($"{net.ConvUnits[i].Name}: masking channels needs a BatchNorm");
            var mask = zeros(bn.weight!.shape[0]);
            mask.index_fill_(0, tensor(keep[i]), 1);
            bn.weight!.mul_(mask);
            bn.bias!.mul_(mask);
        }
    }

    static void Check(VggNet net, IReadOnlyList<long[]> keep)
    {
        if (VggNet.Tokens(net.Config).Any(t => t.StartsWith('d') || t.Contains('g')) || net.Order != ConvOrder.ConvBnReluPool)
            throw new CondenseException($"VGG '{net.Config}': channel surgery works on plain 3×3 conv→BN units, not depthwise-separable, grouped or reordered ones");
        if (keep.Count != net.ConvUnits.Count)
            throw new CondenseException($"channel selection has {keep.Count} layers, the network {net.ConvUnits.Count} conv units");
        for (var i = 0; i < keep.Count; i++)
        {
            var c = net.ConvUnits[i].Channels;
            if (keep[i].Length == 0 || keep[i].Any(k => k < 0 || k >= c) || keep[i].Zip(keep[i].Skip(1)).Any(p => p.First >= p.Second))
                throw new CondenseException($"{net.ConvUnits[i].Name}: kept channels must be ascending, distinct, in 0–{c - 1} and at least one");
        }
    }
}
