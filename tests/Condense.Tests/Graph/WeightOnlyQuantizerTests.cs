using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization;
using Onnx;

namespace Condense.Tests.Graph;

public sealed class WeightOnlyQuantizerTests
{
    [Theory]
    [InlineData(4, 32, false)]
    [InlineData(4, 16, true)]
    [InlineData(2, 32, false)]
    [InlineData(8, 64, false)]
    public void MatMulNBits_computes_x_times_the_dequantized_codes(int bits, int block, bool symmetric)
    {
        const int k = 80, n = 24, rows = 3; // k is not a multiple of the block: the last block is padded
        var (model, w, b) = TinyModels.MatMulAdd(k, n, seed: bits);
        var codes = BlockCodes.RoundToNearest(w, k, n, bits, block, symmetric);
        // accuracy_level 0 computes in float: the result is exactly X × dequantized W (+ b).
        var result = WeightOnlyQuantizer.Quantize(model, bits, block, accuracyLevel: 0, symmetric, embeddings: false);
        Assert.Equal(1, result.MatMuls);
        Assert.Contains(model.Graph.Node, node => node.OpType == "MatMulNBits" && node.Domain == "com.microsoft");
        Assert.DoesNotContain(model.Graph.Initializer, t => t.Name == "W");
        var x = TinyModels.Random(rows * k, 7);
        var y = TinyModels.Run(model, OnnxTensorData.FromFloat32("X", x, [rows, k]));
        var expected = TinyModels.MatMul(x, codes.Dequantize(), rows, k, n);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i] + b[i % n], y[i], 1e-3f);
        // And RTN is within half a step of the float weights.
        var dq = codes.Dequantize();
        var maxStep = codes.Scales.Max();
        Assert.All(w.Zip(dq), p => Assert.True(Math.Abs(p.First - p.Second) <= maxStep / 2 + 1e-6f));
    }

    [Fact]
    public void Accuracy_level_4_stays_close_to_float()
    {
        const int k = 256, n = 64;
        var (model, w, b) = TinyModels.MatMulAdd(k, n, seed: 3);
        WeightOnlyQuantizer.Quantize(model, 4, 32, accuracyLevel: 4, symmetric: false, embeddings: false);
        var x = TinyModels.Random(2 * k, 5);
        var y = TinyModels.Run(model, OnnxTensorData.FromFloat32("X", x, [2, k]));
        var exact = TinyModels.MatMul(x, w, 2, k, n).Select((v, i) => v + b[i % n]).ToArray();
        Assert.True(Cosine(exact, y) > 0.99, $"cosine {Cosine(exact, y)}");
    }

    [Fact]
    public void Codes_from_elsewhere_are_written_as_given()
    {
        const int k = 32, n = 2;
        var (model, _, b) = TinyModels.MatMulAdd(k, n, seed: 1);
        // Codes chosen by hand (as GPTQ would hand them over): column 0 all 9, column 1 all 3; zero 8, scales 0.5 / 2.
        var given = new BlockCodes(k, n, 4, 32, [.. Enumerable.Repeat((byte)9, k), .. Enumerable.Repeat((byte)3, k)], [0.5f, 2f], [8, 8]);
        WeightOnlyQuantizer.Quantize(model, 4, 32, 0, false, false, (_, _, _, _) => given);
        var y = TinyModels.Run(model, OnnxTensorData.FromFloat32("X", Enumerable.Repeat(1f, k).ToArray(), [1, k]));
        Assert.Equal(k * 0.5f + b[0], y[0], 1e-4f);
        Assert.Equal(k * -10f + b[1], y[1], 1e-3f);
    }

    [Fact]
    public void GatherBlockQuantized_returns_the_dequantized_rows()
    {
        const int rows = 50, dim = 64;
        var (model, table) = TinyModels.Embedding(rows, dim, seed: 2);
        var result = WeightOnlyQuantizer.Quantize(model, 4, 32, 4, false, embeddings: true);
        Assert.Equal(1, result.Gathers);
        Assert.Equal(10, model.IrVersion);
        long[] ids = [0, 7, 49, 7];
        var y = TinyModels.Run(model, OnnxTensorData.Int64("ids", ids, 1, ids.Length));
        Assert.Equal(ids.Length * dim, y.Length);
        for (int i = 0; i < ids.Length; i++)
            for (int d = 0; d < dim; d++)
            {
                var block = table.AsSpan((int)ids[i] * dim + d / 32 * 32, 32).ToArray();
                var step = (Math.Max(0, block.Max()) - Math.Min(0, block.Min())) / 15f;
                Assert.True(Math.Abs(table[ids[i] * dim + d] - y[i * dim + d]) <= step / 2 + 1e-5f);
            }
    }

    [Fact]
    public void Unsupported_bit_widths_are_refused_in_one_line()
    {
        var (model, _, _) = TinyModels.MatMulAdd(32, 4, 0);
        var ex = Assert.Throws<CondenseException>(() => WeightOnlyQuantizer.Quantize(model, 3, 32, 4, false, false));
        Assert.Contains("3", ex.Message);
    }

    static double Cosine(float[] a, float[] b)
    {
        double d = 0, x = 0, y = 0;
        for (int i = 0; i < a.Length; i++) { d += a[i] * b[i]; x += a[i] * a[i]; y += b[i] * b[i]; }
        return d / Math.Sqrt(x * y);
    }
}
