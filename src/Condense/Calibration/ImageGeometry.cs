using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Calibration;

/// <summary>The image tensor an input wants: layout, channels, height and width, read off its shape.</summary>
public sealed record ImageGeometry(TensorLayout Layout, int Channels, int Height, int Width)
{
    /// <summary>
    /// Reads the geometry of <paramref name="input"/>: a float tensor of rank 4, batch 1 or dynamic,
    /// 1 or 3 channels on the second axis (NCHW) or the last (NHWC) unless <paramref name="layout"/>
    /// says which; height and width must be known (fixed by the model or <c>--input-shape</c>).
    /// </summary>
    public static ImageGeometry Of(ModelInput input, TensorLayout? layout, string source)
    {
        if (input.Type != DataType.Float)
            throw new CondenseException($"{source}: input {input} is not FLOAT, so it does not take images");
        if (input.Dims.Length != 4)
            throw new CondenseException($"{source}: input {input} is not a 4-d image tensor (N,C,H,W or N,H,W,C)");
        var d = input.Dims;
        var chosen = layout ?? (d[1] is 1 or 3 ? TensorLayout.Nchw : d[3] is 1 or 3 ? TensorLayout.Nhwc
            : throw new CondenseException($"{source}: cannot tell the channel axis of input {input}; pass --layout nchw|nhwc"));
        var (c, h, w) = chosen == TensorLayout.Nchw ? (d[1], d[2], d[3]) : (d[3], d[1], d[2]);
        if (c is not (1 or 3))
            throw new CondenseException($"{source}: input {input} has {(c < 0 ? "a dynamic number of" : c.ToString(System.Globalization.CultureInfo.InvariantCulture))} channels in {chosen} layout; images give 1 or 3");
        if (h < 1 || w < 1)
            throw new CondenseException($"{source}: input {input} has a dynamic height or width; pass --input-shape {input.Name}={(chosen == TensorLayout.Nchw ? $"1,{c},224,224" : $"1,224,224,{c}")}");
        if (h > 8192 || w > 8192) throw new CondenseException($"{source}: input {input} is larger than 8192 pixels a side");
        if (d[0] > 1) throw new CondenseException($"{source}: input {input} has batch {d[0]}; Condense feeds one image at a time (batch 1 or dynamic)");
        return new ImageGeometry(chosen, (int)c, (int)h, (int)w);
    }

    /// <summary>The input's dims for one image.</summary>
    public long[] Dims => Layout == TensorLayout.Nchw ? [1, Channels, Height, Width] : [1, Height, Width, Channels];
}
