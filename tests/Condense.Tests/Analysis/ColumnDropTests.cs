using Condense.Analysis;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization.Gptq;
using Google.Protobuf;
using Onnx;
using Xunit;

namespace Condense.Tests.Analysis;

/// <summary>Settings that do not store some input columns: parsing, GPTQ on the rest, and the decoder in ONNX Runtime.</summary>
public sealed class ColumnDropTests
{
    [Fact]
    public void Parse_ReadsTheDropSuffix()
    {
        Assert.Equal(-1, QuantizationSetting.Parse("g4").DropPercent);
        Assert.Equal(0, QuantizationSetting.Parse("g4z").DropPercent);
        var k = QuantizationSetting.Parse("k3z10");
        Assert.True(k.Codebook);
        Assert.Equal((3, 10, true), (k.Bits, k.DropPercent, k.Gptq));
        Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("g4z-rtn"));
        Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("g4b32z"));
        Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("g4z95"));
        var split = QuantizationSetting.Parse("g3+25");
        Assert.Equal((3, 25, 0, false), (split.Bits, split.SplitPercent, split.DropPercent, split.Codebook));
        Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("g8+25"));
        Assert.Throws<CondenseException>(() => QuantizationSetting.Parse("g4+25-rtn"));
    }

    const int Rows = 6, Columns = 12;
    static readonly int[] Dead = [2, 5, 9];

    // W and H = XᵀX with three columns that never see input, X scaled so that the live diagonal sums to 9:
    // GPTQ's dampening (1 % of the mean diagonal, a dead column counted as 1) is then the same with and without them.
    static (float[] W, double[] H) Layer()
    {
        var rng = new Random(5);
        var w = Enumerable.Range(0, Rows * Columns).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var x = new double[40 * Columns];
        for (int i = 0; i < 40; i++)
            for (int j = 0; j < Columns; j++) x[i * Columns + j] = Dead.Contains(j) ? 0 : rng.NextDouble() - 0.3;
        var h = new double[Columns * Columns];
        for (int a = 0; a < Columns; a++)
            for (int b = 0; b < Columns; b++)
                for (int i = 0; i < 40; i++) h[a * Columns + b] += x[i * Columns + a] * x[i * Columns + b];
        var live = Enumerable.Range(0, Columns).Sum(j => h[j * Columns + j]);
        for (int i = 0; i < h.Length; i++) h[i] *= 9 / live;
        return (w, h);
    }

    [Fact]
    public void DeadColumnsDropped_GptqOnTheRestExactly()
    {
        var (w, h) = Layer();
        var kept = Enumerable.Range(0, Columns).Where(j => !Dead.Contains(j)).ToArray();
        var layer = new LinearLayer("fc", LinearLayerKind.Gemm, "W", "X", [Rows, Columns], Rows, Columns, 1, false);
        using var factor = GptqFactor.Of(h, Columns, new GptqOptions());
        var (encoding, values) = ColumnDrop.Quantize(layer, w, factor, QuantizationSetting.Parse("g4z"), 0);
        Assert.Equal(kept, encoding.KeptColumns);

        // The reference: the dead columns removed from W and H before GPTQ.
        var wr = new float[Rows * kept.Length];
        var hr = new double[kept.Length * kept.Length];
        for (int r = 0; r < Rows; r++)
            for (int k = 0; k < kept.Length; k++) wr[r * kept.Length + k] = w[r * Columns + kept[k]];
        for (int a = 0; a < kept.Length; a++)
            for (int b = 0; b < kept.Length; b++) hr[a * kept.Length + b] = h[kept[a] * Columns + kept[b]];
        var grid = new LinearGridQuantizer(4);
        var reference = GptqSolver.Solve(wr, Rows, kept.Length, hr, grid, new GptqOptions());
        for (int r = 0; r < Rows; r++)
            for (int j = 0; j < Columns; j++)
            {
                var k = Array.IndexOf(kept, j);
                Assert.Equal(k < 0 ? 0 : reference[r * kept.Length + k], values[r * Columns + j], 6);
            }
        Assert.Equal(grid.Result().Codes, encoding.Grid!.Codes);
        Assert.Equal(values, encoding.Decoded());
    }

    [Fact]
    public void PercentDropsTheLeastSalientLiveColumnsToo()
    {
        var (w, h) = Layer();
        var energy = Enumerable.Range(0, Columns).Select(j => h[j * Columns + j]).ToArray();
        var kept = ColumnDrop.Kept(energy, w, Rows, Columns, 50);
        Assert.Equal(6, kept.Length);
        Assert.DoesNotContain(kept, Dead.Contains);
        double Saliency(int j) => energy[j] * Enumerable.Range(0, Rows).Sum(r => (double)w[r * Columns + j] * w[r * Columns + j]);
        var droppedLive = Enumerable.Range(0, Columns).Where(j => !Dead.Contains(j) && !kept.Contains(j)).ToList();
        Assert.True(droppedLive.Max(Saliency) <= kept.Min(Saliency));
        var salient = ColumnDrop.Salient(energy, w, Rows, Columns, kept, 50);
        Assert.Equal(3, salient.Count);
        Assert.True(kept.Where(j => !salient.Contains(j)).Max(Saliency) <= salient.Min(Saliency));
    }

    [Fact]
    public void TableSplit_RoundsEachPartOnItsOwnGrid()
    {
        // A table whose column 1 is ten times the others: split off, the rest gets a grid of its own range.
        var rng = new Random(9);
        int rows = 20, columns = 10;
        var w = Enumerable.Range(0, rows * columns).Select(i => (float)((rng.NextDouble() - 0.5) * (i % columns == 1 ? 10 : 1))).ToArray();
        var table = new LinearLayer("embed", LinearLayerKind.Gather, "T", "ids", [rows, columns], rows, columns, 1, false);
        var (encoding, values) = ColumnDrop.Quantize(table, w, null, QuantizationSetting.Parse("g2+10"), 0);
        Assert.Equal([1], encoding.Extra!.KeptColumns);
        // Nothing to drop (every column weighs alike): the plain encoding, no column index.
        Assert.Null(ColumnDrop.Quantize(table, w, null, QuantizationSetting.Parse("g2z"), 0).Encoding.KeptColumns);
        Assert.Equal(values, encoding.Decoded());
        var low = new LinearGridQuantizer(2);
        var rest = Enumerable.Range(0, rows * columns).Where(i => i % columns != 1).Select(i => w[i]).ToArray();
        var expected = RoundToNearest.Solve(rest, rows, columns - 1, low);
        Assert.Equal(expected, Enumerable.Range(0, rows * columns).Where(i => i % columns != 1).Select(i => values[i]).ToArray());
    }

    [Theory]
    [InlineData(false, "g3z", false)]
    [InlineData(true, "g3z", false)]
    [InlineData(true, "k3z", false)]
    [InlineData(false, "g3+50", false)]
    [InlineData(true, "k2+25", false)]
    [InlineData(false, "g3+50", true)]
    [InlineData(false, "k3z", true)]
    public void Decoder_InOnnxRuntime_GivesTheDecodedMatrix(bool transposed, string setting, bool conv)
    {
        var (w, h) = Layer();
        // A Conv's weight [6, 3, 2, 2] is its unfolded matrix [6, 12] in the same element order.
        var layer = conv ? new LinearLayer("conv", LinearLayerKind.Conv, "W", "X", [Rows, 3, 2, 2], Rows, Columns, 1, false)
            : new LinearLayer("fc", transposed ? LinearLayerKind.MatMul : LinearLayerKind.Gemm, "W", "X",
            transposed ? [Columns, Rows] : [Rows, Columns], Rows, Columns, 1, transposed);
        using var factor = GptqFactor.Of(h, Columns, new GptqOptions());
        var parsed = QuantizationSetting.Parse(setting);
        var (encoding, values) = ColumnDrop.Quantize(layer, w, factor, parsed, 0);
        Assert.Equal(values, (encoding with { Transposed = false }).Decoded());
        if (parsed.SplitPercent > 0)
        {
            // The salient part: the right share of the live columns, one bit more, disjoint from the rest.
            var extra = Assert.IsType<OnnxQuantizedMatrix>(encoding.Extra);
            Assert.Equal((int)Math.Round((Columns - Dead.Length) * parsed.SplitPercent / 100.0), extra.KeptColumns!.Count);
            Assert.Equal(parsed.Bits + 1, extra.Grid?.Bits ?? extra.Codebook!.Bits);
            Assert.Empty(extra.KeptColumns.Intersect(encoding.KeptColumns!));
            Assert.Equal(Columns - Dead.Length, extra.KeptColumns.Count + encoding.KeptColumns!.Count);
        }
        var g = new OnnxGraphBuilder(new HashSet<string>(StringComparer.Ordinal) { "Y" }, opset: 13);
        encoding.Encode(g, layer.Shape, "Y");
        var graph = new GraphProto { Name = "decode" };
        graph.Initializer.AddRange(g.Initializers);
        graph.Initializer.AddRange(g.Shared);
        graph.Node.AddRange(g.Nodes);
        graph.Output.Add(new ValueInfoProto { Name = "Y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        var model = new ModelProto { IrVersion = 7, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        using var runner = new OnnxRuntimeRunner(model.ToByteArray(), "kept columns");
        var y = Assert.Single(runner.Run([]));
        Assert.Equal(layer.Shape, y.Dims.ToArray());
        Assert.Equal(encoding.Decoded(), OnnxTensorData.ToFloat32(y));
        if (!conv) return;
        // Before opset 5 Reshape takes no shape input: one line, naming the tensor.
        var old = new OnnxGraphBuilder(new HashSet<string>(StringComparer.Ordinal) { "Y" }, opset: 4);
        Assert.Equal("Y: kept columns of a 4-D weight need opset ≥ 5 (Reshape), not 4",
            Assert.Throws<CondenseException>(() => encoding.Encode(old, layer.Shape, "Y")).Message);
    }

    [Fact]
    public void GroupedConv_IsRefused()
    {
        var (w, h) = Layer();
        var grouped = new LinearLayer("dw", LinearLayerKind.Conv, "W", "X", [Rows, 3, 2, 2], Rows / 2, Columns, 2, false);
        using var factor = GptqFactor.Of(h, Columns, new GptqOptions());
        Assert.False(ColumnDrop.Applies(grouped));
        Assert.Contains("not from a Conv of 2 groups", Assert.Throws<CondenseException>(() => ColumnDrop.Quantize(grouped, w, factor, QuantizationSetting.Parse("g3+50"), 0)).Message);
    }
}
