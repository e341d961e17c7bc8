using static TorchSharp.torch;

namespace Condense.Quantization.Gptq;

/// <summary>
/// H = Σ rowᵀrow of a stride-1 convolution's im2col rows computed from the images themselves, with a
/// fraction of the arithmetic. Row p holds x[c, p + a − pad] for every channel c and kernel tap a, so
/// H's C×C block of taps (a, b) is Σ_q x[:, q] x[:, q + δ]ᵀ with δ = b − a, summed over the input
/// positions q that tap a reads. Every pair of taps with the same δ sums the same product over nearly
/// the same positions (they differ by a border a tap or two wide), so the positions are cut, per δ,
/// into rectangles (cells) along every border some pair's range ends at; each cell's C×C product is
/// formed once and added to every block whose range covers it. A 3×3 kernel has 13 shifts δ up to
/// symmetry against 45 tap pairs: the products cost about 13·positions·C² multiply-adds instead of
/// 45·positions·C² (the upper half of the full XᵀX of 9C columns), 3.4–4.7× less for ResNet18's
/// 3×3 convs, and no im2col rows are made. The sums run in another order than the rows' product,
/// so H agrees with it to float32 rounding (about 1e-7 relative), not to the last bit.
/// </summary>
internal static class ConvolutionGram
{
    /// <summary>Whether <paramref name="g"/> is a convolution this handles: one group, stride 1, dilation 1, a kernel of more than one tap.</summary>
    public static bool Applies(ConvGeometry g)
    {
        ArgumentNullException.ThrowIfNull(g);
        return g.Group == 1 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.DilationHeight == 1 && g.DilationWidth == 1
            && g.KernelHeight * g.KernelWidth > 1;
    }

    /// <summary>
    /// Adds Σ rowᵀrow of every image's im2col rows to <paramref name="h"/> (n×n float32, n = C·kh·kw, both
    /// triangles written).
    /// </summary>
    /// <param name="h">The accumulated H (modified in place).</param>
    /// <param name="images">[images, height, width, C] float32, channels last, contiguous.</param>
    /// <param name="g">The convolution (<see cref="Applies"/> must hold).</param>
    public static void Add(Tensor h, Tensor images, ConvGeometry g)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(images);
        if (!Applies(g)) throw new CondenseException($"the shifted-product H needs one group, stride 1 and dilation 1: {g}");
        int c = g.InChannels, kh = g.KernelHeight, kw = g.KernelWidth, taps = kh * kw;
        if (h.shape[0] != (long)c * taps || images.shape[3] != c || images.shape[1] != g.Height || images.shape[2] != g.Width)
            throw new CondenseException($"H [{string.Join(", ", h.shape)}] or images [{string.Join(", ", images.shape)}] do not fit {g}");
        using var scope = NewDisposeScope();
        // The blocks are summed tap-major (row tap·C + c), where each block is a contiguous C×C tile: in H's own
        // order (c·taps + tap) a block's entries lie taps apart, and every add would sweep all of H's memory.
        var blocks = zeros(taps, c, taps, c, dtype: ScalarType.Float32);
        // Shifts δ = b − a with b after a in the taps' order (δy > 0, or δy = 0 and δx ≥ 0): each unordered pair once.
        for (int dy = 0; dy < kh; dy++)
            for (int dx = dy == 0 ? 0 : 1 - kw; dx < kw; dx++)
                AddShift(blocks, images, g, dy, dx);
        h.view(c, taps, c, taps).add_(blocks.permute(1, 0, 3, 2));
    }

    // Every pair of taps (a, a + δ): the cells of its positions, each cell's product added to the pairs covering it.
    static void AddShift(Tensor blocks, Tensor images, ConvGeometry g, int dy, int dx)
    {
        int kw = g.KernelWidth, c = g.InChannels;
        var ys = Ranges(g.KernelHeight, dy, g.PadTop, g.OutHeight, g.Height);
        var xs = Ranges(kw, dx, g.PadLeft, g.OutWidth, g.Width);
        var yCuts = Cuts(ys);
        var xCuts = Cuts(xs);
        for (int i = 0; i + 1 < yCuts.Length; i++)
            for (int j = 0; j + 1 < xCuts.Length; j++)
            {
                int y0 = yCuts[i], y1 = yCuts[i + 1], x0 = xCuts[j], x1 = xCuts[j + 1];
                var rows = Covering(ys, y0, y1);
                var columns = Covering(xs, x0, x1);
                if (rows.Count == 0 || columns.Count == 0) continue;
                using var scope = NewDisposeScope();
                var a = images.narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0).reshape(-1, c);
                var b = images.narrow(1, y0 + dy, y1 - y0).narrow(2, x0 + dx, x1 - x0).reshape(-1, c);
                var product = a.t().mm(b); // [c, c'] = Σ x[c, q] x[c', q + δ]
                var transposed = product.t();
                foreach (var ay in rows)
                    foreach (var ax in columns)
                    {
                        int ta = ay * kw + ax, tb = (ay + dy) * kw + ax + dx;
                        blocks.select(0, ta).select(1, tb).add_(product);
                        if (ta != tb) blocks.select(0, tb).select(1, ta).add_(transposed);
                    }
            }
    }

    // Per first tap a (along one axis) with a + d inside the kernel: the input positions q it reads whose
    // partner q + d is inside the image too, [start, end) (empty when start ≥ end).
    static (int Tap, int Start, int End)[] Ranges(int kernel, int d, int pad, int outSize, int size)
    {
        var ranges = new List<(int, int, int)>();
        for (int a = Math.Max(0, -d); a < Math.Min(kernel, kernel - d); a++)
        {
            int start = Math.Max(Math.Max(a - pad, 0), -d), end = Math.Min(Math.Min(a - pad + outSize, size), size - d);
            if (start < end) ranges.Add((a, start, end));
        }
        return [.. ranges];
    }

    // Every range's ends, ascending and distinct: the cells lie between consecutive cuts.
    static int[] Cuts((int Tap, int Start, int End)[] ranges) =>
        [.. ranges.SelectMany(r => new[] { r.Start, r.End }).Distinct().Order()];

    // The taps whose range holds [start, end) whole.
    static List<int> Covering((int Tap, int Start, int End)[] ranges, int start, int end) =>
        [.. ranges.Where(r => r.Start <= start && end <= r.End).Select(r => r.Tap)];
}
