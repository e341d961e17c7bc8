using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;
using Condense.Tests.Workflows;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>
/// 4-bit codes written as GatherBlockQuantized (uint4) against the bit-plane layout written before:
/// ONNX Runtime must decode both to the same floats, bit for bit, in an opset-8 model, and the
/// new layout must not be larger.
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
        OnnxEncodings.DeclareGatherBlockQuantized(model, g.Nodes);
        using var runner = new OnnxRuntimeRunner(model.ToByteArray(), bitPlanes ? "bit planes" : "uint4");
        var bytes = g.Bytes + g.Shared.Sum(t => (long)t.CalculateSize());
        return (OnnxTensorData.ToFloat32(Assert.Single(runner.Run([]))), bytes, model);
    }

    // Each at least 16 384 codes, so that the bit planes pay for their 8 KiB table and are written.
    [Theory]
    [InlineData(96, 576, 64, false, false)]   // a 3×3 conv's [O, I·9] in blocks of 64: one GatherBlockQuantized
    [InlineData(120, 147, 64, false, false)]     // a last, shorter block (ResNet's first conv: 3·7·7 columns)
    [InlineData(60, 300, 0, false, true)]     // per-channel (one block per row), stored transposed like MatMul's B
    [InlineData(140, 120, 8, false, false)]   // blocks of 8, which the node cannot take: uint4 codes, then Sub and Mul
    [InlineData(96, 200, 0, true, false)]     // a 4-bit codebook: uint4 indices into the table
    public void Uint4_layout_decodes_bit_for_bit_like_the_bit_planes_and_is_not_larger(int rows, int columns, int block, bool codebook, bool transposed)
    {
        var m = Solved(rows, columns, block, codebook, transposed, seed: rows + columns);
        long[] shape = transposed ? [columns, rows] : columns % 3 == 0 ? [rows, columns / 3, 3] : [rows, columns];
        var (old, oldBytes, oldModel) = Decode(m, shape, bitPlanes: true);
        var (now, nowBytes, model) = Decode(m, shape, bitPlanes: false);

        Assert.Contains(oldModel.Graph.Node, n => n.OpType == "ReduceSum");
        Assert.Contains(model.Graph.Node, n => n.OpType == "GatherBlockQuantized" && n.Domain == "com.microsoft");
        Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "ReduceSum");
        Assert.Equal(10, model.IrVersion);
        Assert.Contains(model.OpsetImport, o => o.Domain == "com.microsoft" && o.Version == 1);
        // Bit for bit: the same floats, not merely close ones, and both the encoder's own reconstruction.
        Assert.Equal(old.Select(BitConverter.SingleToInt32Bits), now.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(m.Decoded(), now);
        Assert.True(nowBytes <= oldBytes, $"uint4 {nowBytes} bytes vs bit planes {oldBytes}");
        Assert.True(nowBytes >= rows * columns / 2);
    }

    [Fact]
    public void Written_uint4_files_read_back_and_a_short_uint4_tensor_is_refused_naming_it()
    {
        var (_, _, model) = Decode(Solved(32, 128, 64, codebook: false, transposed: false, seed: 5), [32, 128], bitPlanes: false);
        using var dir = new TempDir();
        var path = dir.File("q4.onnx");
        OnnxWriter.Write(path, model);
        var back = OnnxReader.Read(path);
        var codes = Assert.Single(back.Proto.Graph.Initializer, t => t.DataType == OnnxTensorData.Uint4 && t.Dims.SequenceEqual([32L, 128L]));
        Assert.Equal(32 * 128 / 2, codes.RawData.Length);
        Assert.Equal("UINT4", OnnxTensorData.TypeName(codes.DataType));

        model.Graph.Initializer.Single(t => t.Name == codes.Name).RawData = ByteString.CopyFrom(new byte[32 * 128 / 2 - 1]);
        var broken = dir.File("short.onnx");
        OnnxWriter.Write(broken, model);
        var ex = Assert.Throws<InvalidFileException>(() => OnnxReader.Read(broken));
        Assert.Contains("short.onnx", ex.Message);
        Assert.Contains($"raw_data holds {32 * 128 / 2 - 1} bytes", ex.Message);
        Assert.Contains("need 2048", ex.Message);
    }

    [Fact]
    public void Grids_with_power_of_2_blocks_are_one_node_and_others_are_not()
    {
        Assert.Equal(64L, OnnxEncodings.GatherBlockSize(new GridCodes(4, 2, 147, 64, new byte[294], new float[6], new byte[6])));
        Assert.Equal(256L, OnnxEncodings.GatherBlockSize(new GridCodes(4, 2, 147, 147, new byte[294], new float[2], new byte[2])));
        Assert.Equal(16L, OnnxEncodings.GatherBlockSize(new GridCodes(4, 2, 10, 10, new byte[20], new float[2], new byte[2])));
        Assert.Null(OnnxEncodings.GatherBlockSize(new GridCodes(4, 2, 147, 8, new byte[294], new float[38], new byte[38])));
        Assert.Null(OnnxEncodings.GatherBlockSize(new GridCodes(4, 2, 300, 100, new byte[600], new float[6], new byte[6])));
    }
}
