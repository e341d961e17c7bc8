namespace Condense.Calibration;

/// <summary>
/// How a photo becomes an input tensor, in the order applied: the shorter side is resized to
/// <see cref="Resize"/> (default: the crop's longer side, so nothing of the shorter side is cut),
/// the centre is cropped to the model's height × width, values are scaled to 0..1 or 0..255
/// (<see cref="Range"/>), then per channel <c>(v − mean) / std</c> in those units, channels put in
/// <see cref="Order"/> and laid out as <see cref="Layout"/> (default: read off the input's shape).
/// </summary>
public sealed record ImagePreprocessing
{
    /// <summary>The shorter side's length before cropping (e.g. 256 for the ImageNet 256→224 recipe); null = the crop size.</summary>
    public int? Resize { get; init; }

    /// <summary>Per-channel means in RGB order and the units of <see cref="Range"/> (one value for grey); null = 0.</summary>
    public float[]? Mean { get; init; }

    /// <summary>Per-channel standard deviations in RGB order and the units of <see cref="Range"/>; null = 1.</summary>
    public float[]? Std { get; init; }

    /// <summary>The top of the value range: 1 (0..1) or 255 (0..255); null = 255 with a preprocessing model, else 1.</summary>
    public float? Range { get; init; }

    /// <summary>Channel order the model expects.</summary>
    public ChannelOrder Order { get; init; } = ChannelOrder.Rgb;

    /// <summary>Layout of the input; null = NCHW when the second axis has 1 or 3 entries, NHWC when the last does.</summary>
    public TensorLayout? Layout { get; init; }

    /// <summary>The largest photo decoded (width × height); a header claiming more is refused before any pixel buffer exists.</summary>
    public long MaxPixels { get; init; } = Condense.Imaging.ImageDecodeOptions.DefaultMaxPixels;

    /// <summary>The defaults: centre crop, 0..1, no mean or std, RGB, layout from the shape.</summary>
    public static ImagePreprocessing Default { get; } = new();

    /// <summary>ImageNet's usual normalisation (torchvision): 0..1, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static ImagePreprocessing ImageNet { get; } = new() { Range = 1, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] };

    /// <summary>Checks ranges; bad values are a <see cref="CondenseException"/> quoting them.</summary>
    public void Validate()
    {
        if (MaxPixels < 1) throw new CondenseException($"the pixel limit must be positive, not {MaxPixels}");
        if (Resize is < 1 or > 16384) throw new CondenseException($"--resize must be between 1 and 16384, not {Resize}");
        if (Range is not (null or 1f or 255f)) throw new CondenseException($"--range must be 1 or 255, not {Range}");
        if (Mean is { Length: not (1 or 3) }) throw new CondenseException($"--mean needs 1 or 3 values, not {Mean.Length}");
        if (Std is { Length: not (1 or 3) }) throw new CondenseException($"--std needs 1 or 3 values, not {Std.Length}");
        if (Std is not null && Std.Any(s => !(s > 0) || !float.IsFinite(s))) throw new CondenseException($"--std values must be positive, not {string.Join(",", Std)}");
        if (Mean is not null && Mean.Any(m => !float.IsFinite(m))) throw new CondenseException($"--mean values must be finite, not {string.Join(",", Mean)}");
    }
}
