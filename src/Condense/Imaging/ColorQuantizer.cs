namespace Condense.Imaging;

/// <summary>
/// Color quantization by k-means in RGB: k shared colours, each pixel an index into them — the
/// image form of weight sharing. Build once from <see cref="ColorQuantizerOptions"/>, then
/// <see cref="Quantize(RgbImage)"/> any number of images; the quantizer holds no per-image state.
/// </summary>
/// <remarks>
/// <para>The work is done on the weighted histogram of distinct colours (identical to k-means on
/// the pixels, and 2–3× fewer points for photos): a k-means++ or median-cut start, Lloyd's
/// iterations accelerated by Hamerly's bounds (see <see cref="ColorKMeans"/> and <see cref="HamerlyBounds"/>), then — by default —
/// k-medians steps that lower the article's absolute error Σ_c |W − Q|, which k-means (a squared
/// error method) does not minimise. Palette entries are integers; the final index of each pixel is
/// the entry with the least absolute error, so the reported error is the least this palette
/// allows.</para>
/// <para>Two cases are exact and skip the iterations: k = 1 gives the mean colour (each channel's
/// mean rounded half up), as the article's first figure; k ≥ the number of distinct colours gives
/// every colour its own entry and zero error.</para>
/// </remarks>
public sealed class ColorQuantizer
{
    /// <summary>
    /// Cap on the k-medians steps: 20 for k ≤ 64, 10 above (a step costs more with more entries
    /// and gains less). Each step lowers the error less than the one before; on 512×512 photos the
    /// cap lands within ~0.5 % of the fixed point at a fraction of its time.
    /// </summary>
    static int MaxRefineSteps(int k) => k <= 64 ? 20 : 10;

    /// <summary>
    /// Above this many distinct colours, Lloyd runs to convergence on a grid of colour means
    /// (6 bits a channel for k ≤ 64 — 10–20 k cells for a 512×512 photo, 3 seeded starts as the
    /// default; 7 bits above, one start; see <see cref="ColorGrid"/>), and then only
    /// <see cref="FullIterations"/> Lloyd iteration on the full histogram polishes it. Smaller
    /// histograms run Lloyd in full. The grid sizes were chosen on four photos so that the
    /// result is no worse than scikit-learn's full k-means (docs/imaging.md).
    /// </summary>
    const int CoarseAbove = 8192;

    /// <summary>
    /// Cap on Lloyd's iterations on the 7-bit grid (k &gt; 64). Its last iterations move centres
    /// by fractions of a level that the full-histogram Lloyd step and the k-medians steps move
    /// anyway; capping them saves about a fifth of the time at k = 256 and changes the mean error of the four
    /// benchmark photos by at most 0.01 (docs/imaging.md).
    /// </summary>
    const int LargeKCoarseIterations = 20;

    /// <summary>
    /// Lloyd iterations on the full histogram after the grid's converged start: one moves each
    /// centre to its exact colours' mean. More lower the squared error further but barely move
    /// the absolute error after the k-medians steps (measured on astronaut.png: ≤ 0.2 %).
    /// </summary>
    const int FullIterations = 1;

