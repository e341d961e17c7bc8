using Condense.Models.Cnn;
using static TorchSharp.torch;

namespace Condense.Tests.Models.Cnn;

/// <summary>Tiny CNNs with non-trivial BatchNorm state, so inference-mode identities are tested on real numbers.</summary>
static class CnnTestNets
{
    /// <summary>Random γ, β, running mean and variance in every BN; the model in eval mode.</summary>
    public static T Randomise<T>(T model, long seed) where T : CnnModel
    {
        using var g = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var u in model.ConvUnits)
        {
            if (u.Norm is not { } bn) continue;
            var c = bn.weight!.shape[0];
            bn.weight!.copy_(rand(c, generator: g) * 2 - 1);
            bn.bias!.copy_(randn(c, generator: g) * 0.3);
            bn.running_mean!.copy_(randn(c, generator: g) * 0.2);
            bn.running_var!.copy_(rand(c, generator: g) + 0.5);
        }
        model.eval();
        return model;
    }

    /// <summary>Images in [0, 1], count × 784.</summary>
    public static float[] Images(int count, long seed)
    {
        using var g = new Generator((ulong)seed);
        using var x = rand([count, 784], generator: g);
        return x.data<float>().ToArray();
    }

    public static double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();
}
