using System.IO.Compression;
using System.Text;
using Condense.Data;
using Condense.DeepCompression;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Imaging;
using Condense.Pruning;
using Condense.Tests.Imaging;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Fuzz;

/// <summary>
/// A 1 KB file that claims a 100 GB tensor (or image, or array): every reader refuses it with
/// <see cref="InvalidFileException"/> before allocating, measured as the managed bytes this
/// thread allocates during the call (the second call, so that JIT and type loading are not counted).
/// </summary>
public sealed class HugeClaimTests : IDisposable
{
    const long Budget = 4 << 20;   // 4 MiB: buffers and messages, nowhere near the claim
    const long HundredGb = 100_000_000_000;

    readonly string dir = Directory.CreateTempSubdirectory("condense-huge-claim").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static void RefusedWithinBudget(Action read)
    {
        Assert.Throws<InvalidFileException>(read);          // warm-up: JIT, statics
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<InvalidFileException>(read);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < Budget, $"allocated {allocated} bytes reading a 1 KB file");
    }

    static byte[] Safetensors(string header)
    {
        var json = Encoding.UTF8.GetBytes(header.PadRight(1016));
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json];
    }

    [Theory]
    [InlineData("F32", "[25000000000]", "[0, 100000000000]")]     // offsets past the end of the file
    [InlineData("F64", "[12500000000]", "[0, 8]")]                // shape disagrees with offsets
    [InlineData("U8", "[100000, 1000000]", "[100000000000, 100000000000]")]
    public void Safetensors_refuses_a_1KB_file_claiming_100GB(string dtype, string shape, string offsets)
    {
        var path = Write("huge.safetensors", Safetensors($"{{\"w\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}}}"));
        Assert.Equal(1024, new FileInfo(path).Length);
        RefusedWithinBudget(() => SafetensorsReader.Open(path).Dispose());
    }

    static byte[] IdxHeader(params uint[] dims)
    {
        var header = new byte[4 + 4 * dims.Length];
        header[2] = 0x08;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return header;
    }

    [Fact]
    public void Idx_refuses_a_1KB_file_claiming_100GB()
    {
        var header = IdxHeader(100_000, 1_000, 1_000);
        var path = Write("huge.idx", [.. header, .. new byte[1024 - header.Length]]);
        RefusedWithinBudget(() => IdxReader.Read(path));
    }

    [Fact]
    public void Idx_refuses_a_1KB_file_claiming_1GB_under_the_limit()
    {
        var header = IdxHeader(1_000, 1_000, 1_000);   // 10⁹ bytes: under MaxBytes, over the file
        var path = Write("big.idx", [.. header, .. new byte[1024 - header.Length]]);
        RefusedWithinBudget(() => IdxReader.Read(path));
    }

    [Fact]
    public void Idx_gzip_claiming_1GB_costs_what_it_decompresses_to()
    {
        // Compressed input cannot be checked against the file's length: the reader must grow its
        // buffer with the data that arrives instead of trusting the header (a fuzzing finding).
        using var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(IdxHeader(1_000, 1_000, 1_000));
            z.Write(new byte[1000]);
        }
        Assert.True(gz.Length < 1024);
        var path = Write("big.idx.gz", gz.ToArray());
        var ex = Assert.Throws<InvalidFileException>(() => IdxReader.Read(path));
        Assert.Contains("truncated", ex.Message);
        RefusedWithinBudget(() => IdxReader.Read(path));
    }

    static byte[] OnnxWith(TensorProto initializer)
    {
        var graph = new GraphProto { Name = "g" };
        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = new TensorShapeProto() } };
        type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 1 });
        graph.Input.Add(new ValueInfoProto { Name = "x", Type = type });
        graph.Output.Add(new ValueInfoProto { Name = "y", Type = type });
        var add = new NodeProto { OpType = "Add" };
        add.Input.Add("x");
        add.Input.Add(initializer.Name);
        add.Output.Add("y");
        graph.Node.Add(add);
        graph.Initializer.Add(initializer);
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });
        return model.ToByteArray();
    }

    [Fact]
    public void Onnx_refuses_raw_data_claiming_100GB()
    {
        var t = new TensorProto { Name = "w", DataType = 1, RawData = ByteString.CopyFrom(new byte[512]) };
        t.Dims.Add(HundredGb / 4);
        var path = Write("huge.onnx", OnnxWith(t));
        Assert.True(new FileInfo(path).Length < 1024);
        RefusedWithinBudget(() => OnnxReader.Read(path));
    }

    [Fact]
    public void Onnx_refuses_a_tensor_of_2_billion_doubles_holding_512_bytes()
    {
        var t = new TensorProto { Name = "w", DataType = 11, RawData = ByteString.CopyFrom(new byte[512]) };
        t.Dims.Add(int.MaxValue);   // within the element limit: 17 GB of float64 claimed
        var path = Write("big.onnx", OnnxWith(t));
        RefusedWithinBudget(() => OnnxReader.Read(path));
    }

    [Fact]
    public void Onnx_refuses_external_data_claiming_100GB()
    {
        Write("weights.bin", new byte[1024]);
        var t = new TensorProto { Name = "w", DataType = 1, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.Add(HundredGb / 4);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = "weights.bin" });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = HundredGb.ToString() });
        var path = Write("external.onnx", OnnxWith(t));
        RefusedWithinBudget(() => OnnxReader.Read(path));
    }

    [Fact]
    public void Image_decoder_refuses_a_1KB_png_claiming_100GB()
    {
        var png = PngBytes.WithHeader(200_000, 200_000);   // 4·10¹⁰ pixels, 120 GB as RGB
        var path = Write("huge.png", [.. png, .. new byte[Math.Max(0, 1024 - png.Length)]]);
        RefusedWithinBudget(() => ImageDecoder.Decode(path));
        RefusedWithinBudget(() => ImageDecoder.Decode(png, "huge.png"));
    }

    [Fact]
    public void Sparse_model_file_refuses_a_1KB_file_claiming_100GB()
    {
        // One dense tensor of 100,000 × 250,000 float32 = 100 GB, then padding to 1 KB.
        var bytes = new List<byte>("CONDSPRS"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(1u));           // version
        bytes.AddRange(BitConverter.GetBytes(2u));           // metadata length
        bytes.AddRange("{}"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(1u));           // one tensor
        bytes.AddRange(BitConverter.GetBytes((ushort)1));
        bytes.Add((byte)'w');
        bytes.Add(2);                                        // rank
        bytes.AddRange(BitConverter.GetBytes(100_000u));
        bytes.AddRange(BitConverter.GetBytes(250_000u));
        bytes.Add(0);                                        // dense
        bytes.AddRange(new byte[1024 - bytes.Count]);
        var path = Write("huge.csparse", [.. bytes]);
        RefusedWithinBudget(() => SparseModelFile.Read(path));
        Assert.Contains("claims more elements than this file may hold", Assert.Throws<InvalidFileException>(() => SparseModelFile.Read(path)).Message);
    }

    [Fact]
    public void Deep_compression_container_refuses_a_1KB_file_claiming_100GB()
    {
        // A 2²⁰ × 2²⁰ layer (4 TB as float32) whose "entries" field claims 100 G entries.
        var bytes = new List<byte>("CNDZ"u8.ToArray()) { CompressedContainer.Version };
        bytes.AddRange(BitConverter.GetBytes(2u));
        bytes.AddRange("{}"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes((ushort)1));    // one layer
        bytes.AddRange(BitConverter.GetBytes((ushort)3));
        bytes.AddRange("fc1"u8.ToArray());
        bytes.AddRange(BitConverter.GetBytes(1u << 20));     // rows
        bytes.AddRange(BitConverter.GetBytes(1u << 20));     // columns
        bytes.Add(1);                                        // bits
        bytes.Add(8);                                        // gap bits
        bytes.AddRange(BitConverter.GetBytes(0f));           // codebook
        bytes.AddRange(BitConverter.GetBytes(1f));
        bytes.AddRange(BitConverter.GetBytes(uint.MaxValue)); // entries
        bytes.AddRange(new byte[1024 - bytes.Count]);
        var path = Write("huge.cdc", [.. bytes]);
        RefusedWithinBudget(() => CompressedContainer.Read(path));
        Assert.Contains("entries cannot fit", Assert.Throws<InvalidFileException>(() => CompressedContainer.Read(path)).Message);
    }

    [Fact]
    public void Npy_refuses_a_1KB_file_claiming_100GB()
    {
        var npy = Condense.Tests.Formats.Npy.NpyReaderTests.HandMade("{'descr': '<f4', 'fortran_order': False, 'shape': (25000000000,), }", new byte[1024 - 128]);
        var path = Write("huge.npy", npy);
        RefusedWithinBudget(() => Condense.Formats.Npy.NpyReader.Read(path));
    }

    [Fact]
    public void Npz_refuses_a_1KB_archive_whose_member_claims_100GB()
    {
        // A member whose header claims 4 GiB (zip32's limit) and an .npy inside claiming 100 GB.
        var inner = Condense.Tests.Formats.Npy.NpyReaderTests.HandMade("{'descr': '<f4', 'fortran_order': False, 'shape': (25000000000,), }", new byte[512]);
        var zip = Condense.Tests.Formats.Npy.NpzReaderTests.Zip(CompressionLevel.Optimal, ("x.npy", inner));
        var path = Write("inner.npz", zip);
        RefusedWithinBudget(() => Condense.Formats.Npy.NpzReader.Read(path));
        for (int i = 0; i + 4 <= zip.Length; i++)
        {
            var sig = BitConverter.ToUInt32(zip, i);
            if (sig == 0x04034b50) BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(zip, i + 22);
            if (sig == 0x02014b50) BitConverter.GetBytes(0xFFFFFFF0u).CopyTo(zip, i + 24);
        }
        var claimed = Write("claimed.npz", zip);
        RefusedWithinBudget(() => Condense.Formats.Npy.NpzReader.Read(claimed));
    }
}