    /// <summary>A quantizer with <paramref name="options"/> (valid by construction: each setting is checked when it is set).</summary>
    public ColorQuantizer(ColorQuantizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The settings every quantization by this instance uses.</summary>
    public ColorQuantizerOptions Options { get; }

    /// <summary>Quantizes <paramref name="image"/> to k colours with the default options otherwise.</summary>
    public static QuantizedImage Quantize(RgbImage image, int colors, int seed = 0) =>
        new ColorQuantizer(new ColorQuantizerOptions { Colors = colors, Seed = seed }).Quantize(image);

    /// <summary>Quantizes <paramref name="image"/>; the image is not modified.</summary>
    public QuantizedImage Quantize(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var k = Options.Colors;
        var histogram = ColorHistogram.Build(image);
        var n = histogram.Count;
        int[] palette;        // r, g, b triples
        int[] colorEntry;     // per distinct colour
        var iterations = 0;
        if (k >= n)
        {
            palette = new int[n * 3];
            colorEntry = new int[n];
            for (var i = 0; i < n; i++)
            {
                Unpack(histogram.Colors[i], palette, i);
                colorEntry[i] = i;
            }
        }
        else if (k == 1)
        {
            palette = MeanColor(image);
            colorEntry = new int[n];
        }
        else
        {
            var points = ColorPoints.FromHistogram(histogram);
            var grid = n > CoarseAbove ? ColorGrid.Of(histogram, k <= 64 ? 6 : 7) : null;
            ColorKMeansResult fit;
            if (grid is not null && grid.Points.Count >= 8 * k)
            {
                var coarseOptions = k <= 64 ? Options : Options with { MaxIterations = Math.Min(Options.MaxIterations, LargeKCoarseIterations) };
                var coarse = ColorKMeans.Fit(grid.Points, k, coarseOptions, Options.Starts ?? (k <= 64 ? 3 : 1));
                var hint = new int[n];
                for (var i = 0; i < n; i++)
                {
                    hint[i] = coarse.Assignment[grid.PointOfColor[i]];
                }
                fit = HamerlyLloyd.Run(points, coarse.Centres, k, Options with { MaxIterations = Math.Min(Options.MaxIterations, FullIterations) }, hint);
                iterations = coarse.Iterations + fit.Iterations;
            }
            else
            {
                fit = ColorKMeans.Fit(points, k, Options, Options.Starts ?? 1);
                iterations = fit.Iterations;
            }
            var rounded = new int[k * 3];
            for (var c = 0; c < rounded.Length; c++)
            {
                rounded[c] = (int)Math.Clamp(Math.Round(fit.Centres[c], MidpointRounding.AwayFromZero), 0, 255);
            }
            var refined = KMedians.Refine(points, rounded, k, Options.RefineAbsoluteError ? MaxRefineSteps(k) : 0, fit.Assignment);
            palette = refined.Palette;
            colorEntry = refined.Assignment;
        }
        return Assemble(image, histogram, palette, colorEntry, k, iterations);
    }

    /// <summary>Each channel's mean, rounded half up, computed exactly in integers.</summary>
    static int[] MeanColor(RgbImage image)
    {
        long r = 0, g = 0, b = 0;
        var px = image.Pixels;
        for (var j = 0; j < px.Length; j += 3)
        {
            r += px[j];
            g += px[j + 1];
            b += px[j + 2];
        }
        long n = image.PixelCount;
        return [(int)(((2 * r) + n) / (2 * n)), (int)(((2 * g) + n) / (2 * n)), (int)(((2 * b) + n) / (2 * n))];
    }

    static void Unpack(int color, int[] palette, int entry)
    {
        palette[entry * 3] = (color >> 16) & 0xFF;
        palette[(entry * 3) + 1] = (color >> 8) & 0xFF;
        palette[(entry * 3) + 2] = color & 0xFF;
    }

    /// <summary>
    /// Drops unused entries, merges entries that rounded to the same colour, orders the palette
    /// by use (most used first; ties by colour value, so the order is deterministic) and maps
    /// every pixel.
    /// </summary>
    static QuantizedImage Assemble(RgbImage image, ColorHistogram histogram, int[] palette, int[] colorEntry, int k, int iterations)
    {
        var entries = palette.Length / 3;
        var use = new long[entries];
        for (var i = 0; i < histogram.Count; i++)
        {
            use[colorEntry[i]] += histogram.Counts[i];
        }
        // Merge duplicates into the first entry with that colour.
        var canonical = new int[entries];
        var byColor = new Dictionary<int, int>();
        for (var e = 0; e < entries; e++)
        {
            var key = (palette[e * 3] << 16) | (palette[(e * 3) + 1] << 8) | palette[(e * 3) + 2];
            if (byColor.TryGetValue(key, out var first))
            {
                canonical[e] = first;
                use[first] += use[e];
                use[e] = 0;
            }
            else
            {
                byColor[key] = e;
                canonical[e] = e;
            }
        }
        var kept = Enumerable.Range(0, entries)
            .Where(e => canonical[e] == e && use[e] > 0)
            .OrderByDescending(e => use[e])
            .ThenBy(e => (palette[e * 3] << 16) | (palette[(e * 3) + 1] << 8) | palette[(e * 3) + 2])
            .ToArray();
        var newIndex = new int[entries];
        var finalPalette = new Rgb24[kept.Length];
        for (var p = 0; p < kept.Length; p++)
        {
            var e = kept[p];
            newIndex[e] = p;
            finalPalette[p] = new Rgb24((byte)palette[e * 3], (byte)palette[(e * 3) + 1], (byte)palette[(e * 3) + 2]);
        }
        // Per distinct colour: its final index and its error.
        var colorIndex = new byte[histogram.Count];
        var colorError = new ushort[histogram.Count];
        for (var i = 0; i < histogram.Count; i++)
        {
            var p = newIndex[canonical[colorEntry[i]]];
            colorIndex[i] = (byte)p;
            var c = histogram.Colors[i];
            var q = finalPalette[p];
            colorError[i] = (ushort)(Math.Abs(((c >> 16) & 0xFF) - q.R) + Math.Abs(((c >> 8) & 0xFF) - q.G) + Math.Abs((c & 0xFF) - q.B));
        }
        var pixels = image.PixelCount;
        var indices = new byte[pixels];
        var errors = new ushort[pixels];
        var pixelColor = histogram.PixelColor;
        for (var i = 0; i < pixels; i++)
        {
            var c = pixelColor[i];
            indices[i] = colorIndex[c];
            errors[i] = colorError[c];
        }
        return new QuantizedImage(image.Width, image.Height, finalPalette, indices, errors, k, histogram.Count, iterations);
    }
}
