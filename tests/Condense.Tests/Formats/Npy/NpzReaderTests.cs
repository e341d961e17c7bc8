using System.Buffers.Binary;
using System.IO.Compression;
using Condense.Formats.Npy;
using Condense.Tests.Calibration;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Formats.Npy;

public class NpzReaderTests
{
    internal static byte[] Zip(CompressionLevel level, params (string Name, byte[] Bytes)[] members)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, bytes) in members)
            {
                using var s = zip.CreateEntry(name, level).Open();
                s.Write(bytes);
            }
        return stream.ToArray();
    }

    static byte[] Floats(params float[] v) => NpyWriter.ToBytes(new NpyArray("", DataType.Float, [v.Length], v.SelectMany(BitConverter.GetBytes).ToArray()));

    static IReadOnlyList<NpyArray> Read(byte[] bytes) => NpzReader.Read(new MemoryStream(bytes), "t.npz", bytes.Length);

    [Fact]
    public void Reads_stored_and_deflated_members_by_name()
    {
        foreach (var level in new[] { CompressionLevel.NoCompression, CompressionLevel.Optimal })
        {
            var arrays = Read(Zip(level, ("a.npy", Floats(1, 2)), ("labels.npy", Floats(3))));
            Assert.Equal(["a", "labels"], arrays.Select(a => a.Name));
            Assert.Equal(2f, BitConverter.ToSingle(arrays[0].Data, 4));
        }
    }

    [Fact]
    public void Reads_what_numpy_savez_compressed_writes()
    {
        using var dir = new TempFolder();
        var path = dir.File("n.npz");
        if (!NpyReaderTests.RunPython($"import numpy as np; np.savez_compressed('{path}', x=np.ones((3, 2), np.float32), y=np.array([4, 5, 6]))")) return;
        var arrays = NpzReader.Read(path);
        Assert.Equal(["x", "y"], arrays.Select(a => a.Name));
        Assert.Equal([3L, 2], arrays[0].Shape);
        Assert.Equal(DataType.Int64, arrays[1].Type);
    }

    [Fact]
    public void A_member_declaring_a_huge_size_is_refused_before_allocating()
    {
        var bytes = Zip(CompressionLevel.Optimal, ("a.npy", Floats(new float[1000])));
        PatchSizes(bytes, 0xFFFFFF00u);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidFileException>(() => Read(bytes));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
        Assert.Contains("declares", ex.Message);
    }

    [Fact]
    public void A_member_inflating_past_its_declared_size_is_refused()
    {
        var bytes = Zip(CompressionLevel.Optimal, ("a.npy", Floats(new float[1000])));
        PatchSizes(bytes, 200);
        Assert.IsType<InvalidFileException>(Record.Exception(() => Read(bytes)));
    }

    [Fact]
    public void Truncated_and_garbage_archives_are_invalid_files()
    {
        var bytes = Zip(CompressionLevel.Optimal, ("a.npy", Floats(1, 2, 3)));
        Assert.IsType<InvalidFileException>(Record.Exception(() => Read(bytes[..(bytes.Length / 2)])));
        Assert.IsType<InvalidFileException>(Record.Exception(() => Read([.. "PK\x03\x04"u8, .. new byte[40]])));
        Assert.IsType<InvalidFileException>(Record.Exception(() => Read(Zip(CompressionLevel.Optimal, ("a.npy", [1, 2, 3])))));
    }

    /// <summary>Sets the uncompressed size in the local and central headers (no data descriptor in .NET's output).</summary>
    static void PatchSizes(byte[] zip, uint size)
    {
        for (int i = 0; i + 4 <= zip.Length; i++)
        {
            var sig = BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(i));
            if (sig == 0x04034b50) BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 22), size);
            if (sig == 0x02014b50) BinaryPrimitives.WriteUInt32LittleEndian(zip.AsSpan(i + 24), size);
        }
    }
}
