using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>
/// Models whose weights live in an external data file (how ONNX stores models over 2 GiB): written
/// with aligned offsets through a staging folder, read back tensor by tensor, run by ONNX Runtime
/// with the same outputs as the single-file model, and compressed tensor by tensor into a model that
/// again keeps its weights outside.
/// </summary>
public sealed class OnnxExternalDataTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-onnx-external").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    static IReadOnlyList<TensorProto> Inputs(OnnxModel model) => OnnxVerifier.RandomInputs(model.Proto.Graph, seed: 3);

    static byte[] Output(OnnxRuntimeRunner runner, IReadOnlyList<TensorProto> inputs) => OnnxTensorData.ToRawBytes(runner.Run(inputs)[0]);

    /// <summary>The Gemm sample written inline and with external data.</summary>
    (string Inline, string External, OnnxModel Model) Pair(int rows = 64, int cols = 48)
    {
        var model = OnnxSamples.Linear(out _, rows, cols);
        var inline = Path.Combine(dir, "inline.onnx");
        var external = Path.Combine(dir, "external.onnx");
        OnnxWriter.Write(inline, model.Proto);
        OnnxWriter.WriteExternal(external, model, minBytes: 1024);
        return (inline, external, model);
    }

    void AssertNoLeftovers() =>
        Assert.Empty(Directory.GetFileSystemEntries(dir, "*.tmp", SearchOption.AllDirectories));

    [Fact]
    public void AModelWrittenWithExternalDataRunsLikeTheSingleFileModel()
    {
        var (inline, external, model) = Pair();
        Assert.True(File.Exists(external + ".data"));
        AssertNoLeftovers();

        var reread = OnnxReader.Read(external);
        var w = reread.Proto.Graph.Initializer.Single(t => t.Name == "W");
        var b = reread.Proto.Graph.Initializer.Single(t => t.Name == "B");
        Assert.True(OnnxTensorData.IsExternal(w));
        Assert.False(OnnxTensorData.IsExternal(b)); // 64 floats: below the 1024-byte threshold
        Assert.Equal("external.onnx.data", w.ExternalData.Single(e => e.Key == "location").Value);
        Assert.Equal(0, long.Parse(w.ExternalData.Single(e => e.Key == "offset").Value) % OnnxExternalDataWriter.Alignment);
        Assert.Equal(64 * 48 * 4, long.Parse(w.ExternalData.Single(e => e.Key == "length").Value));
        Assert.True(new FileInfo(external).Length < 1024, "the protobuf holds no weights");
        // The bytes come back exactly, one tensor at a time.
        Assert.Equal(model.Proto.Graph.Initializer.Single(t => t.Name == "W").RawData.ToByteArray(), reread.ReadExternal(w));

        var inputs = Inputs(model);
        using var a = OnnxRuntimeRunner.FromFile(inline);
        using var e = OnnxRuntimeRunner.FromFile(external);
        Assert.Equal(Output(a, inputs), Output(e, inputs));
    }

    [Fact]
    public void SeveralTensorsGetAlignedNonOverlappingRanges()
    {
        var model = OnnxSamples.Linear(out _, 40, 30);
        model.Proto.Graph.Initializer.Add(OnnxTensorData.FromFloat32("extra", new float[700], [700]));
        var path = Path.Combine(dir, "m.onnx");
        OnnxWriter.WriteExternal(path, model, minBytes: 0);
        var reread = OnnxReader.Read(path);
        var ranges = reread.Proto.Graph.Initializer.Select(t => (Offset: long.Parse(t.ExternalData.Single(e => e.Key == "offset").Value),
            Length: long.Parse(t.ExternalData.Single(e => e.Key == "length").Value))).OrderBy(r => r.Offset).ToList();
        Assert.Equal(3, ranges.Count);
        Assert.All(ranges, r => Assert.Equal(0, r.Offset % OnnxExternalDataWriter.Alignment));
        for (var i = 1; i < ranges.Count; i++) Assert.True(ranges[i].Offset >= ranges[i - 1].Offset + ranges[i - 1].Length);
        // The source model is untouched (WriteExternal works on a copy).
        Assert.All(model.Proto.Graph.Initializer, t => Assert.False(OnnxTensorData.IsExternal(t)));
    }

    [Theory]
    [InlineData(OnnxCompressionMethod.KMeans, 8)]
    [InlineData(OnnxCompressionMethod.KMeans, 4)]
    [InlineData(OnnxCompressionMethod.Linear, 8)]
    public void CompressingToExternalDataGivesTheSameModelAsInMemory(OnnxCompressionMethod method, int bits)
    {
        var (inline, external, model) = Pair(96, 80);
        var options = new OnnxCompressionOptions(method, bits, Seed: 5);
        var inMemory = OnnxCompressor.Compress(OnnxReader.Read(inline), options);
        var inMemoryPath = Path.Combine(dir, "in-memory.onnx");
        OnnxWriter.Write(inMemoryPath, inMemory.Model);

        var source = OnnxReader.Read(external);
        string? staged = null;
        var output = Path.Combine(dir, "out", "compressed.onnx");
        var result = OnnxCompressor.CompressToExternal(source, options, output, path =>
        {
            staged = path;
            Assert.True(File.Exists(path + ".data"));
            Assert.False(File.Exists(output), "nothing appears before verification");
        });
        Assert.NotNull(staged);
        Assert.False(File.Exists(staged));
        AssertNoLeftovers();
        Assert.True(File.Exists(output + ".data"));
        // The input is not modified: its weight is still a reference into its own data file.
        Assert.True(OnnxTensorData.IsExternal(source.Proto.Graph.Initializer.Single(t => t.Name == "W")));
        Assert.Equal(inMemory.Tensors.Select(t => t.Encoding), result.Tensors.Select(t => t.Encoding));
        Assert.Equal(new FileInfo(output).Length + new FileInfo(output + ".data").Length, result.ModelBytesAfter);

        var compressed = OnnxReader.Read(output);
        Assert.Contains(compressed.Proto.Graph.Initializer, OnnxTensorData.IsExternal);
        var inputs = Inputs(model);
        using var a = OnnxRuntimeRunner.FromFile(inMemoryPath);
        using var b = OnnxRuntimeRunner.FromFile(output);
        Assert.Equal(Output(a, inputs), Output(b, inputs));
        // And the verifier agrees with the original within the compression error.
        var verification = OnnxVerifier.CompareFiles(source, output, inputs);
        Assert.True(verification.Outputs.Single().MaxRelative < 0.1);
    }

    [Fact]
    public void AFailedVerificationLeavesNothingBehind()
    {
        var (_, external, _) = Pair();
        var output = Path.Combine(dir, "refused.onnx");
        Assert.Throws<CondenseException>(() => OnnxCompressor.CompressToExternal(OnnxReader.Read(external),
            new OnnxCompressionOptions(OnnxCompressionMethod.Linear), output, _ => throw new CondenseException("verification failed")));
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".data"));
        AssertNoLeftovers();
    }

    [Fact]
    public void ADataFileThatShrinksAfterReadingIsAnInvalidFileNamingIt()
    {
        var (_, external, _) = Pair();
        var model = OnnxReader.Read(external);
        using (var f = new FileStream(external + ".data", FileMode.Open)) f.SetLength(100);
        var ex = Assert.Throws<InvalidFileException>(() => OnnxCompressor.CompressToExternal(model,
            new OnnxCompressionOptions(OnnxCompressionMethod.Linear), Path.Combine(dir, "o.onnx")));
        Assert.Contains("external.onnx.data", ex.Message);
        Assert.Contains("runs past the end", ex.Message);
        Assert.False(File.Exists(Path.Combine(dir, "o.onnx")));
        AssertNoLeftovers();
    }

    [Fact]
    public void AutoGoesExternalFromTheThresholdOrForExternalInput()
    {
        var (inline, external, _) = Pair();
        var small = OnnxReader.Read(inline);
        Assert.False(new OnnxCompressionOptions(OnnxCompressionMethod.Linear).WritesExternal(small));
        Assert.True(new OnnxCompressionOptions(OnnxCompressionMethod.Linear, ExternalThresholdBytes: 1000).WritesExternal(small));
        Assert.True(new OnnxCompressionOptions(OnnxCompressionMethod.Linear).WritesExternal(OnnxReader.Read(external)));
        Assert.False(new OnnxCompressionOptions(OnnxCompressionMethod.Linear, ExternalData: OnnxExternalDataMode.Never).WritesExternal(OnnxReader.Read(external)));
        Assert.True(new OnnxCompressionOptions(OnnxCompressionMethod.Linear, ExternalData: OnnxExternalDataMode.Always).WritesExternal(small));
    }

    [Fact]
    public void TheCliWritesExternalDataFromTheThresholdAndVerifiesIt()
    {
        var (inline, _, _) = Pair();
        var output = Path.Combine(dir, "cli.onnx");
        var (code, stdout, stderr) = CliHarness.Run("compress", inline, "--method", "kmeans", "--external-threshold", "1000", "-o", output, "--json");
        Assert.True(code == 0, stderr);
        Assert.Contains("\"external_data\"", stdout);
        Assert.True(File.Exists(output + ".data"));
        Assert.True(OnnxTensorData.IsExternal(OnnxReader.Read(output).Proto.Graph.Initializer.First(t => t.Name.EndsWith("::indices_u8", StringComparison.Ordinal))));
        AssertNoLeftovers();

        var bad = CliHarness.Run("compress", inline, "--method", "kmeans", "--external-data", "sometimes", "-o", output);
        Assert.Equal(1, bad.Code);
        Assert.Contains("--external-data must be auto, always or never", bad.Stderr);
    }

    [Fact]
    public void TheSyntheticChainIsSeededRunsAndCompressesTensorByTensor()
    {
        var path = Path.Combine(dir, "synthetic", "model.onnx");
        SyntheticOnnxModel.Write(path, layers: 4, hidden: 64, intermediate: 176, seed: 1);
        var first = File.ReadAllBytes(path + ".data");
        Assert.Equal(4 * 64 * 176 * 4, OnnxReader.Read(path).TensorBytes);
        SyntheticOnnxModel.Write(path, layers: 4, hidden: 64, intermediate: 176, seed: 1);
        Assert.Equal(first, File.ReadAllBytes(path + ".data"));
        AssertNoLeftovers();

        var model = OnnxReader.Read(path);
        var output = Path.Combine(dir, "synthetic", "kmeans", "model.onnx");
        OnnxVerification? verification = null;
        var result = OnnxCompressor.CompressToExternal(model, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans), output,
            staged => verification = OnnxVerifier.CompareFiles(model, staged));
        Assert.Equal(4, result.Tensors.Count(t => t.Compressed));
        Assert.True(verification!.Outputs.Single().MeanRelative < 0.05, $"{verification.Outputs.Single().MeanRelative}");
        // 8-bit codes (a quarter) plus codebooks, each tensor at a 4096-byte boundary.
        Assert.True(new FileInfo(output + ".data").Length < first.Length / 2);
    }
}
