using TorchSharp;
using static TorchSharp.torch;

namespace Condense.Tests;

/// <summary>Proves the native LibTorch bridge loads and computes, not merely that it is referenced.</summary>
public class TorchSharpLoadsTests
{
    [Fact]
    public void SvdOfKnownMatrixGivesItsSingularValues()
    {
        using var scope = NewDisposeScope();
        // A = U diag(5, 2) Vᵀ with a rotation U; its singular values are 5 and 2 whatever U is.
        var a = tensor(new double[] { 3, 4, -4, 3 }, 2, 2).matmul(diag(tensor(new double[] { 1, 0.4 }))) ;
        var s = linalg.svdvals(a).data<double>().ToArray();
        Assert.Equal(5.0, s[0], 12);
        Assert.Equal(2.0, s[1], 12);
    }

    [Fact]
    public void MatmulMatchesHandComputation()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, a.matmul(b).data<float>().ToArray());
    }
}
