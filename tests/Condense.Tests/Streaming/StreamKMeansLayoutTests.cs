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
            Assert.Equal(256, p.Encoded.Codebook.Length);
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

    [Fact]
    public void ShardsOfTheEarlierKMeansLayoutStillRead()
    {
        // Before the one layout: U8 codes under the tensor's own name and shape, a [256] codebook, no description.
        var book = Enumerable.Range(0, 256).Select(i => i * 0.5f - 64).ToArray();
        byte[] codes = [0, 1, 2, 255, 128, 127, 3, 4];
        var path = Path.Combine(_dir, "old.safetensors");
        SafetensorsWriter.Write(path,
            [new NamedTensor("w", TensorDType.U8, [2, 4], codes), NamedTensor.FromFloat32("w.codebook", book, 256)],
            new Dictionary<string, string>
            {
                [StreamCompressor.FormatKey] = StreamCompressor.FormatName,
                [StreamCompressor.MethodKey] = "kmeans8",
                [StreamCompressor.TensorsKey] = """{"w":{"encoding":"kmeans8","dtype":"F32"}}""",
            });
        using var checkpoint = CompressedCheckpoint.Open(path);
        var w = checkpoint.ReadFloat32("w");
        Assert.Equal([2L, 4], w.Shape);
        Assert.Equal([-64f, -63.5f, -63f, 63.5f, 0f, -0.5f, -62.5f, -62f], w.ToFloat32());
    }

    [Fact]
    public void ACodebookOfOtherThan256CentroidsIsRefused()
    {
        var path = Path.Combine(_dir, "bad.safetensors");
        SafetensorsWriter.Write(path,
            [new NamedTensor("w.indices", TensorDType.U8, [4], [0, 1, 2, 255]), NamedTensor.FromFloat32("w.codebook", new float[255], 1, 255)],
            new Dictionary<string, string>
            {
                [StreamCompressor.FormatKey] = StreamCompressor.FormatName,
                [StreamCompressor.MethodKey] = "kmeans8",
                [StreamCompressor.TensorsKey] = """{"w":{"encoding":"kmeans8","dtype":"F32"}}""",
                [QuantizedModelFile.MetadataKey] = """{"w":{"shape":[2,2],"bits":8,"method":"kmeans","granularity":"PerTensor","keep_zeros":false}}""",
            });
        var ex = Assert.Throws<InvalidFileException>(() => CompressedCheckpoint.Open(path).Dispose());
        Assert.Contains("codebook is not 256 F32 centroids", ex.Message);
    }

    static float[] CompressedCheckpointValues(string output)
    {
        using var checkpoint = CompressedCheckpoint.Open(output);
        return checkpoint.ReadFloat32("w").ToFloat32();
    }
}
