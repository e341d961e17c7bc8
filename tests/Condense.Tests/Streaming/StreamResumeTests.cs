using Condense.Formats;
using Condense.Streaming;

namespace Condense.Tests.Streaming;

/// <summary>A killed run resumes without recomputing finished shards, and ends byte-identical to an uninterrupted run.</summary>
public class StreamResumeTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-stream-resume-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(StreamMethod.Int8)]
    [InlineData(StreamMethod.KMeans)]
    public void InterruptedRunResumesToTheSameBytes(StreamMethod method)
    {
        var model = StreamTestModels.Create(Path.Combine(_dir, "model"));
        var shards = ShardedCheckpoint.Open(model).Shards.Select(s => Path.GetFileName(s.Path)).ToList();
        Assert.True(shards.Count >= 4, $"{shards.Count} shards");

        var whole = Path.Combine(_dir, "whole");
        var first = StreamCompressor.Run(model, whole, StreamMethods.Create(method), StreamTestModels.SmallChunks);
        Assert.Equal(0, first.ShardsSkipped);
        Assert.Equal(shards.Count, first.Shards);

        // Interrupt in the middle of the third shard.
        var resumed = Path.Combine(_dir, "resumed");
        using var cancel = new CancellationTokenSource();
        var tick = new StreamTestModels.Tick(p => { if (p.Shard == shards[2]) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() =>
            StreamCompressor.Run(model, resumed, StreamMethods.Create(method), StreamTestModels.SmallChunks, tick, cancel.Token));
        var finished = Directory.GetFiles(resumed).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(shards.Take(2), finished);
        Assert.False(File.Exists(Path.Combine(resumed, ShardIndex.FileName)));

        // A kill (not a clean cancellation) would also leave AtomicFile's temporary behind.
        var stale = Path.Combine(resumed, $".{shards[2]}.12345.0123456789abcdef.tmp");
        File.WriteAllBytes(stale, new byte[1000]);
        var stamps = shards.Take(2).ToDictionary(s => s, s => File.GetLastWriteTimeUtc(Path.Combine(resumed, s)));
        Thread.Sleep(20);

        // Different workers and chunk size: the bytes must not depend on them.
        var second = StreamCompressor.Run(model, resumed, StreamMethods.Create(method), new StreamOptions { Workers = 3, ChunkBytes = 1 << 20 });
        Assert.Equal(2, second.ShardsSkipped);
        foreach (var (s, stamp) in stamps) Assert.Equal(stamp, File.GetLastWriteTimeUtc(Path.Combine(resumed, s)));
        Assert.False(File.Exists(stale));

        var expected = StreamTestModels.Files(whole);
        var actual = StreamTestModels.Files(resumed);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} differs");

        // A third run finds everything finished.
        var third = StreamCompressor.Run(model, resumed, StreamMethods.Create(method), StreamTestModels.SmallChunks);
        Assert.Equal(shards.Count, third.ShardsSkipped);
        Assert.Equal(0, third.ProcessedBytes);
    }

    [Fact]
    public void AShardMadeWithAnotherMethodIsRecomputed()
    {
        var model = StreamTestModels.Create(Path.Combine(_dir, "model"));
        var output = Path.Combine(_dir, "out");
        StreamCompressor.Run(model, output, new Int8PerChannelCompressor(), StreamTestModels.SmallChunks);
        var report = StreamCompressor.Run(model, output, new KMeans8Compressor(), StreamTestModels.SmallChunks);
        Assert.Equal(0, report.ShardsSkipped);
        using var result = CompressedCheckpoint.Open(output);
        Assert.Equal("kmeans8", result.Method);
    }
}
