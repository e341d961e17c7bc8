namespace Condense.Quantization.Gptq;

/// <summary>
/// A convolution as a matrix product: each output position's receptive field, flattened in the
/// weight's own order (channel of the group, kernel row, kernel column, i.e. [C_in/group, kh, kw]),
/// becomes one row, so the conv output at that position is W_g · row for group g's weight rows.
/// The layer-input statistics of GPTQ (H = Σ rowᵀrow) then are a Gemm's, one H per group.
/// </summary>
public static class Im2Col
{
    /// <summary>
    /// The patches of one image (<paramref name="image"/>: [C_in, H, W] row-major) for group
    /// <paramref name="group"/>: <see cref="ConvGeometry.Patches"/> rows of
    /// <see cref="ConvGeometry.PatchSize"/> values, zero where the kernel reads padding.
    /// </summary>
    public static float[] Patches(ReadOnlySpan<float> image, ConvGeometry g, int group = 0)
    {
        ArgumentNullException.ThrowIfNull(g);
        var rows = new float[(long)g.OutHeight * g.OutWidth * g.PatchSize];
        Patches(image, g, group, rows);
        return rows;
    }

    /// <summary>
    /// As <see cref="Patches(ReadOnlySpan{float}, ConvGeometry, int)"/>, written into the first
    /// Patches × PatchSize values of <paramref name="rows"/> — every one of them, padding zeros too, so a
    /// reused (rented, not cleared) buffer serves: the capture of ResNet18's 22 convs on 64 images
    /// otherwise allocates 3.7 GB of fresh row arrays.
    /// </summary>
    public static void Patches(ReadOnlySpan<float> image, ConvGeometry g, int group, Span<float> rows)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (image.Length != (long)g.InChannels * g.Height * g.Width)
            throw new CondenseException($"an image of {image.Length} values is not [{g.InChannels}, {g.Height}, {g.Width}]");
        if (group < 0 || group >= g.Group) throw new CondenseException($"group {group} is not in 0..{g.Group - 1}");
        int oh = g.OutHeight, ow = g.OutWidth, kh = g.KernelHeight, kw = g.KernelWidth, cg = g.GroupChannels;
        var size = g.PatchSize;
        if (rows.Length < (long)oh * ow * size) throw new CondenseException($"{rows.Length} values cannot hold {oh * ow} patches of {size}");
        int plane = g.Height * g.Width;
        for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
            {
                var row = rows.Slice((oy * ow + ox) * size, size);
                int k = 0;
                for (int c = 0; c < cg; c++)
                {
                    var channel = image.Slice((group * cg + c) * plane, plane);
                    for (int ky = 0; ky < kh; ky++)
                    {
                        int y = oy * g.StrideHeight - g.PadTop + ky * g.DilationHeight;
                        bool rowInside = y >= 0 && y < g.Height;
                        for (int kx = 0; kx < kw; kx++, k++)
                        {
                            int x = ox * g.StrideWidth - g.PadLeft + kx * g.DilationWidth;
                            row[k] = rowInside && x >= 0 && x < g.Width ? channel[y * g.Width + x] : 0f;
                        }
                    }
                }
            }
    }
}
