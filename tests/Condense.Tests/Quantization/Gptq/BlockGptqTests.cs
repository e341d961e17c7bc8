using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization;
using Condense.Quantization.Gptq;
using Condense.Tests.Graph;

namespace Condense.Tests.Quantization.Gptq;

public sealed class BlockGptqTests
{
    /// <summary>Rows x = z·A + noise, z of <paramref name="latent"/> dimensions: k strongly correlated features.</summary>
    internal static float[] Correlated(int rows, int k, int seed, int latent = 6)
    {
        var mix = TinyModels.Random(latent * k, 1000);
        var r = new Random(seed);
        var x = new float[rows * k];
        for (int i = 0; i < rows; i++)
        {
            var z = Enumerable.Range(0, latent).Select(_ => Gaussian(r)).ToArray();
            for (int j = 0; j < k; j++)
            {
                double s = 0.05 * Gaussian(r);
                for (int l = 0; l < latent; l++) s += z[l] * mix[l * k + j];
                x[i * k + j] = (float)s;
            }
        }
        return x;
    }

    static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    static HessianAccumulator Hessian(float[] x, int k)
    {
        var h = new HessianAccumulator(k);
        h.Add(x, x.Length / k);
        return h;
    }

    static double OutputError(float[] x, float[] w, float[] q, int rows, int k, int n)
    {
        var a = TinyModels.MatMul(x, w, rows, k, n);
        var b = TinyModels.MatMul(x, q, rows, k, n);
        return a.Zip(b).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second));
    }

    [Theory]
    [InlineData(4, 32)]
    [InlineData(4, 64)]
    [InlineData(2, 16)]
    public void On_correlated_inputs_GPTQ_has_less_held_out_output_error_than_round_to_nearest(int bits, int block)
    {
        const int k = 128, n = 24;
        var w = TinyModels.Random(k * n, 5, 0.2f);
        using var h = Hessian(Correlated(400, k, 1), k);
        var gptq = BlockGptq.Solve(w, k, n, h, bits, block);
        var rtn = BlockCodes.RoundToNearest(w, k, n, bits, block, symmetric: false);
        var held = Correlated(200, k, 2);
        var eg = OutputError(held, w, gptq.Dequantize(), 200, k, n);
        var er = OutputError(held, w, rtn.Dequantize(), 200, k, n);
        Assert.True(eg < er, $"GPTQ {eg:G4} vs round-to-nearest {er:G4}");
    }

    [Fact]
    public void Without_compensation_the_grid_is_exactly_round_to_nearests()
    {
        // Same grid, same rounding: only the error compensation separates GPTQ from RTN.
        const int k = 96, n = 10; // the last block is shorter
        var w = TinyModels.Random(k * n, 8, 0.3f);
        var ours = BlockGptq.RoundToNearest(w, k, n, 4, 32);
        var theirs = BlockCodes.RoundToNearest(w, k, n, 4, 32, symmetric: false);
        Assert.Equal(theirs.Scales, ours.Scales);
        Assert.Equal(theirs.ZeroPoints, ours.ZeroPoints);
        Assert.Equal(theirs.Codes, ours.Codes);
    }

    [Theory]
    [InlineData(4, 32)]
    [InlineData(4, 64)]
    public void GPTQ_codes_through_MatMulNBits_decode_in_ONNX_Runtime_to_BlockCodes_Dequantize(int bits, int block)
    {
        const int k = 160, n = 12; // 160 is not a multiple of 64: a padded last block
        var (model, w, b) = TinyModels.MatMulAdd(k, n, seed: 4);
        using var h = Hessian(Correlated(300, k, 3), k);
        var codes = BlockGptq.Solve(w, k, n, h, bits, block);
        WeightOnlyQuantizer.Quantize(model, bits, block, accuracyLevel: 0, symmetric: false, embeddings: false, (name, _, _, _) => name == "W" ? codes : null);
        Assert.Contains(model.Graph.Node, node => node.OpType == "MatMulNBits");
        // X = I: the output rows are the decoded weight rows (+ b).
        var identity = new float[k * k];
        for (int i = 0; i < k; i++) identity[i * k + i] = 1;
        var y = TinyModels.Run(model, OnnxTensorData.FromFloat32("X", identity, [k, k]));
        var expected = codes.Dequantize();
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i] + b[i % n], y[i], 1e-6f);
        // And the codes differ from round-to-nearest's (the compensation did something).
        Assert.NotEqual(BlockCodes.RoundToNearest(w, k, n, bits, block, false).Codes, codes.Codes);
    }
}
