using Condense.Codecs;
using Condense.Formats;
using Condense.Models;
using Condense.Streaming;
using Condense.Workflows;

namespace Condense.Tests.Streaming;

/// <summary>
/// Streaming k-means writes the one k-means layout (the quantized model file's), with the codes
/// and codebook the k-means codec gives, so a streamed model reads back as a quantized one.
/// </summary>
public class StreamKMeansLayoutTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-stream-km-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void StreamedModelReadsBackAsAQuantizedModelFile()
    {
        var dense = Path.Combine(_dir, "lenet.safetensors");
        using (var model = ModelFactory.Create(ModelKind.LeNet300, 1)) ModelFile.Save(dense, model);
        var output = Path.Combine(_dir, "out");
        var report = StreamCompressor.Run(dense, output, new KMeans8Compressor(), new StreamOptions { Workers = 2, ChunkBytes = 64 << 10 });
        // 784×300 and 300×100 are compressed; 100×10 (1,000 < 1,024 elements) and the biases are copied.
        Assert.Equal(2, report.TensorsCompressed);
        var streamed = Path.Combine(output, "lenet.safetensors");

        var (loaded, _, parameters) = QuantizedModelFile.Load(streamed);
        using var _model = loaded;
        using var checkpoint = CompressedCheckpoint.Open(output);
        Assert.Equal(checkpoint.Tensors.Where(n => checkpoint.EncodingOf(n) == "kmeans8").Order(), parameters.Select(p => p.Name).Order());
        foreach (var p in parameters)
        {
            Assert.Equal("kmeans 8-bit", p.Describe());
            Assert.Equal(256, p.Shared!.Codebooks.Length);
            var decoded = checkpoint.ReadFloat32(p.Name);
            Assert.Equal(decoded.Shape, p.Shape);
            Assert.Equal(decoded.ToFloat32(), p.Reconstruct());
        }
        // condense eval's reader takes the same path.
        var (viaRegistry, metadata) = ModelFiles.Load(streamed, ModelFiles.FormatOf(streamed));
        viaRegistry.Dispose();
        Assert.True(metadata.ContainsKey(QuantizedModelFile.MetadataKey));
    }

    [Fact]
    public void ExactHistogramGivesTheKMeansCodecsCodesAndCodebook()
    {
        // BF16 values: the streaming histogram counts every bit pattern, so it fits k-means of the tensor itself.
        var random = new Random(5);
        var raw = new float[256 * 256];
        for (var i = 0; i < raw.Length; i++) raw[i] = (float)(random.NextDouble() * 2 - 1) * (i % 7 + 1);
        var bits = FloatCast.ToBFloat16(raw);
        var values = FloatCast.FromBFloat16(bits);
        var bytes = new byte[bits.Length * 2];
        Buffer.BlockCopy(bits, 0, bytes, 0, bytes.Length);
        var input = Path.Combine(_dir, "w.safetensors");
        SafetensorsWriter.Write(input, [new NamedTensor("w", TensorDType.BF16, [256, 256], bytes)]);
        var output = Path.Combine(_dir, "out");
        StreamCompressor.Run(input, output, new KMeans8Compressor(), new StreamOptions { Workers = 2, ChunkBytes = 64 << 10 });

        var expected = new KMeansCodec(8).Encode(values, [256, 256], channelAxis: null);
        using var reader = SafetensorsReader.Open(Path.Combine(output, "w.safetensors"));
        Assert.Equal(expected.Codes, reader.Read("w.indices").Data);
        Assert.Equal(expected.Codebook, reader.Read("w.codebook").ToFloat32());
        Assert.Equal(expected.Decode(), CompressedCheckpointValues(output));
    }

    static float[] CompressedCheckpointValues(string output)
    {
        using var checkpoint = CompressedCheckpoint.Open(output);
        return checkpoint.ReadFloat32("w").ToFloat32();
    }
}
