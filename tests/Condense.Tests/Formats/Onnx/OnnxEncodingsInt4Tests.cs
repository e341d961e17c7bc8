using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Quantization.Gptq;
using Condense.Tests.Workflows;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>
/// 4-bit codes written as nibbles (a 256×2 table Gather) against the bit-plane layout written
/// before: ONNX Runtime must decode both to the same floats, bit for bit, in an opset-8 model, with
/// standard operators only (so the runtime folds them), and the new layout must not be larger.
/// </summary>
public sealed class OnnxEncodingsInt4Tests
{
    static OnnxQuantizedMatrix Solved(int rows, int columns, int block, bool codebook, bool transposed, int seed)
    {
        var rng = new Random(seed);
        var m = Enumerable.Range(0, rows * columns).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        IGptqQuantizer quantizer = codebook ? new CodebookQuantizer(4) : new LinearGridQuantizer(4, block);
        RoundToNearest.Solve(m, rows, columns, quantizer);
        return quantizer is LinearGridQuantizer grid
            ? new OnnxQuantizedMatrix("grid", transposed, Grid: grid.Result())
            : new OnnxQuantizedMatrix("codebook", transposed, Codebook: ((CodebookQuantizer)quantizer).Result());
    }

    /// <summary>A model whose only output is the decoded tensor: the decoder's nodes alone, run in ONNX Runtime.</summary>
    static (float[] Decoded, long Bytes, ModelProto Model) Decode(OnnxQuantizedMatrix m, long[] shape, bool bitPlanes)
    {
        var g = new OnnxGraphBuilder(new HashSet<string>(StringComparer.Ordinal) { "Y" }, opset: 8) { Int4AsBitPlanes = bitPlanes };
        m.Encode(g, shape, "Y");
        var graph = new GraphProto { Name = "decode" };
        graph.Initializer.AddRange(g.Initializers);
        graph.Initializer.AddRange(g.Shared);
        graph.Node.AddRange(g.Nodes);
        graph.Output.Add(new ValueInfoProto { Name = "Y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        var model = new ModelProto { IrVersion = 4, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 8 });
        using var runner = new OnnxRuntimeRunner(model.ToByteArray(), bitPlanes ? "bit planes" : "nibbles");
        var bytes = g.Bytes + g.Shared.Sum(t => (long)t.CalculateSize());
        return (OnnxTensorData.ToFloat32(Assert.Single(runner.Run([]))), bytes, model);
    }

    // Each at least 16 384 codes, so that the bit planes pay for their 8 KiB table and are written.
    [Theory]
    [InlineData(96, 576, 64, false, false)]   // a 3×3 conv's [O, I·9] in blocks of 64
    [InlineData(120, 147, 64, false, false)]  // a last, shorter block (ResNet's first conv: 3·7·7 columns)
    [InlineData(60, 301, 0, false, true)]     // per channel, an odd row, stored transposed like MatMul's B
    [InlineData(140, 120, 5, false, false)]   // odd blocks: nibble indices, then the expanded Sub and Mul
    [InlineData(96, 201, 0, true, false)]     // a 4-bit codebook, an odd count: nibble indices into the table
    public void Nibbles_decode_bit_for_bit_like_the_bit_planes_with_standard_operators_and_are_not_larger(int rows, int columns, int block, bool codebook, bool transposed)
    {
        var m = Solved(rows, columns, block, codebook, transposed, seed: rows + columns);
        long[] shape = transposed ? [columns, rows] : columns % 3 == 0 ? [rows, columns / 3, 3] : [rows, columns];
        var (old, oldBytes, oldModel) = Decode(m, shape, bitPlanes: true);
        var (now, nowBytes, model) = Decode(m, shape, bitPlanes: false);

        Assert.Contains(oldModel.Graph.Node, n => n.OpType == "ReduceSum");
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "ReduceSum");
        Assert.All(model.Graph.Node, n => Assert.Equal("", n.Domain));
        Assert.Contains(model.Graph.Initializer, t => t.Name == OnnxEncodings.NibbleTable);
        // Bit for bit: the same floats, not merely close ones, and both the encoder's own reconstruction.
        Assert.Equal(old.Select(BitConverter.SingleToInt32Bits), now.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(m.Decoded(), now);
        Assert.True(nowBytes <= oldBytes, $"nibbles {nowBytes} bytes vs bit planes {oldBytes}");
        Assert.True(nowBytes >= rows * columns / 2);
    }

    [Fact]
    public void Uint4_tensors_read_back_and_a_short_one_is_refused_naming_the_file()
    {
        // Condense's reader must take the uint4 tensors its GatherBlockQuantized writer stores (IR 10).
        var table = Enumerable.Range(0, 8 * 32).Select(i => (float)Math.Sin(i)).ToArray();
        var (tensors, node) = GatherBlockQuantizedWriter.Write(table, 8, 32, 16, "ids", "Y", "emb");
        var graph = new GraphProto { Name = "embedding" };
        graph.Initializer.AddRange(tensors);
        graph.Node.Add(node);
        graph.Input.Add(new ValueInfoProto { Name = "ids", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Int64 } } });
        graph.Output.Add(new ValueInfoProto { Name = "Y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        var model = new ModelProto { IrVersion = 10, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "com.microsoft", Version = 1 });
        using var dir = new TempDir();
        var path = dir.File("q4.onnx");
        OnnxWriter.Write(path, model);
        var codes = Assert.Single(OnnxReader.Read(path).Proto.Graph.Initializer, t => t.Name == "emb_q4");
        Assert.Equal(OnnxTensorData.Uint4, codes.DataType);
        Assert.Equal(8 * 32 / 2, codes.RawData.Length);
        Assert.Equal("UINT4", OnnxTensorData.TypeName(codes.DataType));

        model.Graph.Initializer.Single(t => t.Name == "emb_q4").RawData = ByteString.CopyFrom(new byte[8 * 32 / 2 - 1]);
        var broken = dir.File("short.onnx");
        OnnxWriter.Write(broken, model);
        var ex = Assert.Throws<InvalidFileException>(() => OnnxReader.Read(broken));
        Assert.Contains("short.onnx", ex.Message);
        Assert.Contains("raw_data holds 127 bytes", ex.Message);
        Assert.Contains("need 128", ex.Message);
    }
}
