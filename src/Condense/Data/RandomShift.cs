using static TorchSharp.torch;

namespace Condense.Data;

/// <summary>
/// Data augmentation by translation (the "jittered" MNIST of LeCun et al. and Simard et al. 2003,
/// in its simplest form): each 28 × 28 image of a batch moved by its own random whole-pixel
/// offset (dx, dy) ∈ [−max, max]², the uncovered border filled with 0 (MNIST's background).
/// Offsets come from a seeded generator, so two runs whose generators share a seed see the very
/// same shifted images (what makes a distillation study's two runs comparable).
/// </summary>
public static class RandomShift
{
    /// <summary>A new N × 784 tensor: every row of <paramref name="images"/> (N × 784, background 0) shifted by its own offset.</summary>
    public static Tensor Apply(Tensor images, int maxShift, Generator generator)
    {
        if (maxShift is < 0 or > 8) throw new CondenseException($"shift {maxShift} must be in 0–8 pixels");
        if (images.dim() != 2 || images.shape[1] != 784)
            throw new CondenseException($"shifted copies need 28 × 28 images (N × 784), not [{string.Join(", ", images.shape)}]; set the shift to 0");
        var n = images.shape[0];
        using var offsets = randint(-maxShift, maxShift + 1, [n, 2], generator: generator, dtype: int64);
        return Apply(images, maxShift, offsets);
    }

    /// <summary>Shifts row i by (dx, dy) = (offsets[i, 0], offsets[i, 1]) pixels, each in [−maxShift, maxShift]:
    /// out[i, r, c] = in[i, r − dy, c − dx], 0 where that falls outside the image.</summary>
    public static Tensor Apply(Tensor images, int maxShift, Tensor offsets)
    {
        using var scope = NewDisposeScope();
        var n = images.shape[0];
        var side = 28 + 2 * maxShift;
        var padded = nn.functional.pad(images.view(n, 28, 28), [maxShift, maxShift, maxShift, maxShift]).reshape(n, side * side);
        var rows = arange(28, dtype: int64).view(28, 1);
        var cols = arange(28, dtype: int64).view(1, 28);
        var grid = ((rows + maxShift) * side + cols + maxShift).view(1, 784);
        var dx = offsets.select(1, 0).view(n, 1);
        var dy = offsets.select(1, 1).view(n, 1);
        var index = grid - dy * side - dx;
        return padded.gather(1, index).MoveToOuterDisposeScope();
    }
}
