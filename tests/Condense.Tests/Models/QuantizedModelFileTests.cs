using Condense.Codecs;
using Condense.Formats;
using Condense.Models;
using Condense.Quantization;

namespace Condense.Tests.Models;

/// <summary>
/// The quantized model file as a layout of <see cref="EncodedParameter"/>: what the quantizer
/// encodes is what the file holds (the same bytes the per-method results lay out), and a file read
/// back gives the same codes, side tensors, sizes and decoded values.
/// </summary>
public class QuantizedModelFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-qfile-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static float[] W(int rows, int cols, int seed) =>
        Condense.Metrics.WeightGenerator.Generate(new Condense.Metrics.WeightGeneratorOptions(Condense.Metrics.WeightDistribution.Normal, rows, cols, 0.05, seed));

    public static TheoryData<string> Settings() => ["kmeans 4", "kmeans 3 per-channel huffman keep-zeros", "linear 8", "linear 4 per-channel asymmetric", "linear 2", "linear 1"];

    static ModelQuantizationOptions Options(string setting)
    {
        var p = setting.Split(' ');
        var bits = int.Parse(p[1]);
        return new ModelQuantizationOptions(p[0] == "kmeans" ? QuantizationMethod.KMeans : QuantizationMethod.Linear, bits)
        {
            Granularity = setting.Contains("per-channel") ? Granularity.PerChannel : Granularity.PerTensor,
            Huffman = setting.Contains("huffman"), KeepZeros = setting.Contains("keep-zeros"), Symmetric = !setting.Contains("asymmetric"), Seed = 3,
        };
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void TheFileHoldsTheBytesOfThePerMethodLayoutAndReadsBackTheSameValue(string setting)
    {
        var options = Options(setting);
        using var model = ModelFactory.Create(ModelKind.LeNet300, 1);
        var weights = ModelFile.Weights(model).ToDictionary(t => t.Name);
        var quantized = new[] { "fc2.weight", "fc3.weight", "fc3.bias" }
            .Select(n => options.Quantize(n, weights[n].ToFloat32(), weights[n].Shape)).ToArray();

        foreach (var q in quantized)
        {
            // The same bytes as the quantizers' own results (SharedWeights / LinearQuantized) lay out.
            var values = weights[q.Name].ToFloat32();
            var tensors = QuantizedModelFile.Tensors(q);
            Assert.Equal(q.Size.TotalBytes, tensors.Sum(t => (long)t.Data.Length));
            var g = q.Shape.Length >= 2 ? options.Granularity : Granularity.PerTensor;
            if (q.IsKMeans)
            {
                var s = new WeightSharingQuantizer(new WeightSharingOptions(options.Bits) { Granularity = g, Huffman = options.Huffman, KeepZeros = options.KeepZeros, Seed = 3 }).Quantize(values, q.Shape);
                Assert.Equal(s.Huffman?.Stream ?? s.PackedIndices, tensors[^1].Name.EndsWith(".huffman_lengths") ? tensors[^2].Data : tensors[^1].Data);
                Assert.Equal(s.Size, q.Size);
                Assert.Equal(s.Reconstruct(), q.Reconstruct());
            }
            else
            {
                var l = new LinearQuantizer(new LinearQuantizationOptions(ModelQuantizationOptions.LinearPrecisionFor(options.Bits)) { Granularity = g, Symmetric = options.Symmetric }).Quantize(values, q.Shape);
                Assert.Equal(l.Packed, tensors[0].Data);
                Assert.Equal(l.Size, q.Size);
                Assert.Equal(l.Reconstruct(), q.Reconstruct());
            }
            Assert.Equal(TensorError.Of(values, q.Reconstruct()), q.Encoded.Error);
        }

        var path = Path.Combine(_dir, "q.safetensors");
        QuantizedModelFile.Save(path, model, quantized, model.Describe());
        var (loaded, _, parameters) = QuantizedModelFile.Load(path);
        using var _loaded = loaded;
        Assert.Equal(quantized.Select(q => q.Name), parameters.Select(p => p.Name));
        foreach (var (q, p) in quantized.Zip(parameters))
        {
            Assert.Equal(q.Encoded.Kind, p.Encoded.Kind);
            Assert.Equal(q.Shape, p.Shape);
            Assert.Equal(q.Encoded.ChannelAxis, p.Encoded.ChannelAxis);
            Assert.Equal(q.Encoded.Codes, p.Encoded.Codes);
            Assert.Equal(q.Encoded.CodeOffset, p.Encoded.CodeOffset);
            Assert.Equal(q.Encoded.Scales, p.Encoded.Scales);
            Assert.Equal(q.Encoded.ZeroPoints, p.Encoded.ZeroPoints);
            Assert.Equal(q.Encoded.Codebook, p.Encoded.Codebook);
            Assert.Equal(q.Size, p.Size);
            Assert.Equal(q.Describe(), p.Describe());
            Assert.Equal(q.Reconstruct(), p.Reconstruct());
            Assert.True(double.IsNaN(p.Encoded.Error.SumSquaredError));   // the original is gone
            // The rebuilt model computes with the decoded values.
            var stored = ModelFile.Weights(loaded).Single(t => t.Name == q.Name).ToFloat32();
            Assert.Equal(q.Reconstruct(), stored);
        }
        // Written again from what was read, the file is the same bytes.
        var again = Path.Combine(_dir, "again.safetensors");
        QuantizedModelFile.Save(again, loaded, parameters, model.Describe());
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(again));
    }

    [Fact]
    public void AGroupCountThatIsNeitherOneNorOnePerChannelIsAnInvalidFile()
    {
        using var model = ModelFactory.Create(ModelKind.LeNet300, 1);
        var w = W(10, 100, 2);
        var q = new ModelQuantizationOptions(QuantizationMethod.KMeans, 2) { Granularity = Granularity.PerChannel }.Quantize("fc3.weight", w, [10, 100]);
        // Five codebooks for ten output channels: a hostile or corrupted file.
        var bad = q with { Encoded = q.Encoded with { Codebook = q.Encoded.Codebook[..(5 * 4)] } };
        var path = Path.Combine(_dir, "bad.safetensors");
        QuantizedModelFile.Save(path, model, [bad], model.Describe());
        var ex = Assert.Throws<InvalidFileException>(() => QuantizedModelFile.Load(path));
        Assert.Contains("'fc3.weight' has 5 groups for shape [10, 100]", ex.Message);
    }
}
