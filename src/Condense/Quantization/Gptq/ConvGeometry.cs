namespace Condense.Quantization.Gptq;

/// <summary>
/// One 2-D convolution's shape as ONNX states it (NCHW input, weight [C_out, C_in/group, kh, kw]),
/// everything <see cref="Im2Col"/> needs to turn its input into the rows its weight multiplies.
/// </summary>
public sealed record ConvGeometry(
    int InChannels, int Height, int Width, int KernelHeight, int KernelWidth,
    int StrideHeight = 1, int StrideWidth = 1, int PadTop = 0, int PadLeft = 0, int PadBottom = 0, int PadRight = 0,
    int DilationHeight = 1, int DilationWidth = 1, int Group = 1)
{
    /// <summary>Output rows: ⌊(H + pads − dilation·(kh−1) − 1)/stride⌋ + 1.</summary>
    public int OutHeight => (Height + PadTop + PadBottom - DilationHeight * (KernelHeight - 1) - 1) / StrideHeight + 1;

    /// <summary>Output columns.</summary>
    public int OutWidth => (Width + PadLeft + PadRight - DilationWidth * (KernelWidth - 1) - 1) / StrideWidth + 1;

    /// <summary>Input channels one group reads.</summary>
    public int GroupChannels => InChannels / Group;

    /// <summary>Features of one patch of one group: C_in/group · kh · kw (a row of the weight matrix).</summary>
    public int PatchSize => GroupChannels * KernelHeight * KernelWidth;

    /// <summary>Patches per image: one per output position.</summary>
    public int Patches => OutHeight * OutWidth;

    /// <summary>Throws a <see cref="CondenseException"/> naming the bad value.</summary>
    public void Validate()
    {
        if (InChannels <= 0 || Height <= 0 || Width <= 0 || KernelHeight <= 0 || KernelWidth <= 0)
            throw new CondenseException($"convolution sizes must be positive: {this}");
        if (StrideHeight <= 0 || StrideWidth <= 0 || DilationHeight <= 0 || DilationWidth <= 0 || Group <= 0)
            throw new CondenseException($"strides, dilations and group must be positive: {this}");
        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0) throw new CondenseException($"pads must be ≥ 0: {this}");
        if (InChannels % Group != 0) throw new CondenseException($"{InChannels} input channels do not split into {Group} groups");
        if (OutHeight <= 0 || OutWidth <= 0) throw new CondenseException($"the kernel does not fit the input: {this}");
    }
}
