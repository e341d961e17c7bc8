namespace Condense.Imaging;

/// <summary>
/// A crop of a quantized image as weight sharing shows it: the grid of indices and the palette
/// entries those indices point to (the Studio's "window" view).
/// </summary>
/// <param name="X">Left column of the crop.</param>
/// <param name="Y">Top row of the crop.</param>
/// <param name="Width">Columns in the crop.</param>
/// <param name="Height">Rows in the crop.</param>
/// <param name="Indices">Row-major palette indices, Width × Height of them.</param>
/// <param name="Entries">The distinct palette indices the crop uses, ascending.</param>
/// <param name="Colors">The colours of <paramref name="Entries"/>, in the same order.</param>
/// <param name="Errors">Row-major per-pixel error Σ_c |W − Q| (0…765) inside the crop.</param>
public sealed record PaletteWindow(
    int X, int Y, int Width, int Height,
    IReadOnlyList<byte> Indices,
    IReadOnlyList<int> Entries,
    IReadOnlyList<Rgb24> Colors,
    IReadOnlyList<int> Errors);
