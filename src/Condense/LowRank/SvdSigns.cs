using TorchSharp;
using static TorchSharp.torch;

namespace Condense.LowRank;

/// <summary>
/// Makes an SVD's signs deterministic (scikit-learn's <c>svd_flip</c>, u-based): each left singular
/// vector's largest-magnitude entry is made positive and its right vector flipped with it, so the
/// same matrix gives the same factors whatever LAPACK path produced them, and exact and randomized
/// factors can be compared column by column.
/// </summary>
internal static class SvdSigns
{
    public static void Flip(ref Tensor u, ref Tensor vh)
    {
        var index = u.abs().argmax(0, keepdim: true);
        var signs = u.gather(0, index).sign();
        signs = where(signs == 0, ones_like(signs), signs);
        u = u * signs;
        vh = vh * signs.t();
    }
}
