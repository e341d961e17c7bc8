using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Pruning.Slimming;

/// <summary>
/// BatchNorm fusion: at inference BN is an affine map per channel, so it folds into the conv
/// before it — W' = W·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β — and the network loses a layer per
/// conv with the same outputs (to rounding). The result is the same VggNet configuration with
/// BatchNorm off and conv biases on.
/// </summary>
internal static class BnFusion
{
    public static VggNet Fuse(VggNet net)
    {
        if (!net.BatchNorm) throw new CondenseException($"VGG '{net.Config}' has no BatchNorm to fuse");
        if (net.Order != ConvOrder.ConvBnReluPool)
            throw new CondenseException($"VGG '{net.Config}': BatchNorm after ReLU and max pool cannot be fused into the conv (a ReLU sits between them)");
        var fused = new VggNet(net.Config, false, net.Normalization, (int)net.Head.weight!.shape[0]);   // groups carry over: γ scales whole filters
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (var i = 0; i < net.ConvUnits.Count; i++)
        {
            var (src, dst) = (net.ConvUnits[i], fused.ConvUnits[i]);
            var bn = src.Norm!;
            var scale = bn.weight! / (bn.running_var! + 1e-5).sqrt();
            var w = src.Conv.weight! * scale.reshape(-1, 1, 1, 1);
            var b = src.Conv.bias is { } cb ? cb : zeros_like(bn.running_mean!);
            dst.Conv.weight!.copy_(w);
            dst.Conv.bias!.copy_((b - bn.running_mean!) * scale + bn.bias!);
        }
        fused.Head.weight!.copy_(net.Head.weight!);
        fused.Head.bias!.copy_(net.Head.bias!);
        fused.eval();
        return fused;
    }
}
