using Condense.Calibration;
using Condense.Imaging;

namespace Condense.Tests.Calibration;

public class ImagePreprocessingTests
{
    // A hand-made 2×2 photo: (10,20,30) (50,60,70) / (90,100,110) (130,140,150).
    static readonly RgbImage TwoByTwo = new(2, 2, [10, 20, 30, 50, 60, 70, 90, 100, 110, 130, 140, 150]);

    [Fact]
    public void Same_size_resampling_is_the_identity()
    {
        var rgb = ImageResampler.Resample(TwoByTwo, new CropRegion(0, 0, 2, 2), 2, 2);
        Assert.Equal(TwoByTwo.Pixels.Select(p => (float)p).ToArray(), rgb);
    }

    [Fact]
    public void Shrinking_to_one_pixel_averages_all_four()
    {
        var rgb = ImageResampler.Resample(TwoByTwo, new CropRegion(0, 0, 2, 2), 1, 1);
        Assert.Equal([70f, 80f, 90f], rgb);
    }

    [Fact]
    public void Enlarging_interpolates_bilinearly_and_flip_mirrors()
    {
        // One row 0 and 100: output centres at 0.25, 0.75, 1.25, 1.75 source pixels.
        var row = new RgbImage(2, 1, [0, 0, 0, 100, 100, 100]);
        var rgb = ImageResampler.Resample(row, new CropRegion(0, 0, 2, 1), 4, 1);
        Assert.Equal([0f, 25f, 75f, 100f], rgb.Where((_, i) => i % 3 == 0).ToArray());
        var flipped = ImageResampler.Resample(row, new CropRegion(0, 0, 2, 1, Flip: true), 4, 1);
        Assert.Equal([100f, 75f, 25f, 0f], flipped.Where((_, i) => i % 3 == 0).ToArray());
    }

    [Fact]
    public void Normalise_gives_exact_values_in_nchw_and_nhwc()
    {
        var rgb = ImageResampler.Resample(TwoByTwo, new CropRegion(0, 0, 2, 2), 2, 2);
        var options = new ImagePreprocessing { Mean = [0.5f, 0.25f, 0f], Std = [0.25f, 0.5f, 2f] };
        var nchw = ImageTensor.Normalise(rgb, 2, 2, 3, options, TensorLayout.Nchw, 1);
        var nhwc = ImageTensor.Normalise(rgb, 2, 2, 3, options, TensorLayout.Nhwc, 1);
        for (int p = 0; p < 4; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                var expected = ((TwoByTwo.Pixels[p * 3 + c] / 255.0) - options.Mean[c]) / options.Std[c];
                Assert.Equal(expected, nchw[c * 4 + p], 5);
                Assert.Equal(expected, nhwc[p * 3 + c], 5);
            }
        }
        Assert.Equal((10 / 255.0 - 0.5) / 0.25, nchw[0], 6);
    }

    [Fact]
    public void Bgr_swaps_channels_range_255_keeps_pixel_values_and_grey_is_bt601_luma()
    {
        var rgb = ImageResampler.Resample(TwoByTwo, new CropRegion(0, 0, 2, 2), 2, 2);
        var bgr = ImageTensor.Normalise(rgb, 2, 2, 3, new ImagePreprocessing { Order = ChannelOrder.Bgr }, TensorLayout.Nhwc, 255);
        Assert.Equal([30f, 20f, 10f], bgr[..3]);
        var grey = ImageTensor.Normalise(rgb, 2, 2, 1, ImagePreprocessing.Default, TensorLayout.Nchw, 255);
        Assert.Equal(0.299 * 10 + 0.587 * 20 + 0.114 * 30, grey[0], 4);
    }

    [Fact]
    public void Centre_crop_resizes_the_shorter_side_then_crops_the_middle()
    {
        // 300×200 photo, shorter side to 224, 224×224 crop: the middle 200×200 of the photo.
        var r = CropRegion.Centre(300, 200, 224, 224, 224);
        Assert.Equal(50, r.X, 9);
        Assert.Equal(0, r.Y, 9);
        Assert.Equal(200, r.Width, 9);
        Assert.Equal(200, r.Height, 9);
        // ImageNet's 256 → 224: a 175×175 region (224 / (256/200)) in the middle.
        var r2 = CropRegion.Centre(300, 200, 256, 224, 224);
        Assert.Equal(175, r2.Width, 9);
        Assert.Equal((300 - 175) / 2.0, r2.X, 9);
        Assert.Equal((200 - 175) / 2.0, r2.Y, 9);
    }

    [Fact]
    public void Bad_settings_are_refused_quoting_the_value()
    {
        Assert.Equal("--range must be 1 or 255, got 7", Assert.Throws<CondenseException>(() => new ImagePreprocessing { Range = 7 }).Message);
        Assert.Equal("--mean needs 1 or 3 values, got 2", Assert.Throws<CondenseException>(() => new ImagePreprocessing { Mean = [1, 2] }).Message);
        Assert.Equal("--std values must be positive and finite, got 0", Assert.Throws<CondenseException>(() => new ImagePreprocessing { Std = [0] }).Message);
        Assert.Throws<CondenseException>(() => ImagePreprocessing.ImageNet with { Resize = 0 });
    }
}
