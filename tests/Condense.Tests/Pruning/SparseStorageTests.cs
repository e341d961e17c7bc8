using Condense.Codecs;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Tests.Pruning;

public class SparseStorageTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-sparse-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static float[] RandomSparse(int n, double density, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.NextDouble() < density ? (float)(rng.NextDouble() * 2 - 1) : 0f).ToArray();
    }

    [Fact]
    public void CsrRoundTripsAndCountsItsBytes()
    {
        var dense = RandomSparse(37 * 53, 0.1, 1);
        var csr = CsrMatrix.Encode(dense, 37, 53);
        Assert.Equal(dense.Count(v => v != 0), csr.NonzeroCount);
        Assert.Equal(dense, csr.Decode());
        Assert.Equal(4L * 38 + 8L * csr.NonzeroCount, csr.PayloadBytes);
    }

    [Fact]
    public void RelativeIndicesMatchTheHandWorkedExampleWithPadding()
    {
        // Nonzeros at 2 and 20 with 3-bit gaps (max 7): 2 → gap 2; 20 is 17 zeros later → 7 (pad), 7 (pad), gap 1.
        var dense = new float[24];
        dense[2] = 3;
        dense[20] = 5;
        var rel = RelativeIndexSparse.Encode(dense, 3);
        Assert.Equal(new byte[] { 2, 7, 7, 1 }, rel.Gaps);
        Assert.Equal(new float[] { 3, 0, 0, 5 }, rel.Values);
        Assert.Equal(2, rel.PaddingCount);
        Assert.Equal(dense, rel.Decode());
        Assert.Equal(rel.EntryCount, RelativeIndex.EntriesFor<float>(dense, 3));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void RelativeIndicesRoundTripAtEveryWidth(int bits)
    {
        var dense = RandomSparse(5000, 0.03, bits);
        var rel = RelativeIndexSparse.Encode(dense, bits);
        Assert.Equal(dense, rel.Decode());
        Assert.Equal(rel.Gaps, RelativeIndex.Unpack(RelativeIndex.Pack(rel.Gaps, bits), rel.EntryCount, bits));
        Assert.True(bits == 8 || rel.PaddingCount > 0);
    }

    [Fact]
    public void SparseModelFileRoundTripsAndReportsEveryByteItWrites()
    {
        var model = ModelFactory.Create(ModelKind.LeNet300, 4);
        ModelPruner.Apply(model, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = 0.92 });
        var dense = Path.Combine(_dir, "dense.safetensors");
        ModelFile.Save(dense, model);
        foreach (var encoding in new[] { SparseEncoding.RelativeIndex, SparseEncoding.Csr, SparseEncoding.Dense })
        {
            var path = Path.Combine(_dir, $"m-{encoding}{SparseModelFile.Extension}");
            var report = SparseModelFile.Save(path, model, new SparseStorageOptions { Encoding = encoding });
            Assert.Equal(new FileInfo(path).Length, report.FileBytes);
            Assert.Equal(report.FileBytes, report.HeaderBytes + report.Tensors.Sum(t => t.Bytes));
            var loaded = SparseModelFile.Load(path);
            Assert.Equal(ModelFile.Weights(model).Select(t => t.Data), ModelFile.Weights(loaded).Select(t => t.Data));
            if (encoding == SparseEncoding.RelativeIndex)
                Assert.True(report.FileBytes <= 0.15 * new FileInfo(dense).Length, $"{report.FileBytes} vs {new FileInfo(dense).Length}");
        }
        // Same model, same bytes.
        Assert.Equal(
            SparseModelFile.Encode(ModelFile.Weights(model), model.Describe()).Bytes,
            SparseModelFile.Encode(ModelFile.Weights(model), model.Describe()).Bytes);
    }

    [Fact]
    public void DenseFallbackWhenSparseWouldBeLarger()
    {
        var t = NamedTensor.FromFloat32("w", RandomSparse(100 * 100, 0.995, 2), 100, 100);
        var (_, report) = SparseModelFile.Encode([t], new Dictionary<string, string>());
        Assert.Equal(SparseEncoding.Dense, report.Tensors[0].Encoding);
        var (_, forced) = SparseModelFile.Encode([t], new Dictionary<string, string>(), new SparseStorageOptions { Encoding = SparseEncoding.Csr, FallBackToDense = false });
        Assert.Equal(SparseEncoding.Csr, forced.Tensors[0].Encoding);
        Assert.True(forced.Tensors[0].Bytes > 4 * 100 * 100);
    }

    [Fact]
    public void HostileFilesRaiseInvalidFileExceptionAndNothingElse()
    {
        var tensors = new[]
        {
            NamedTensor.FromFloat32("a", RandomSparse(30 * 40, 0.1, 3), 30, 40),
            NamedTensor.FromFloat32("b", RandomSparse(30 * 40, 0.1, 4), 30, 40),
            NamedTensor.FromFloat32("c", [1, 2, 3], 3),
        };
        var (rel, _) = SparseModelFile.Encode(tensors, new Dictionary<string, string> { ["k"] = "v" });
        var (csr, _) = SparseModelFile.Encode(tensors, new Dictionary<string, string>(), new SparseStorageOptions { Encoding = SparseEncoding.Csr });
        foreach (var good in new[] { rel, csr })
        {
            Assert.Equal(3, SparseModelFile.Decode(good, "good").Tensors.Count);
            for (var cut = 0; cut < good.Length; cut += 7)
                Assert.Throws<InvalidFileException>(() => SparseModelFile.Decode(good.AsSpan(0, cut), "cut"));
            var rng = new Random(5);
            for (var trial = 0; trial < 400; trial++)
            {
                var bad = (byte[])good.Clone();
                for (var k = 0; k < 1 + trial % 4; k++) bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
                try { SparseModelFile.Decode(bad, "fuzz"); }
                catch (InvalidFileException) { }
            }
        }
        Assert.Contains("bad magic", Assert.Throws<InvalidFileException>(() => SparseModelFile.Decode("NOTSPARSE0000000"u8, "x")).Message);
        Assert.Contains("bytes follow", Assert.Throws<InvalidFileException>(() => SparseModelFile.Decode([.. rel, 0], "x")).Message);

        // A tiny file claiming a gigantic tensor is refused before anything is allocated.
        var huge = new List<byte>("CONDSPRS"u8.ToArray());
        huge.AddRange(BitConverter.GetBytes(1u));
        huge.AddRange(BitConverter.GetBytes(2u));
        huge.AddRange("{}"u8.ToArray());
        huge.AddRange(BitConverter.GetBytes(1u));
        huge.AddRange(BitConverter.GetBytes((ushort)1));
        huge.Add((byte)'w');
        huge.Add(2);
        huge.AddRange(BitConverter.GetBytes(1u << 20));
        huge.AddRange(BitConverter.GetBytes(1u << 20));
        huge.Add((byte)SparseEncoding.RelativeIndex);
        Assert.Contains("more elements than this file may hold", Assert.Throws<InvalidFileException>(() => SparseModelFile.Decode(huge.ToArray(), "huge")).Message);

        var missing = Path.Combine(_dir, "missing.csparse");
        Assert.Throws<InvalidFileException>(() => SparseModelFile.Read(missing));
    }
}
