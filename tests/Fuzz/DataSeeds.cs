using System.IO.Compression;
using System.Text;
using Condense.Formats.Npy;
using Condense.Imaging;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Fuzz;

/// <summary>Seed corpora for the calibration-data targets: small valid files of each kind.</summary>
public static class DataSeeds
{
    public static void Write(Func<string, string> dir)
    {
        var npy = dir("npy");
        var floats = new NpyArray("x", DataType.Float, [2, 3], new[] { 1f, -2f, 0.5f, 3f, 0f, 8f }.SelectMany(BitConverter.GetBytes).ToArray());
        var ints = new NpyArray("ids", DataType.Int64, [1, 4], new[] { 101L, 7592, 2088, 102 }.SelectMany(BitConverter.GetBytes).ToArray());
        File.WriteAllBytes(Path.Combine(npy, "float32.npy"), NpyWriter.ToBytes(floats));
        File.WriteAllBytes(Path.Combine(npy, "int64.npy"), NpyWriter.ToBytes(ints));
        File.WriteAllBytes(Path.Combine(npy, "bigendian-v2.npy"), BigEndianV2());

        var npz = dir("npz");
        File.WriteAllBytes(Path.Combine(npz, "deflated.npz"), Zip(CompressionLevel.Optimal, ("x.npy", NpyWriter.ToBytes(floats)), ("ids.npy", NpyWriter.ToBytes(ints))));
        File.WriteAllBytes(Path.Combine(npz, "stored.npz"), Zip(CompressionLevel.NoCompression, ("x.npy", NpyWriter.ToBytes(floats))));

        var vocab = dir("vocab");
        File.WriteAllText(Path.Combine(vocab, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\ncondense\nreads\nthe\nvocabulary\n,\nthen\ntoken\n##izes\nun\n##believ\n##able\nsentences\n!\n");

        var folder = dir("imagefolder");
        var a = IndexedPngBytes(6, 5, 1);
        var b = IndexedPngBytes(9, 4, 2);
        var sep = Condense.Fuzz.DataTargets.FileSeparator;
        File.WriteAllBytes(Path.Combine(folder, "flat.bin"), [.. a, .. sep, .. b, .. sep, .. "a README beside the photos\n"u8]);
        File.WriteAllBytes(Path.Combine(folder, "classes.bin"), [(byte)'/', .. a, .. sep, (byte)'/', .. b, .. sep, (byte)'/', .. a]);
    }

    static byte[] BigEndianV2()
    {
        const string dict = "{'descr': '>i2', 'fortran_order': False, 'shape': (3,), }";
        var header = dict.PadRight(64 - 12 - 1) + "\n";
        return [0x93, .. "NUMPY"u8, 2, 0, (byte)header.Length, 0, 0, 0, .. Encoding.ASCII.GetBytes(header), 0, 1, 0xFF, 0xFE, 0x7F, 0xFF];
    }

    static byte[] Zip(CompressionLevel level, params (string Name, byte[] Bytes)[] members)
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

    static byte[] IndexedPngBytes(int width, int height, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[width * height * 3];
        rng.NextBytes(pixels);
        var image = new RgbImage(width, height, pixels);
        var result = ColorQuantizer.Quantize(image, 4, seed);
        return IndexedPngWriter.Encode(result);
    }
}
