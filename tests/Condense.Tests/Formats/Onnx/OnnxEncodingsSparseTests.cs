using Condense.Codecs;
using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Formats.Onnx;

/// <summary>
/// The ONNX sparse layout is a layout of <see cref="RelativeIndex"/>'s encoding: one uint8 gap per
/// entry, padding entries for runs over 255, and positions rebuilt in the graph by CumSum. ONNX
/// Runtime must put every value back where it was, bit for bit, whatever the pattern.
/// </summary>
public sealed class OnnxEncodingsSparseTests
{
    /// <summary>The decoder's nodes alone in a model whose output is the decoded tensor, run in ONNX Runtime.</summary>
    static (float[] Decoded, float[] Predicted, OnnxGraphBuilder Builder) Decode(float[] values, long[] shape, SparseEntryLayout layout)
    {
        var g = new OnnxGraphBuilder(new HashSet<string>(StringComparer.Ordinal) { "Y" }, opset: 13);
        var predicted = OnnxEncodings.Sparse(g, values, shape, "Y", layout);
        var graph = new GraphProto { Name = "decode" };
        graph.Initializer.AddRange(g.Initializers);
        graph.Initializer.AddRange(g.Shared);
        graph.Node.AddRange(g.Nodes);
        graph.Output.Add(new ValueInfoProto { Name = "Y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float } } });
        var model = new ModelProto { IrVersion = 7, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        using var runner = new OnnxRuntimeRunner(model.ToByteArray(), "sparse");
        return (OnnxTensorData.ToFloat32(Assert.Single(runner.Run([]))), predicted, g);
    }

    /// <summary>Entries stored as float32 as they are, so the test sees the positions alone.</summary>
    static float[] Float32(OnnxGraphBuilder g, float[] entries, bool[] padding, string output)
    {
        g.Add(OnnxTensorData.FromFloat32(output, entries, [entries.Length]));
        return entries;
    }

    static float[] Pattern(int n, double density, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() < density ? (float)(rng.NextDouble() + 0.25) * (rng.Next(2) * 2 - 1) : 0f).ToArray();
    }

    [Theory]
    [InlineData(3000, 0.5, 1)]
    [InlineData(3000, 0.05, 2)]
    [InlineData(20000, 0.002, 3)]   // runs of hundreds of zeros: padding entries
    [InlineData(4096, 0.0005, 4)]   // two or three non-zeros: mostly padding
    public void Random_patterns_come_back_bit_for_bit_with_one_byte_per_entry(int n, double density, int seed)
    {
        var values = Pattern(n, density, seed);
        long[] shape = [n / 8, 8];
        var (decoded, predicted, g) = Decode(values, shape, Float32);
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), decoded.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(values, predicted);
        var gaps = Assert.Single(g.Initializers, t => t.Name == "Y::gaps_u8");
        Assert.Equal((int)DataType.Uint8, gaps.DataType);
        Assert.Equal(RelativeIndex.EntriesFor<float>(values, 8), gaps.RawData.Length);
        Assert.DoesNotContain(g.Initializers, t => t.DataType == (int)DataType.Int32);
        Assert.Contains(g.Nodes, node => node.OpType == "CumSum");
    }

    [Fact]
    public void Gaps_over_255_are_bridged_by_padding_entries_that_decode_to_zero()
    {
        var values = new float[1200];
        values[0] = 1.5f;      // gap 0
        values[256] = -2f;     // gap 255: fits, no padding
        values[513] = 3f;      // gap 256: one padding entry
        values[1199] = 4f;     // gap 685: two padding entries
        var (decoded, _, g) = Decode(values, [values.Length], Float32);
        Assert.Equal(values, decoded);
        var gaps = Assert.Single(g.Initializers, t => t.Name == "Y::gaps_u8").RawData.ToByteArray();
        Assert.Equal(new byte[] { 0, 255, 255, 0, 255, 255, 173 }, gaps);
        var entries = Assert.Single(g.Initializers, t => t.Name == "Y::nonzero");
        Assert.Equal(new[] { 1.5f, -2f, 0f, 3f, 0f, 0f, 4f }, OnnxTensorData.ToFloat32(entries));
    }

    [Fact]
    public void An_empty_tensor_and_a_full_one_decode_too()
    {
        var empty = new float[700];
        var (none, _, g) = Decode(empty, [7, 100], Float32);
        Assert.Equal(empty, none);
        Assert.Equal(0, Assert.Single(g.Initializers, t => t.Name == "Y::gaps_u8").RawData.Length);   // no entry: padding only ever precedes a value
        var full = Enumerable.Range(1, 300).Select(i => (float)i).ToArray();
        var (all, _, h) = Decode(full, [300], Float32);
        Assert.Equal(full, all);
        Assert.All(Assert.Single(h.Initializers, t => t.Name == "Y::gaps_u8").RawData, b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]   // a full 256-centroid codebook: the zero centroid needs uint16 indices
    public void KMeans_entries_keep_the_codebook_of_the_real_non_zeros_and_padding_decodes_to_zero(int bits)
    {
        var values = Pattern(40000, 0.02, bits);
        var (decoded, predicted, g) = Decode(values, [values.Length], (b, e, p, o) => OnnxEncodings.SparseKMeans(b, e, p, o, bits, seed: 0));
        Assert.Equal(predicted.Select(BitConverter.SingleToInt32Bits), decoded.Select(BitConverter.SingleToInt32Bits));
        var nonZero = values.Where(v => v != 0).ToArray();
        var dense = new KMeansCodec(bits, seed: 0).Encode(nonZero, [nonZero.Length], null).Decode();
        Assert.Equal(dense, predicted.Where((_, i) => values[i] != 0));
        Assert.All(predicted.Where((_, i) => values[i] == 0), v => Assert.Equal(0f, v));
        Assert.True(RelativeIndex.EntriesFor<float>(values, 8) > nonZero.Length, "the pattern must have padding entries");
        if (bits == 8) Assert.Contains(g.Initializers, t => t.DataType == (int)DataType.Uint16);
    }
}
