namespace Condense.Calibration;

/// <summary>
/// Turns resampled RGB pixels (height × width × 3, 0..255) into a model's input values: scaled to
/// the value range, normalised per channel, channels reordered (or reduced to luminance for one
/// channel) and laid out NCHW or NHWC, batch 1.
/// </summary>
public static class ImageTensor
{
    /// <summary>The input values for <paramref name="rgb"/>; <paramref name="channels"/> is 1 (grey) or 3.</summary>
    public static float[] Normalise(ReadOnlySpan<float> rgb, int height, int width, int channels, ImagePreprocessing options, TensorLayout layout, float range)
    {
        if (channels is not (1 or 3)) throw new CondenseException($"an image input needs 1 or 3 channels, not {channels}");
        if (rgb.Length != height * width * 3) throw new ArgumentException("pixel count does not match the size", nameof(rgb));
        var scale = range / 255f;
        Span<float> mean = stackalloc float[3];
        Span<float> invStd = stackalloc float[3];
        for (int c = 0; c < 3; c++)
        {
            mean[c] = options.Mean is null ? 0 : options.Mean[options.Mean.Length == 1 ? 0 : c];
            invStd[c] = options.Std is null ? 1 : 1 / options.Std[options.Std.Length == 1 ? 0 : c];
        }
        var plane = height * width;
        var result = new float[plane * channels];
        Span<float> v = stackalloc float[3];
        for (int p = 0; p < plane; p++)
        {
            float r = rgb[p * 3], g = rgb[p * 3 + 1], b = rgb[p * 3 + 2];
            if (channels == 1)
            {
                // ITU-R BT.601 luma, as Pillow's "L" conversion.
                v[0] = ((0.299f * r) + (0.587f * g) + (0.114f * b)) * scale;
                v[0] = (v[0] - mean[0]) * invStd[0];
            }
            else
            {
                v[0] = (r * scale - mean[0]) * invStd[0];
                v[1] = (g * scale - mean[1]) * invStd[1];
                v[2] = (b * scale - mean[2]) * invStd[2];
                if (options.Order == ChannelOrder.Bgr) (v[0], v[2]) = (v[2], v[0]);
            }
            for (int c = 0; c < channels; c++)
            {
                if (layout == TensorLayout.Nchw) result[c * plane + p] = v[c];
                else result[p * channels + c] = v[c];
            }
        }
        return result;
    }
}
