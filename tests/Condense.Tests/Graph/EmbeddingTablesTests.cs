using Condense.Analysis;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization.Gptq;
using Google.Protobuf;
using Onnx;
using Xunit;

namespace Condense.Tests.Graph;

/// <summary>Embedding Gathers as layers: found, their held-out error, and a per-row quantized table through the compressor and ONNX Runtime.</summary>
public sealed class EmbeddingTablesTests
{
    const int Vocabulary = 300, Width = 8;

    static (OnnxModel Model, float[] Table) Model()
    {
        var rng = new Random(3);
        var table = Enumerable.Range(0, Vocabulary * Width).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var graph = new GraphProto { Name = "embed" };
        graph.Initializer.Add(OnnxTensorData.FromFloat32("table", table, [Vocabulary, Width]));
        graph.Input.Add(new ValueInfoProto { Name = "ids", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64 } } });
        graph.Node.Add(new NodeProto { OpType = "Gather", Name = "embed", Input = { "table", "ids" }, Output = { "y" } });
        graph.Output.Add(new ValueInfoProto { Name = "y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        var proto = new ModelProto { IrVersion = 7, Graph = graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        return (new OnnxModel(proto, "embed.onnx", null), table);
    }

    static IReadOnlyList<TensorProto> Ids(params long[] ids) => [OnnxTensorData.Int64("ids", ids, ids.Length)];

    [Fact]
    public void Find_AndRowCounts_ReadTheGatheredRows()
    {
        var (model, _) = Model();
        var table = Assert.Single(EmbeddingTables.Find(model));
        Assert.Equal((LinearLayerKind.Gather, "table", "ids", Vocabulary, Width, false), (table.Kind, table.Weight, table.Input, table.Rows, table.Columns, table.Transposed));
        Assert.Empty(EmbeddingTables.Find(model, minSize: Vocabulary * Width + 1));
        var counts = Assert.Single(EmbeddingTables.RowCounts(model, [table], [Ids(4, 4, 7), Ids(-1, 4)]));
        Assert.Equal(3, counts[4]);
        Assert.Equal(1, counts[7]);
        Assert.Equal(1, counts[Vocabulary - 1]);
        Assert.Equal(5, counts.Sum());
    }

    [Fact]
    public void HeldOutErrors_WeighRowsByTheirCounts()
    {
        float[] table = [3, 4, 1, 0, 0, 2];   // rows (3,4), (1,0), (0,2)
        float[] q = [3, 3, 0, 0, 0, 0];       // row errors² 1, 1, 4
        var e = EmbeddingTables.HeldOutErrors(table, 2, [2, 0, 1], q);
        Assert.Equal(Math.Sqrt((2 * 1 + 1 * 4) / (2 * 25.0 + 1 * 4)), Assert.Single(e), 12);
    }

    [Fact]
    public void HalfCodebooks_HalveTheCentroidBytes_AndOnnxRuntimeGathersTheirRows()
    {
        var (model, table) = Model();
        var book = new CodebookQuantizer(3);
        RoundToNearest.Solve(table, Vocabulary, Width, book);
        var plain = new OnnxQuantizedMatrix("rtn kmeans 3-bit per row", false, Codebook: book.Result());
        var (half, values) = EmbeddingTables.HalfCodebooks(plain)!.Value;
        Assert.True(half.HalfCentroids);
        Assert.All(half.Codebook!.Centroids, c => Assert.Equal(c, (float)(Half)c));
        Assert.Equal(values, half.Decoded());
        OnnxCompressionResult Write(OnnxQuantizedMatrix m) => OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Linear, 8, MinSize: long.MaxValue),
            new Dictionary<string, OnnxQuantizedMatrix>(StringComparer.Ordinal) { ["table"] = m });
        var small = Write(half);
        long Bytes(OnnxQuantizedMatrix m)
        {
            var g = new OnnxGraphBuilder(new HashSet<string>(StringComparer.Ordinal) { "T" }, opset: 13);
            m.Encode(g, [Vocabulary, Width], "T");
            return g.Bytes;
        }
        // 300 rows × 8 centroids: 2 bytes each instead of 4 (less the Cast node's few bytes).
        Assert.InRange(Bytes(plain) - Bytes(half), Vocabulary * 8 * 2 - 64, Vocabulary * 8 * 2);
        using var runner = new OnnxRuntimeRunner(small.Model.ToByteArray(), "embed");
        var y = OnnxTensorData.ToFloat32(Assert.Single(runner.Run(Ids(5, 123))));
        for (int c = 0; c < Width; c++) Assert.Equal((values[5 * Width + c], values[123 * Width + c]), (y[c], y[Width + c]));
    }

    [Fact]
    public void PerRowGrid_WrittenByTheCompressor_GathersTheDecodedRows()
    {
        var (model, table) = Model();
        var grid = new LinearGridQuantizer(4);
        var values = RoundToNearest.Solve(table, Vocabulary, Width, grid);
        var encoding = new OnnxQuantizedMatrix("rtn linear 4-bit per row", false, Grid: grid.Result());
        Assert.Equal(values, encoding.Decoded());
        var result = OnnxCompressor.Compress(model, new OnnxCompressionOptions(OnnxCompressionMethod.Linear, 8, MinSize: long.MaxValue),
            new Dictionary<string, OnnxQuantizedMatrix>(StringComparer.Ordinal) { ["table"] = encoding });
        Assert.True(result.ModelBytesAfter < model.Proto.CalculateSize() / 2);
        using var runner = new OnnxRuntimeRunner(result.Model.ToByteArray(), "embed");
        var y = OnnxTensorData.ToFloat32(Assert.Single(runner.Run(Ids(0, 299, 17))));
        long[] ids = [0, 299, 17];
        for (int i = 0; i < ids.Length; i++)
            for (int c = 0; c < Width; c++) Assert.Equal(values[ids[i] * Width + c], y[i * Width + c]);
    }
}
