using Condense.Models;
using Condense.Pruning;
using FsCheck.Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests.Properties;

/// <summary>
/// Pruning is monotone and path-independent: pruning to sparsity s and then on to s′ ≥ s leaves
/// exactly the mask that pruning straight to s′ leaves, for magnitude and structured pruning,
/// ties included (PropertyData's weights hold exact zeros and repeated values).
/// </summary>
public class PruningProperties
{
    [Property(MaxTest = 120)]
    public void Pruning_to_s_then_to_s_prime_equals_pruning_to_s_prime(int seed, int rowKnob, int colKnob, ushort firstKnob, ushort secondKnob, bool structured)
    {
        int rows = PropertyData.Dim(rowKnob, 12), cols = PropertyData.Dim(colKnob, 40);
        var w = PropertyData.Weights(seed, rows, cols);
        long candidates = structured ? rows : rows * cols;
        long first = firstKnob % (candidates + 1);
        long total = first + secondKnob % (candidates - first + 1);
        PruningMethod By(long count) => structured
            ? new LnStructured(PruningAmount.OfCount(count), n: 1)
            : new L1Unstructured(PruningAmount.OfCount(count));

        using var scope = NewDisposeScope();
        var stepwise = Layer(w, rows, cols);
        using var stepwiseMasks = new MaskSet();
        Prune.Apply(stepwiseMasks, stepwise, By(first));
        var twice = Prune.Apply(stepwiseMasks, stepwise, By(total - first));   // amounts count the still-alive candidates
        var direct = Layer(w, rows, cols);
        var once = Prune.Apply(new MaskSet(), direct, By(total));

        Assert.Equal(once.data<float>().ToArray(), twice.data<float>().ToArray());
        Assert.Equal(direct.weight!.data<float>().ToArray(), stepwise.weight!.data<float>().ToArray());
        var pruned = structured ? rows - (long)(once.amax([1]) > 0).sum().item<long>() : rows * cols - (long)once.sum().item<float>();
        Assert.Equal(total, pruned);
    }

    static TorchSharp.Modules.Linear Layer(float[] w, int rows, int cols)
    {
        var layer = nn.Linear(cols, rows);
        using (no_grad()) layer.weight!.copy_(tensor(w, [rows, cols]));
        return layer;
    }
}
