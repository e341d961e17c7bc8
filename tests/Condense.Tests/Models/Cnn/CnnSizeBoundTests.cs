using Condense.Formats;
using Condense.Hashing;
using Condense.Models;
using Condense.Models.Cnn;

namespace Condense.Tests.Models.Cnn;

/// <summary>A model file names its network in its metadata: a hostile one must be refused before it allocates, not after.</summary>
public class CnnSizeBoundTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-cnnbound-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string MetadataOnly(string name, Dictionary<string, string> metadata)
    {
        var path = Path.Combine(_dir, name);
        SafetensorsWriter.Write(path, [], metadata);
        return path;
    }

    [Fact]
    public void AVggConfigurationOfTensOfGigabytesIsRefusedNamingTheFileAndTheUnit()
    {
        // 4096 × 4096 × 9 = 150,994,944 weights in conv2 alone: 600 MB each, 60 GB for the hundred units named.
        var config = string.Join(",", Enumerable.Repeat("4096", 100));
        var path = MetadataOnly("huge-vgg.safetensors", new() { ["architecture"] = "Vgg", ["config"] = config, ["batch_norm"] = "true" });
        var ex = Assert.Throws<InvalidFileException>(() => CnnModelFile.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("conv conv2 would bring the network to 151,031,808 conv weights, more than the 67,108,864", ex.Message);
    }

    [Fact]
    public void AHashedCnnFileNamingAHugeNetworkIsRefusedTheSameWay()
    {
        var path = MetadataOnly("huge-hashed.safetensors", new()
        {
            ["architecture"] = HashedCnn.ArchitectureName, ["cnn.architecture"] = "Vgg", ["config"] = "4096,4096,4096", ["batch_norm"] = "true",
            ["hashing.factor"] = "8", ["hashing.hashes"] = "1", ["hashing.reduction"] = "Sum", ["hashing.seed"] = "0", ["hashing.buckets"] = "shared",
        });
        var ex = Assert.Throws<InvalidFileException>(() => HashedCnnFile.Load(path));
        Assert.Contains("more than the 67,108,864", ex.Message);
    }

    [Fact]
    public void TheBoundCountsEveryUnitAndLeavesRealNetworksAlone()
    {
        // Widest ResNet allowed by its own checks, 16 blocks a stage: refused by the weight bound.
        Assert.Contains("more than the 67,108,864", Assert.Throws<CondenseException>(() => new ResNet(512, 16)).Message);
        // 1024-channel units pass one by one (9.4 M weights each) until the ninth crosses 67 M.
        var ex = Assert.Throws<CondenseException>(() => new VggNet("1024,1024,1024,1024,1024,1024,1024,1024,1024"));
        Assert.Contains("conv conv9 would bring", ex.Message);
        using var vgg = new VggNet(VggNet.DefaultConfig);
        using var resnet = new ResNet(64, 2);
        using var lenet = new LeNet5(width: 16);
        Assert.Equal(70_330, vgg.ParameterCount);
    }
}
