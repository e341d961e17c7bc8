namespace Condense.Imaging;

/// <summary>
/// The result of <see cref="ColorQuantizer"/>: k shared colours and, for each pixel, the index of
/// its colour — weight sharing on an image — with the error it costs and the sizes it buys.
/// </summary>
public sealed class QuantizedImage
{
    readonly byte[] _indices;
    readonly ushort[] _errors;
    readonly Rgb24[] _palette;

    internal QuantizedImage(int width, int height, Rgb24[] palette, byte[] indices, ushort[] errors,
        int requestedColors, int distinctColors, int iterations)
    {
        Width = width;
        Height = height;
        _palette = palette;
        Palette = Array.AsReadOnly(palette);
        _indices = indices;
        _errors = errors;
        RequestedColors = requestedColors;
        DistinctColors = distinctColors;
        Iterations = iterations;
        long total = 0;
        var max = 0;
        foreach (var e in errors)
        {
            total += e;
            max = Math.Max(max, e);
        }
        TotalError = total;
        MaxError = max;
        Sizes = QuantizationSizes.For(width, height, palette.Length);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>
    /// The shared colours, most used first. At most k entries: fewer when the image has fewer
    /// distinct colours than k or when two centres round to the same colour.
    /// </summary>
    public IReadOnlyList<Rgb24> Palette { get; }

    /// <summary>Row-major palette index of each pixel.</summary>
    public ReadOnlySpan<byte> Indices => _indices;

    /// <summary>Row-major per-pixel error E_i = Σ_c |W_ic − Q_ic|, 0…765.</summary>
    public ReadOnlySpan<ushort> Errors => _errors;

    /// <summary>The article's eq. 1: mean over pixels of E_i.</summary>
    public double MeanError => (double)TotalError / _errors.Length;

    /// <summary>Σ_i E_i, exact.</summary>
    public long TotalError { get; }

    /// <summary>The largest E_i.</summary>
    public int MaxError { get; }

    /// <summary>The k asked for.</summary>
    public int RequestedColors { get; }

    /// <summary>Distinct colours in the input image.</summary>
    public int DistinctColors { get; }

    /// <summary>
    /// Lloyd iterations run, on the colour grid and the full histogram together, over all starts
    /// (0 when none was needed: k = 1 or k ≥ distinct colours).
    /// </summary>
    public int Iterations { get; }

    /// <summary>Sizes of the raw, packed and (once written) file forms; <c>FileBytes</c> is null here.</summary>
    public QuantizationSizes Sizes { get; }

    /// <summary>The image each pixel's palette colour makes (Q).</summary>
    public RgbImage Reconstruct()
    {
        var pixels = new byte[_indices.Length * 3];
        for (int i = 0, j = 0; i < _indices.Length; i++, j += 3)
        {
            var c = _palette[_indices[i]];
            pixels[j] = c.R;
            pixels[j + 1] = c.G;
            pixels[j + 2] = c.B;
        }
        return new RgbImage(Width, Height, pixels);
    }

    /// <summary>The indices, used entries and errors of the crop (x, y, width, height).</summary>
    public PaletteWindow Window(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || (long)x + width > Width || (long)y + height > Height)
        {
            throw new CondenseException(
                $"window ({x}, {y}, {width}×{height}) does not lie inside the {Width}×{Height} image");
        }
        var indices = new byte[width * height];
        var errors = new int[width * height];
        var used = new bool[Palette.Count];
        for (var row = 0; row < height; row++)
        {
            for (var col = 0; col < width; col++)
            {
                var src = ((y + row) * Width) + x + col;
                var dst = (row * width) + col;
                indices[dst] = _indices[src];
                errors[dst] = _errors[src];
                used[_indices[src]] = true;
            }
        }
        var entries = new List<int>();
        var colors = new List<Rgb24>();
        for (var e = 0; e < used.Length; e++)
        {
            if (used[e])
            {
                entries.Add(e);
                colors.Add(Palette[e]);
            }
        }
        return new PaletteWindow(x, y, width, height, indices, entries, colors, errors);
    }
}
