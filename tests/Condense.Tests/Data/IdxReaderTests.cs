using System.IO.Compression;
using Condense.Data;

namespace Condense.Tests.Data;

public class IdxReaderTests
{
    [Fact]
    public void EmbeddedMnist10kHasTheDocumentedSplitAndLabelCounts()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
        Assert.Equal(784, train.Features);
        // data/README.md: label counts over all 10,000 digits.
        var counts = train.Labels.Concat(test.Labels).GroupBy(l => l).OrderBy(g => g.Key).Select(g => g.Count());
        Assert.Equal(new[] { 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 }, counts);
        Assert.InRange(train.Images.Max(), 0.99f, 1f);
        Assert.Equal(0f, train.Images.Min());
    }

    [Fact]
    public void ReadsPlainAndGzippedTheSame()
    {
        var plain = Idx(0x08, 3, [2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(plain);
        gz.Position = 0;
        var a = IdxReader.Read(new MemoryStream(plain), "plain");
        var b = IdxReader.Read(gz, "gz");
        Assert.Equal(new[] { 2, 2, 2 }, a.Dimensions);
        Assert.Equal(a.Data, b.Data);
        Assert.Equal(4, a.ItemSize);
    }

    static byte[] Idx(byte type, byte rank, int[] dims, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, type, rank };
        foreach (var d in dims) bytes.AddRange(BitConverter.GetBytes(d).Reverse());
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 8 }, "too short")]
    [InlineData(new byte[] { 1, 2, 8, 1, 0, 0, 0, 1, 5 }, "not an IDX")]
    [InlineData(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 1, 5, 5, 5, 5 }, "not supported")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 5 }, "promises 3 bytes")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 5, 6 }, "promises 1 bytes")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0x7f, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 9 }, "limit")]
    public void HostileFilesAreRefusedWithAReason(byte[] bytes, string problem)
    {
        var ex = Assert.Throws<InvalidFileException>(() => IdxReader.Read(new MemoryStream(bytes), "bad.idx"));
        Assert.Contains(problem, ex.Message);
        Assert.StartsWith("bad.idx: ", ex.Message);
    }

    [Fact]
    public void TruncatedGzipIsRefused()
    {
        var plain = Idx(0x08, 1, [100], new byte[100]);
        var gz = new MemoryStream();
        using (var z = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true)) z.Write(plain);
        var cut = gz.ToArray()[..12];
        Assert.Throws<InvalidFileException>(() => IdxReader.Read(new MemoryStream(cut), "cut.gz"));
    }

    [Fact]
    public void FashionMnistLoadsWhenInstalledAndOtherwiseSaysHowToGetIt()
    {
        if (DataSets.FashionAvailable)
        {
            var (train, test) = DataSets.Load(DataSets.Fashion);
            Assert.Equal(60000, train.Count);
            Assert.Equal(10000, test.Count);
            Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(6000, train.Labels.Count(l => l == c)));
        }
        else
        {
            var ex = Assert.Throws<CondenseException>(() => DataSets.Load(DataSets.Fashion));
            Assert.Contains("dataset-fashion-mnist", ex.Message);
        }
    }

    [Fact]
    public void UnknownDataSetNameIsRefused() =>
        Assert.Contains("unknown data set 'cifar'", Assert.Throws<CondenseException>(() => DataSets.Load("cifar")).Message);
}
