using Condense.Quantization.Gptq;

namespace Condense.Tests.Quantization.Gptq;

public sealed class ConvolutionGramTests
{
    // H from shifted products of the images equals H from their im2col rows (float32 rounding apart): kernels
    // 3×3 with and without padding, 5×5, an asymmetric 2×3 with uneven pads, a kernel larger than the image
    // with padding, and images added one, then two at a time (the buffer spans several calls).
    [Theory]
    [InlineData(3, 6, 7, 3, 3, 1, 1, 1, 1)]
    [InlineData(2, 5, 5, 3, 3, 0, 0, 0, 0)]
    [InlineData(4, 7, 6, 5, 5, 2, 2, 2, 2)]
    [InlineData(3, 4, 6, 2, 3, 1, 0, 0, 2)]
    [InlineData(2, 2, 3, 3, 3, 1, 1, 1, 1)]
    public void Shifted_products_equal_the_im2col_rows_XᵀX(int c, int height, int width, int kh, int kw, int top, int left, int bottom, int right)
    {
        var g = new ConvGeometry(c, height, width, kh, kw, PadTop: top, PadLeft: left, PadBottom: bottom, PadRight: right);
        Assert.True(ConvolutionGram.Applies(g));
        var rng = new Random(c * 100 + kh);
        int image = c * height * width;
        using var rows = new HessianAccumulator(g.PatchSize, keepRows: false);
        using var images = new HessianAccumulator(g.PatchSize, keepRows: false);
        foreach (var count in new[] { 1, 2, 1 })
        {
            var x = Enumerable.Range(0, count * image).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
            for (int i = 0; i < count; i++) rows.Add(Im2Col.Patches(x.AsSpan(i * image, image), g), g.Patches);
            images.AddImages(x, count, g);
        }
        Assert.Equal(rows.Count, images.Count);
        var expected = rows.ToArray();
        var actual = images.ToArray();
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], actual[k], 1e-5 * Math.Max(1, Math.Abs(expected[k])));
    }

    // Strides, dilations and groups are left to the rows' product; a 1×1 kernel has nothing to share.
    [Fact]
    public void Applies_to_one_group_stride_1_kernels_of_several_taps_only()
    {
        Assert.False(ConvolutionGram.Applies(new ConvGeometry(4, 8, 8, 3, 3, StrideHeight: 2, StrideWidth: 2, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1)));
        Assert.False(ConvolutionGram.Applies(new ConvGeometry(4, 8, 8, 3, 3, DilationHeight: 2, DilationWidth: 2)));
        Assert.False(ConvolutionGram.Applies(new ConvGeometry(4, 8, 8, 3, 3, Group: 2)));
        Assert.False(ConvolutionGram.Applies(new ConvGeometry(4, 8, 8, 1, 1)));
        Assert.True(ConvolutionGram.Applies(new ConvGeometry(4, 8, 8, 1, 3, PadLeft: 1, PadRight: 1)));
    }

    // Reading H and adding more images, then rows, keeps every sum (the pending images are flushed on read).
    [Fact]
    public void Images_and_rows_mix_and_a_read_in_between_loses_nothing()
    {
        var g = new ConvGeometry(3, 5, 5, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1);
        int image = 3 * 25;
        var rng = new Random(7);
        var x = Enumerable.Range(0, 3 * image).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        using var rows = new HessianAccumulator(g.PatchSize);
        using var mixed = new HessianAccumulator(g.PatchSize);
        for (int i = 0; i < 3; i++) rows.Add(Im2Col.Patches(x.AsSpan(i * image, image), g), g.Patches);
        mixed.AddImages(x.AsSpan(0, image), 1, g);
        _ = mixed.ToArray();
        mixed.Add(Im2Col.Patches(x.AsSpan(image, image), g), g.Patches);
        mixed.AddImages(x.AsSpan(2 * image, image), 1, g);
        var expected = rows.ToArray();
        var actual = mixed.ToArray();
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], actual[k], 1e-5 * Math.Max(1, Math.Abs(expected[k])));
    }
}
