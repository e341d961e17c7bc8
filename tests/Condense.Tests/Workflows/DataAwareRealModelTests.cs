using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Workflows;

namespace Condense.Tests.Workflows;

public sealed class DataAwareRealModelTests
{
    static readonly string[] Sentences =
    [
        "The cat sat quietly on the warm window sill.", "Databases store rows in pages on disk.",
        "A small river runs through the old town.", "Compression makes the file smaller but costs accuracy.",
        "She opened the letter and smiled.", "Every query is parsed before it is planned.",
        "The train to the coast leaves at nine.", "Weights are rounded to a few levels.",
        "He painted the fence a bright shade of blue.", "Indexes speed up lookups on large tables.",
    ];

    [Fact]
    [Trait("Category", "Slow")]
    public void MiniLm_at_8_bits_with_gptq_keeps_its_sentence_embeddings_and_names_what_it_left()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("sentences.txt"), Sentences);
        var model = OnnxReader.Read(PackagedModels.MiniLm);
        var data = CalibrationDataLoader.Load(model, new DataSpec(dir.File("sentences.txt"), Vocab: PackagedModels.MiniLmVocab, Count: 10, HeldOutFraction: 0.3));
        var report = DataAwareCompression.Run(new DataAwareCompressionRequest(PackagedModels.MiniLm, dir.File("minilm8.onnx"),
            OnnxCompressionMethod.Linear, 8, data, BlockSize: 64, CompareDataFree: false));
        Assert.Equal(37, report.Layers.Count);
        Assert.All(report.Layers, l => Assert.True(l.OutputError < 0.02, $"{l.Node}: {l.OutputError}"));
        Assert.Contains(report.Untouched, line => line.StartsWith("Gather_18 (Gather)"));
        Assert.True(report.Quality >= 0.999, $"cosine {report.Quality}");
        Assert.True(report.BytesAfter < report.BytesBefore / 3);
    }
}
