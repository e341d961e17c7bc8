using Condense.Formats;
using Condense.Hashing;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Tests.Hashing;

/// <summary>The hashed network's file: the pools alone, read back to the same outputs, and hostile files refused.</summary>
public class HashedModelFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-hashed-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static float[] Outputs(CondenseModel model, float[] x, int n)
    {
        model.eval();
        using var _ = no_grad();
        using var input = tensor(x, [n, 784]);
        using var y = model.forward(input);
        return y.data<float>().ToArray();
    }

    static float[] Inputs(int n)
    {
        var random = new Random(5);
        return Enumerable.Range(0, n * 784).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [Theory]
    [InlineData(HashingVariant.Hashed, 1, 8.0)]
    [InlineData(HashingVariant.Hashed, 3, 64.0)]
    [InlineData(HashingVariant.Structured, 1, 16.0)]
    [InlineData(HashingVariant.Hashed, 4, 8.0, true, HashReduction.Min)]
    public void RoundTripGivesTheSameOutputsFromTheRealParametersAlone(HashingVariant variant, int hashes, double factor,
        bool separate = false, HashReduction reduction = HashReduction.Sum)
    {
        manual_seed(3);
        var options = new HashingOptions { Factor = factor, Hashes = hashes, Variant = variant, Seed = 11, SeparateBuckets = separate, Reduction = reduction };
        using var model = new HashedMlp([784, 50, 20, 10], options, 0.2);
        var path = Path.Combine(_dir, "h.safetensors");
        HashedModelFile.Save(path, model);
        using var loaded = HashedModelFile.Load(path);
        var x = Inputs(4);
        Assert.Equal(Outputs(model, x, 4), Outputs(loaded, x, 4));
        Assert.Equal(options, loaded.Options);

        // Only the real parameters are stored: pools (or U, V) and biases, 4 bytes each, plus the header.
        using var reader = SafetensorsReader.Open(path);
        var dataBytes = reader.Entries.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b) * 4);
        Assert.Equal(model.RealParameterCount * 4, dataBytes);
        Assert.True(new FileInfo(path).Length < dataBytes + 4096);
    }

    [Fact]
    public void TheSameSeedWritesTheSameBytes()
    {
        byte[] Write(string name)
        {
            manual_seed(7);
            using var model = new HashedMlp([784, 30, 10], new HashingOptions { Factor = 8, Seed = 2 });
            var path = Path.Combine(_dir, name);
            HashedModelFile.Save(path, model);
            return File.ReadAllBytes(path);
        }
        Assert.Equal(Write("a.safetensors"), Write("b.safetensors"));
    }

    public static TheoryData<string, string, string> BadMetadata => new()
    {
        { "architecture", "Classifier", "is not Hashed" },
        { "hashing.factor", "1", "must be greater than 1" },
        { "hashing.factor", "abc", "not a number" },
        { "hashing.hashes", "99", "hashes must be 1–16, got 99" },
        { "hashing.reduction", "Median", "unknown hash reduction" },
        { "sizes", "784,-3,10", "must be 2–64 numbers" },
        { "sizes", "2000000,10", "must be 2–64 numbers" },
        { "fc1.hash_seeds", "0000000000000001", "disagree with hashing.seed" },
        { "hashing.seed", "5", "disagree with hashing.seed" },
    };

    [Theory]
    [MemberData(nameof(BadMetadata))]
    public void HostileMetadataIsAOneLineInvalidFileError(string key, string value, string expected)
    {
        var path = Rewrite(m => m[key] = value);
        var ex = Assert.Throws<InvalidFileException>(() => HashedModelFile.Load(path));
        Assert.Contains(expected, ex.Message);
        Assert.Contains(path, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void AHugeVirtualNetworkOverATinyPoolIsRefusedBeforeTablesAreBuilt()
    {
        // 100,000 × 100,000 virtual weights at factor 1,000,000: a 10,000-float pool, 120 GB of tables.
        var metadata = Metadata(new HashedMlp([784, 10], new HashingOptions { Factor = 8 }));
        metadata["sizes"] = "100000,100000";
        metadata["hashing.factor"] = "1000000";
        metadata.Remove("fc1.hash_seeds");
        var path = Path.Combine(_dir, "huge.safetensors");
        SafetensorsWriter.Write(path, [NamedTensor.FromFloat32("fc1.pool", new float[10_000], [10_000]), NamedTensor.FromFloat32("fc1.bias", new float[100_000], [100_000])], metadata);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<InvalidFileException>(() => HashedModelFile.Load(path));
        Assert.Contains("exceed", ex.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16_000_000);
    }

    [Fact]
    public void APoolOfTheWrongSizeIsNamed()
    {
        manual_seed(1);
        using var model = new HashedMlp([784, 20, 10], new HashingOptions { Factor = 8 });
        var path = Path.Combine(_dir, "short.safetensors");
        var weights = ModelFile.Weights(model).Select(t => t.Name == "fc2.pool" ? NamedTensor.FromFloat32("fc2.pool", new float[3], [3]) : t).ToList();
        SafetensorsWriter.Write(path, weights, Metadata(model));
        var ex = Assert.Throws<InvalidFileException>(() => HashedModelFile.Load(path));
        Assert.Contains("'fc2.pool' has shape [3]", ex.Message);
    }

    static Dictionary<string, string> Metadata(HashedMlp model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"condense-hashed-meta-{Guid.NewGuid():N}.safetensors");
        try
        {
            HashedModelFile.Save(path, model);
            using var reader = SafetensorsReader.Open(path);
            return new Dictionary<string, string>(reader.Metadata);
        }
        finally
        {
            File.Delete(path);
            model.Dispose();
        }
    }

    string Rewrite(Action<Dictionary<string, string>> edit)
    {
        manual_seed(1);
        using var model = new HashedMlp([784, 20, 10], new HashingOptions { Factor = 8 });
        var metadata = Metadata(new HashedMlp([784, 20, 10], new HashingOptions { Factor = 8 }));
        edit(metadata);
        var path = Path.Combine(_dir, "bad.safetensors");
        SafetensorsWriter.Write(path, ModelFile.Weights(model), metadata);
        return path;
    }
}
