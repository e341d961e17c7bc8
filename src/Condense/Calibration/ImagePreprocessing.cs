using System.Globalization;

namespace Condense.Calibration;

/// <summary>
/// How a photo becomes an input tensor, in the order applied: the shorter side is resized to
/// <see cref="Resize"/> (default: the crop's longer side, so nothing of the shorter side is cut),
/// the centre is cropped to the model's height × width, values are scaled to 0..1 or 0..255
/// (<see cref="Range"/>), then per channel <c>(v − mean) / std</c> in those units, channels put in
/// <see cref="Order"/> and laid out as <see cref="Layout"/> (default: read off the input's shape).
/// Each setting is checked when it is set (initialiser or <c>with</c>); the messages name the CLI
/// options that set them.
/// </summary>
public sealed record ImagePreprocessing
{
    /// <summary>The shorter side's length before cropping (e.g. 256 for the ImageNet 256→224 recipe); null = the crop size.</summary>
    public int? Resize
    {
        get;
        init => field = value is not { } r || r is >= 1 and <= 16384 ? value : throw new CondenseException($"--resize must be 1–16384, got {r}");
    }

    /// <summary>Per-channel means in RGB order and the units of <see cref="Range"/> (one value for grey); null = 0.</summary>
    public float[]? Mean
    {
        get;
        init => field = value switch
        {
            null => null,
            { Length: not (1 or 3) } => throw new CondenseException($"--mean needs 1 or 3 values, got {value.Length}"),
            _ when value.Any(m => !float.IsFinite(m)) => throw new CondenseException($"--mean values must be finite, got {Join(value)}"),
            _ => value,
        };
    }

    /// <summary>Per-channel standard deviations in RGB order and the units of <see cref="Range"/>; null = 1.</summary>
    public float[]? Std
    {
        get;
        init => field = value switch
        {
            null => null,
            { Length: not (1 or 3) } => throw new CondenseException($"--std needs 1 or 3 values, got {value.Length}"),
            _ when value.Any(s => !(s > 0) || !float.IsFinite(s)) => throw new CondenseException($"--std values must be positive and finite, got {Join(value)}"),
            _ => value,
        };
    }

    /// <summary>The top of the value range: 1 (0..1) or 255 (0..255); null = 255 with a preprocessing model, else 1.</summary>
    public float? Range
    {
        get;
        init => field = value is null or 1f or 255f ? value
            : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"--range must be 1 or 255, got {value}"));
    }

    /// <summary>Channel order the model expects.</summary>
    public ChannelOrder Order { get; init; } = ChannelOrder.Rgb;

    /// <summary>Layout of the input; null = NCHW when the second axis has 1 or 3 entries, NHWC when the last does.</summary>
    public TensorLayout? Layout { get; init; }

    /// <summary>The largest photo decoded (width × height); a header claiming more is refused before any pixel buffer exists.</summary>
    public long MaxPixels
    {
        get;
        init => field = value >= 1 ? value : throw new CondenseException($"pixel limit must be at least 1, got {value}");
    } = Condense.Imaging.ImageDecodeOptions.DefaultMaxPixels;

    /// <summary>The defaults: centre crop, 0..1, no mean or std, RGB, layout from the shape.</summary>
    public static ImagePreprocessing Default { get; } = new();

    /// <summary>ImageNet's usual normalisation (torchvision): 0..1, mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225).</summary>
    public static ImagePreprocessing ImageNet { get; } = new() { Range = 1, Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f] };

    static string Join(float[] values) => string.Join(",", values.Select(v => v.ToString(CultureInfo.InvariantCulture)));
}
