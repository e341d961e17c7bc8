using System.Text.Json;
using Condense.Formats;
using Condense.Quantization;
using Condense.Streaming;

namespace Condense.Tests.Streaming;

/// <summary>What the streaming methods write, checked against independent computations on the original tensors.</summary>
public class StreamRoundTripTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-stream-rt-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static IEnumerable<NamedTensor> Originals(string model)
    {
        using var checkpoint = ShardedCheckpoint.Open(model);
        foreach (var shard in checkpoint.Shards)
            foreach (var e in shard.Entries)
                yield return shard.Read(e);
    }

    [Theory]
    [InlineData(TensorDType.F32)]
    [InlineData(TensorDType.BF16)]
    public void Int8CodesAreRoundedPerRowScales(TensorDType dtype)
    {
        var model = StreamTestModels.Create(Path.Combine(_dir, "model"), dtype);
        var output = Path.Combine(_dir, "out");
        var report = StreamCompressor.Run(model, output, new Int8PerChannelCompressor(), StreamTestModels.SmallChunks);
        Assert.True(report.TensorsCompressed > 0 && report.TensorsCompressed < report.Tensors);
        using var result = CompressedCheckpoint.Open(output);
        using var files = ShardedCheckpoint.Open(output);
        var stored = files.Shards.SelectMany(s => s.Entries.Select(e => (s, e))).ToDictionary(p => p.e.Name, p => p.s.Read(p.e));
        foreach (var original in Originals(model))
        {
            var x = original.ToFloat32();
            if (original.Shape.Length < 2)
            {
                Assert.Equal("raw", result.EncodingOf(original.Name));
                Assert.Equal(original.Data, stored[original.Name].Data);
                continue;
            }
            Assert.Equal("int8", result.EncodingOf(original.Name));
            Assert.Equal(dtype, result.OriginalDType(original.Name));
            var codes = stored[original.Name];
            Assert.Equal(TensorDType.I8, codes.DType);
            var scales = stored[original.Name + ".scale"].ToFloat32();
            var rows = (int)original.Shape[0];
            var cols = x.Length / rows;
            var dequantized = result.ReadFloat32(original.Name).ToFloat32();
            for (var r = 0; r < rows; r++)
            {
                var max = 0.0;
                for (var c = 0; c < cols; c++) max = Math.Max(max, Math.Abs(x[r * cols + c]));
                Assert.Equal((float)(max / 127), scales[r]);
                for (var c = 0; c < cols; c++)
                {
                    var i = r * cols + c;
                    Assert.Equal(Math.Round(x[i] / (double)scales[r]), (sbyte)codes.Data[i]);
                    Assert.True(Math.Abs(dequantized[i] - x[i]) <= scales[r] * 0.5001, $"{original.Name}[{i}]");
                }
            }
        }
    }

    [Theory]
    [InlineData(TensorDType.F32)]
    [InlineData(TensorDType.BF16)]
    public void KMeansCodesPickTheNearestOf256AscendingCentroids(TensorDType dtype)
    {
        var model = StreamTestModels.Create(Path.Combine(_dir, "model"), dtype);
        var output = Path.Combine(_dir, "out");
        StreamCompressor.Run(model, output, new KMeans8Compressor(), StreamTestModels.SmallChunks);
        using var result = CompressedCheckpoint.Open(output);
        using var files = ShardedCheckpoint.Open(output);
        var stored = files.Shards.SelectMany(s => s.Entries.Select(e => (s, e))).ToDictionary(p => p.e.Name, p => p.s.Read(p.e));
        foreach (var original in Originals(model).Where(t => t.Shape.Length >= 2))
        {
            var x = original.ToFloat32();
            var book = stored[original.Name + ".codebook"].ToFloat32();
            Assert.Equal([1L, 256], stored[original.Name + ".codebook"].Shape);
            Assert.Equal(256, book.Length);
            for (var i = 1; i < book.Length; i++) Assert.True(book[i] >= book[i - 1]);
            Assert.False(stored.ContainsKey(original.Name));
            var codes = stored[original.Name + ".indices"].Data;
            Assert.Equal(x.Length, codes.Length);
            var centroids = book.Select(v => (double)v).ToArray();
            var dequantized = result.ReadFloat32(original.Name).ToFloat32();
            double sse = 0, variance = 0, mean = x.Average();
            for (var i = 0; i < x.Length; i++)
            {
                // Nearest in the float32 codebook (the encoder decides in double; ties within float rounding allowed).
                var chosen = Math.Abs(x[i] - book[codes[i]]);
                var nearest = Math.Abs(x[i] - book[KMeans1D.Nearest(centroids, x[i])]);
                Assert.True(chosen <= nearest + 1e-6, $"{original.Name}[{i}]: code {codes[i]}");
                Assert.Equal(book[codes[i]], dequantized[i]);
                sse += (x[i] - dequantized[i]) * (double)(x[i] - dequantized[i]);
                variance += (x[i] - mean) * (x[i] - mean);
            }
            // 256 levels on a bell-shaped distribution: SQNR above 40 dB.
            Assert.True(sse < variance * 1e-4, $"{original.Name}: SSE/variance {sse / variance}");
        }
    }

    [Fact]
    public void ExpandWritesTheDequantizedCheckpoint()
    {
        var model = StreamTestModels.Create(Path.Combine(_dir, "model"), TensorDType.BF16);
        var output = Path.Combine(_dir, "out");
        var expanded = Path.Combine(_dir, "expanded");
        var (code, stdout, stderr) = CliHarness.Run("stream", model, "-o", output, "--method", "kmeans", "--workers", "2", "--json");
        Assert.True(code == 0, stderr);
        using (var doc = JsonDocument.Parse(stdout))
        {
            Assert.Equal("kmeans8", doc.RootElement.GetProperty("method").GetString());
            Assert.Equal(5, doc.RootElement.GetProperty("shards").GetInt32());
        }
        (code, _, stderr) = CliHarness.Run("expand", output, "-o", expanded);
        Assert.True(code == 0, stderr);
        using var result = CompressedCheckpoint.Open(output);
        using var back = ShardedCheckpoint.Open(expanded);
        Assert.Equal(result.Tensors.Order(), back.Index!.WeightMap.Select(kv => kv.Key).Order());
        foreach (var shard in back.Shards)
            foreach (var e in shard.Entries)
            {
                var t = shard.Read(e);
                if (e.Shape.Length >= 2)
                {
                    Assert.Equal(TensorDType.F32, e.DType);
                    Assert.Equal(result.ReadFloat32(e.Name).Data, t.Data);
                }
                else Assert.Equal(TensorDType.BF16, e.DType);
            }
    }

    [Fact]
    public void ASingleFileIsCompressedToASingleFile()
    {
        var path = Path.Combine(_dir, "one.safetensors");
        var values = Enumerable.Range(0, 64 * 40).Select(i => MathF.Sin(i * 0.37f)).ToArray();
        SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("w", values, 64, 40), NamedTensor.FromFloat32("b", values.AsSpan(0, 40), 40)]);
        var output = Path.Combine(_dir, "out");
        var report = StreamCompressor.Run(path, output, new Int8PerChannelCompressor(minElements: 16));
        Assert.Equal(1, report.Shards);
        Assert.Equal(["one.safetensors"], Directory.GetFiles(output).Select(Path.GetFileName));
        using var result = CompressedCheckpoint.Open(Path.Combine(output, "one.safetensors"));
        Assert.Equal("int8", result.EncodingOf("w"));
        Assert.Equal("raw", result.EncodingOf("b"));
    }

    [Theory]
    [InlineData(StreamMethod.Int8)]
    [InlineData(StreamMethod.KMeans)]
    public void NaNIsRefusedNamingTheTensorAndNoOutputAppears(StreamMethod method)
    {
        var path = Path.Combine(_dir, "nan.safetensors");
        var values = Enumerable.Range(0, 64 * 40).Select(i => i * 0.01f).ToArray();
        values[1000] = float.NaN;
        SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("bad.weight", values, 64, 40)]);
        var output = Path.Combine(_dir, "out");
        var ex = Assert.ThrowsAny<CondenseException>(() => StreamCompressor.Run(path, output, StreamMethods.Create(method)));
        Assert.Contains("bad.weight", ex.Message);
        Assert.Contains("NaN", ex.Message);
        Assert.Empty(Directory.GetFiles(output, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void OutputNamesThatCollideAreRefused()
    {
        var path = Path.Combine(_dir, "clash.safetensors");
        var values = new float[64 * 32];
        SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("w", values, 64, 32), NamedTensor.FromFloat32("w.scale", values.AsSpan(0, 64), 64)]);
        var ex = Assert.Throws<InvalidFileException>(() => StreamCompressor.Run(path, Path.Combine(_dir, "out"), new Int8PerChannelCompressor()));
        Assert.Contains("w.scale", ex.Problem);
    }

    [Fact]
    public void TheOutputFolderMayNotHoldTheInput()
    {
        var model = StreamTestModels.Create(Path.Combine(_dir, "model"));
        Assert.Throws<CondenseException>(() => StreamCompressor.Run(model, model, new Int8PerChannelCompressor()));
        Assert.NotNull(ShardedCheckpoint.Open(model));
    }
}
