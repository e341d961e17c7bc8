namespace Condense.Imaging;

/// <summary>One 8-bit RGB colour (a palette entry or a pixel).</summary>
public readonly record struct Rgb24(byte R, byte G, byte B)
{
    /// <summary>The article's per-pixel error Σ_c |a_c − b_c|, 0…765.</summary>
    public static int AbsoluteError(Rgb24 a, Rgb24 b) =>
        Math.Abs(a.R - b.R) + Math.Abs(a.G - b.G) + Math.Abs(a.B - b.B);

    /// <summary>#rrggbb, as CSS and most tools write colours.</summary>
    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}";
}
