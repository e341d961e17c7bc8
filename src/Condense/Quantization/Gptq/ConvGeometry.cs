namespace Condense.Quantization.Gptq;

/// <summary>
/// One 2-D convolution's shape as ONNX states it (NCHW input, weight [C_out, C_in/group, kh, kw]),
/// everything <see cref="Im2Col"/> needs to turn its input into the rows its weight multiplies.
/// Checked when it is built: sizes, strides, dilations and group positive, pads non-negative, the
/// group dividing the channels and the kernel fitting the padded input. The settings depend on each
/// other, so they are set by the constructor only.
/// </summary>
public sealed record ConvGeometry(
    int InChannels, int Height, int Width, int KernelHeight, int KernelWidth,
    int StrideHeight = 1, int StrideWidth = 1, int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    int DilationHeight = 1, int DilationWidth = 1, int Group = 1)
{
    /// <summary>C_in, input channels; at least 1.</summary>
    public int InChannels { get; } = AtLeast(1, "input channels", InChannels);

    /// <summary>H, input rows; at least 1.</summary>
    public int Height { get; } = AtLeast(1, "input height", Height);

    /// <summary>W, input columns; at least 1.</summary>
    public int Width { get; } = AtLeast(1, "input width", Width);

    /// <summary>kh, kernel rows; at least 1.</summary>
    public int KernelHeight { get; } = AtLeast(1, "kernel height", KernelHeight);

    /// <summary>kw, kernel columns; at least 1.</summary>
    public int KernelWidth { get; } = AtLeast(1, "kernel width", KernelWidth);

    /// <summary>Vertical stride; at least 1.</summary>
    public int StrideHeight { get; } = AtLeast(1, "vertical stride", StrideHeight);

    /// <summary>Horizontal stride; at least 1.</summary>
    public int StrideWidth { get; } = AtLeast(1, "horizontal stride", StrideWidth);

    /// <summary>Zero rows added above; at least 0.</summary>
    public int PadTop { get; } = AtLeast(0, "top pad", PadTop);

    /// <summary>Zero columns added on the left; at least 0.</summary>
    public int PadLeft { get; } = AtLeast(0, "left pad", PadLeft);

    /// <summary>Zero rows added below; at least 0.</summary>
    public int PadBottom { get; } = AtLeast(0, "bottom pad", PadBottom);

    /// <summary>Zero columns added on the right; at least 0.</summary>
    public int PadRight { get; } = AtLeast(0, "right pad", PadRight);

    /// <summary>Vertical dilation; at least 1.</summary>
    public int DilationHeight { get; } = AtLeast(1, "vertical dilation", DilationHeight);

    /// <summary>Horizontal dilation; at least 1.</summary>
    public int DilationWidth { get; } = AtLeast(1, "horizontal dilation", DilationWidth);

    /// <summary>Channel groups; at least 1 and dividing <see cref="InChannels"/>.</summary>
    public int Group { get; } = CheckGroup(Group, InChannels);

    /// <summary>Output rows: ⌊(H + pads − dilation·(kh−1) − 1)/stride⌋ + 1; at least 1.</summary>
    public int OutHeight { get; } = OutSize("rows", Height, PadTop + PadBottom, KernelHeight, DilationHeight, StrideHeight);

    /// <summary>Output columns; at least 1.</summary>
    public int OutWidth { get; } = OutSize("columns", Width, PadLeft + PadRight, KernelWidth, DilationWidth, StrideWidth);

    /// <summary>Input channels one group reads.</summary>
    public int GroupChannels => InChannels / Group;

    /// <summary>Features of one patch of one group: C_in/group · kh · kw (a row of the weight matrix).</summary>
    public int PatchSize => GroupChannels * KernelHeight * KernelWidth;

    /// <summary>Patches per image: one per output position.</summary>
    public int Patches => OutHeight * OutWidth;

    static int AtLeast(int least, string name, int value) => value >= least ? value
        : throw new CondenseException($"convolution {name} must be at least {least}, got {value}");

    static int CheckGroup(int group, int channels) => group >= 1 && channels % group == 0 ? group
        : throw new CondenseException($"convolution group must divide the {channels} input channels, got {group}");

    static int OutSize(string what, int size, int pads, int kernel, int dilation, int stride)
    {
        var span = dilation * (kernel - 1) + 1;
        return size + pads >= span ? (size + pads - span) / stride + 1
            : throw new CondenseException($"the convolution kernel does not fit the input: it spans {span} {what}, the padded input has {size + pads}");
    }
}
