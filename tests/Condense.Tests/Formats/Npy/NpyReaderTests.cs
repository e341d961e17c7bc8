using System.Diagnostics;
using System.Text;
using Condense.Formats.Npy;
using Condense.Tests.Calibration;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Tests.Formats.Npy;

public class NpyReaderTests
{
    /// <summary>A version 1.0 file written byte by byte per the NPY spec.</summary>
    internal static byte[] HandMade(string dict, byte[] data, byte major = 1)
    {
        var prefix = major == 1 ? 10 : 12;
        var total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        var header = dict.PadRight(total - prefix - 1) + "\n";
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes((uint)header.Length));
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(data);
        return [.. bytes];
    }

    [Fact]
    public void Reads_hand_made_float32_and_big_endian_int32()
    {
        var data = new[] { 1.5f, -2f, 0.25f, 8f, 0f, 3f }.SelectMany(BitConverter.GetBytes).ToArray();
        var a = NpyReader.Parse(HandMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data), "x", "hand.npy");
        Assert.Equal(DataType.Float, a.Type);
        Assert.Equal([2L, 3], a.Shape);
        Assert.Equal(data, a.Data);

        byte[] big = [0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE];   // 1, -2 big-endian
        var b = NpyReader.Parse(HandMade("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", big, major: 2), "y", "big.npy");
        Assert.Equal(DataType.Int32, b.Type);
        Assert.Equal([1, -2], new[] { BitConverter.ToInt32(b.Data, 0), BitConverter.ToInt32(b.Data, 4) });
    }

    [Fact]
    public void Reads_what_numpy_writes()
    {
        using var dir = new TempFolder();
        var path = dir.File("numpy.npy");
        if (!RunPython($"import numpy as np; np.save('{path}', np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8)")) return;   // numpy not installed
        var a = NpyReader.Read(path);
        Assert.Equal([2L, 3, 4], a.Shape);
        var values = Enumerable.Range(0, 24).Select(i => BitConverter.ToSingle(a.Data, i * 4)).ToArray();
        Assert.Equal(Enumerable.Range(0, 24).Select(i => i / 8f).ToArray(), values);
    }

    [Fact]
    public void Numpy_reads_what_the_writer_writes()
    {
        using var dir = new TempFolder();
        var path = dir.File("condense.npy");
        NpyWriter.Write(path, new NpyArray("x", DataType.Int64, [3], new[] { 5L, -1L, 7L }.SelectMany(BitConverter.GetBytes).ToArray()));
        var check = dir.File("sum.txt");
        if (!RunPython($"import numpy as np; a = np.load('{path}'); open('{check}', 'w').write(f'{{a.dtype}} {{a.shape}} {{a.sum()}}')")) return;
        Assert.Equal("int64 (3,) 11", File.ReadAllText(check));
    }

    [Fact]
    public void Round_trips_every_supported_type()
    {
        foreach (var type in new[] { DataType.Float, DataType.Double, DataType.Float16, DataType.Int64, DataType.Int32, DataType.Int16, DataType.Int8, DataType.Uint8, DataType.Bool })
        {
            var size = Condense.Formats.Onnx.OnnxTensorData.ElementSize((int)type);
            var data = Enumerable.Range(0, 6 * size).Select(i => (byte)(type == DataType.Bool ? i % 2 : i * 7)).ToArray();
            var back = NpyReader.Parse(NpyWriter.ToBytes(new NpyArray("a", type, [2, 3], data)), "a", "rt.npy");
            Assert.Equal(type, back.Type);
            Assert.Equal([2L, 3], back.Shape);
            Assert.Equal(data, back.Data);
        }
    }

    [Theory]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 100000), }", 16, "limit")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (1000000,), }", 16, "truncated")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 16, "needs 8 bytes")]
    [InlineData("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16, "Fortran")]
    [InlineData("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", 16, "dtype")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 16, "non-negative")]
    [InlineData("{'fortran_order': False, 'shape': (2,), }", 8, "descr")]
    public void Hostile_headers_are_refused_without_allocating(string dict, int dataBytes, string problem)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidFileException>(() => NpyReader.Parse(HandMade(dict, new byte[dataBytes]), "x", "bad.npy"));
        Assert.Contains(problem, ex.Message);
        Assert.StartsWith("bad.npy: ", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    [Fact]
    public void A_header_length_past_the_end_is_refused()
    {
        var bytes = HandMade("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        bytes[8] = 0xFF; bytes[9] = 0xFF;
        Assert.Contains("header claims", Assert.Throws<InvalidFileException>(() => NpyReader.Parse(bytes, "x", "h.npy")).Message);
        Assert.Throws<InvalidFileException>(() => NpyReader.Parse(bytes.AsSpan(0, 9), "x", "h.npy"));
    }

    internal static bool RunPython(string code)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("python3", ["-c", code]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
