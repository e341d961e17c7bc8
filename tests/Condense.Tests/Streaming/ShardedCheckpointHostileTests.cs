using System.Text;
using Condense.Formats;
using Condense.Streaming;

namespace Condense.Tests.Streaming;

/// <summary>Broken shard sets are refused up front with one line naming the shard; finished output is never lost.</summary>
public class ShardedCheckpointHostileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-shards-bad-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Model() => StreamTestModels.Create(Path.Combine(_dir, "model"));

    static string Shard(string model, int i) => Directory.GetFiles(model, "model-*.safetensors").Order().ElementAt(i);

    static InvalidFileException Refused(string model, string expectedFile)
    {
        var ex = Assert.Throws<InvalidFileException>(() => ShardedCheckpoint.Open(model).Dispose());
        Assert.Equal(Path.GetFileName(expectedFile), Path.GetFileName(ex.Source));
        Assert.DoesNotContain('\n', ex.Message);
        // The CLI prints the same line and exits 1.
        var (code, _, stderr) = CliHarness.Run("stream", model, "-o", Path.Combine(Path.GetDirectoryName(model)!, "cli-out"), "--json");
        Assert.Equal(1, code);
        Assert.Contains(Path.GetFileName(expectedFile), stderr);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        return ex;
    }

    static void EditIndex(string model, Func<string, string> edit)
    {
        var path = Path.Combine(model, ShardIndex.FileName);
        File.WriteAllText(path, edit(File.ReadAllText(path)));
    }

    [Fact]
    public void TheGoodSetOpens()
    {
        using var checkpoint = ShardedCheckpoint.Open(Model());
        Assert.True(checkpoint.IsSharded);
        Assert.Equal(checkpoint.Index!.WeightMap.Count, checkpoint.Shards.Sum(s => s.Entries.Count));
    }

    [Fact]
    public void AShardMissingFromTheFolder()
    {
        var model = Model();
        var shard = Shard(model, 1);
        File.Delete(shard);
        Assert.Contains("missing", Refused(model, shard).Problem);
    }

    [Fact]
    public void AnIndexNamingATensorTwice()
    {
        var model = Model();
        EditIndex(model, s => s.Replace("\"weight_map\": {", "\"weight_map\": {\n    \"lm_head.weight\": \"model-00001-of-00005.safetensors\","));
        var ex = Assert.Throws<InvalidFileException>(() => ShardedCheckpoint.Open(model));
        Assert.Contains("'lm_head.weight' twice", ex.Problem);
        Assert.EndsWith(ShardIndex.FileName, ex.Source);
    }

    [Fact]
    public void AnIndexPlacingATensorInTheWrongShard()
    {
        var model = Model();
        var shard0 = Path.GetFileName(Shard(model, 0));
        var shard1 = Path.GetFileName(Shard(model, 1));
        EditIndex(model, s => s.Replace($"\"model.embed_tokens.weight\": \"{shard0}\"", $"\"model.embed_tokens.weight\": \"{shard1}\""));
        // The shard that really holds it is named; the problem names the shard the index claims.
        var problem = Refused(model, shard0).Problem;
        Assert.Contains("embed_tokens", problem);
        Assert.Contains(shard1, problem);
    }

    [Fact]
    public void ATensorInTwoShards()
    {
        var model = Model();
        var shard1 = Shard(model, 1);
        // Rewrite shard 1 with an extra copy of a tensor that shard 0 holds.
        var (tensors, metadata) = SafetensorsReader.ReadAll(shard1);
        var stolen = SafetensorsReader.ReadAll(Shard(model, 0)).Tensors[0];
        SafetensorsWriter.Write(shard1, tensors.Append(stolen).ToList(), metadata);
        Assert.Contains("also in shard", Refused(model, shard1).Problem);
    }

    [Fact]
    public void AShardTruncatedMidTensor()
    {
        var model = Model();
        var shard = Shard(model, 2);
        using (var f = new FileStream(shard, FileMode.Open)) f.SetLength(f.Length - 1000);
        Assert.Contains("truncated", Refused(model, shard).Problem);
    }

    [Fact]
    public void AShardNameThatLeavesTheFolder()
    {
        var model = Model();
        EditIndex(model, s => s.Replace("\"model-00001-of-00005.safetensors\"", "\"../model-00001-of-00005.safetensors\""));
        var ex = Assert.Throws<InvalidFileException>(() => ShardedCheckpoint.Open(model));
        Assert.Contains("not a plain", ex.Problem);
    }

    [Fact]
    public void AnIndexThatIsNotJson()
    {
        var model = Model();
        File.WriteAllBytes(Path.Combine(model, ShardIndex.FileName), Encoding.UTF8.GetBytes("{\"weight_map\": [1, 2"));
        Assert.Throws<InvalidFileException>(() => ShardedCheckpoint.Open(model));
    }

    [Fact]
    public void AShardTruncatedAfterARunKeepsTheFinishedOutput()
    {
        var model = Model();
        var output = Path.Combine(_dir, "out");
        StreamCompressor.Run(model, output, new Int8PerChannelCompressor(), StreamTestModels.SmallChunks);
        var before = StreamTestModels.Files(output);
        var shard = Shard(model, 3);
        using (var f = new FileStream(shard, FileMode.Open)) f.SetLength(f.Length / 2);
        var ex = Assert.Throws<InvalidFileException>(() => StreamCompressor.Run(model, output, new Int8PerChannelCompressor(), StreamTestModels.SmallChunks));
        Assert.Equal(shard, ex.Source);
        var after = StreamTestModels.Files(output);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]));
    }

    [Fact]
    public void ATensorThatGrowsPastTheFileWhileReadingNamesTheShard()
    {
        // The header was checked at open; the file shrinks afterwards (another process): the read reports the shard.
        var model = Model();
        using var checkpoint = ShardedCheckpoint.Open(model);
        var shard = checkpoint.Shards[0];
        using (var f = new FileStream(shard.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(shard.DataStart + 10);
        var entry = shard.Entries[^1];
        using var handle = File.OpenHandle(shard.Path);
        var source = new TensorSource(shard.Path, handle, shard.DataStart, entry, 64 << 10, 1, System.Buffers.ArrayPool<byte>.Shared);
        var ex = Assert.Throws<InvalidFileException>(() => source.Read(0, new byte[entry.ByteLength]));
        Assert.Equal(shard.Path, ex.Source);
        Assert.Contains("truncated", ex.Problem);
    }
}
