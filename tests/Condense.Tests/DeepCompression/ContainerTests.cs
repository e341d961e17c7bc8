using Condense.DeepCompression;
using Condense.Quantization;

namespace Condense.Tests.DeepCompression;

public class ContainerTests
{
    /// <summary>A pruned (≈85 % zeros, with long zero runs) and weight-shared 40×60 matrix.</summary>
    static (float[] Quantized, int[] Indices, float[] Codebook) PrunedShared(int seed, int rows = 40, int columns = 60, int bits = 4)
    {
        var random = new Random(seed);
        var w = new float[rows * columns];
        for (var i = 0; i < w.Length; i++)
            w[i] = random.NextDouble() < 0.15 && !(i > 300 && i < 700) ? (float)(random.NextDouble() * 2 - 1) : 0f;
        var shared = new WeightSharingQuantizer(new WeightSharingOptions(bits) { KeepZeros = true }).Quantize(w, [rows, columns]);
        return (shared.Reconstruct(), shared.Indices(), shared.Codebooks);
    }

    static SparseSharedLayer Layer(int seed, int gapBits = 3)
    {
        var (_, idx, book) = PrunedShared(seed);
        var bias = Enumerable.Range(0, 40).Select(i => i * 0.25f - 3).ToArray();
        return SparseSharedLayer.Encode("fc1", 40, 60, 4, gapBits, book, idx, bias);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    public void HuffmanCodedContainerDecodesToTheExactQuantizedWeights(int gapBits)
    {
        var (quantized, idx, book) = PrunedShared(7);
        var bias = new float[] { 1.5f, -2f }.Concat(new float[38]).ToArray();
        var layer = SparseSharedLayer.Encode("fc1", 40, 60, 4, gapBits, book, idx, bias);
        using var stream = new MemoryStream();
        CompressedContainer.Write(stream, new Dictionary<string, string> { ["architecture"] = "LeNet300" }, [layer]);
        var (metadata, layers) = CompressedContainer.Read(stream.ToArray(), "mem");
        Assert.Equal("LeNet300", metadata["architecture"]);
        var decoded = layers.Single();
        Assert.Equal(quantized, decoded.DecodeWeights());
        Assert.Equal(idx, decoded.DecodeIndices());
        Assert.Equal(bias, decoded.Bias);
        // Fillers: a 400-long zero run needs ⌈400 / 2^gapBits⌉ extra entries at small gap bits.
        Assert.True(decoded.Entries >= idx.Count(i => i != 0));
        if (gapBits == 1) Assert.True(decoded.Entries > idx.Count(i => i != 0) + 100);
        Assert.Equal(stream.Length, 4 + 1 + 4 + metadata.Sum(kv => 0) + System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(metadata).Length + 2 + decoded.StoredBytes);
    }

    [Fact]
    public void HuffmanCodingMakesTheStreamsSmallerThanFixedWidth()
    {
        var layer = Layer(11);
        Assert.True(layer.Indices.StreamBytes < (layer.Entries * 4 + 7) / 8);
        Assert.True(layer.Gaps.StreamBytes <= (layer.Entries * 3 + 7) / 8);
    }

    [Fact]
    public void EveryTruncationIsAnInvalidFileException()
    {
        using var stream = new MemoryStream();
        CompressedContainer.Write(stream, new Dictionary<string, string>(), [Layer(2), Layer(3) with { Name = "fc2" }]);
        var bytes = stream.ToArray();
        for (var n = 0; n < bytes.Length; n++)
            Assert.Throws<InvalidFileException>(() => CompressedContainer.Read(bytes.AsSpan(0, n), "cut"));
        Assert.Contains("unexpected bytes", Assert.Throws<InvalidFileException>(() => CompressedContainer.Read(bytes.Append((byte)0).ToArray(), "long")).Message);
    }

    [Fact]
    public void CorruptedBytesNeverEscapeAsAnythingButInvalidFileException()
    {
        using var stream = new MemoryStream();
        CompressedContainer.Write(stream, new Dictionary<string, string> { ["a"] = "b" }, [Layer(5)]);
        var original = stream.ToArray();
        var random = new Random(1);
        var failures = 0;
        for (var trial = 0; trial < 3000; trial++)
        {
            var bytes = (byte[])original.Clone();
            for (var k = 0; k < 1 + trial % 4; k++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            try { CompressedContainer.Read(bytes, "fuzz"); }
            catch (InvalidFileException) { failures++; }
        }
        Assert.True(failures > 100);
    }

    [Fact]
    public void HostileHeadersAreRefusedWithTheirProblem()
    {
        Assert.Contains("CNDZ", Assert.Throws<InvalidFileException>(() => CompressedContainer.Read("PK\u0003\u0004xxxxxxxx"u8, "zip")).Message);
        using var stream = new MemoryStream();
        CompressedContainer.Write(stream, new Dictionary<string, string>(), [Layer(5)]);
        var bytes = stream.ToArray();
        bytes[4] = 9;
        Assert.Contains("version 9", Assert.Throws<InvalidFileException>(() => CompressedContainer.Read(bytes, "v")).Message);
        bytes = stream.ToArray();
        // metadata length → 2^31: refused before any allocation.
        bytes[8] = 0x80;
        Assert.Contains("limit", Assert.Throws<InvalidFileException>(() => CompressedContainer.Read(bytes, "m")).Message);
    }
}
