using BenchmarkDotNet.Attributes;
using Condense.Imaging;

namespace Condense.Bench;

/// <summary>Color quantization of the bundled photo (chelsea, 451×300) and its 512×512 crop at k = 8, 32, 256 (issue 5).</summary>
[MemoryDiagnoser]
public class ColorQuantizerBenchmarks
{
    RgbImage _image = null!;
    ColorQuantizer _quantizer = null!;

    [Params("chelsea", "chelsea-512")]
    public string Image { get; set; } = "chelsea";

    [Params(8, 32, 256)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _image = Image == "chelsea-512" ? SampleImages.Load512("chelsea") : SampleImages.Load(Image);
        _quantizer = new ColorQuantizer(new ColorQuantizerOptions { Colors = K, Seed = 0 });
    }

    [Benchmark]
    public QuantizedImage Quantize() => _quantizer.Quantize(_image);

    [Benchmark]
    public byte[] QuantizeAndEncodePng() => IndexedPngWriter.Encode(_quantizer.Quantize(_image));
}
