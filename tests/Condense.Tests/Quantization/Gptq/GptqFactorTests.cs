using Condense.Quantization.Gptq;
using static TorchSharp.torch;

namespace Condense.Tests.Quantization.Gptq;

public sealed class GptqFactorTests
{
    [Theory]
    [InlineData(7)]
    [InlineData(512)]
    [InlineData(1300)]
    public void The_blocked_lower_inverse_is_the_inverse_and_equals_one_triangular_solve(int n)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = randn(n + 40, n, dtype: ScalarType.Float64);
        var h = x.t().mm(x) + eye(n, dtype: ScalarType.Float64);
        var lower = linalg.cholesky(h).to_type(ScalarType.Float32);
        var inverse = GptqFactor.LowerInverse(lower);
        // Lower triangular: exactly 0 above the diagonal.
        Assert.Equal(0.0, inverse.triu(1).abs().max().item<float>());
        // L·L⁻¹ = I (in float64 from the float32 factors).
        var product = lower.to_type(ScalarType.Float64).mm(inverse.to_type(ScalarType.Float64));
        var offIdentity = (product - eye(n, dtype: ScalarType.Float64)).abs().max().item<double>();
        Assert.True(offIdentity < 1e-3, $"max |L·L⁻¹ − I| = {offIdentity}");
        // The same values as the one solve against the whole identity, to float32 rounding.
        var one = linalg.solve_triangular(lower, eye(n, dtype: ScalarType.Float32), upper: false);
        var scale = one.abs().max().item<float>();
        var difference = (inverse - one).abs().max().item<float>();
        Assert.True(difference <= 1e-4 * scale, $"max difference {difference} against max entry {scale}");
        // And against an independent float64 inverse.
        var exact = linalg.inv(lower.to_type(ScalarType.Float64));
        var fromExact = (inverse.to_type(ScalarType.Float64) - exact).abs().max().item<double>();
        Assert.True(fromExact <= 1e-4 * scale, $"max difference {fromExact} from the float64 inverse");
    }
}
