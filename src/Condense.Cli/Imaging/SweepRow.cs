namespace Condense.Cli.Imaging;

/// <summary>One k of <c>condense image --sweep</c>.</summary>
public sealed record SweepRow(int K, int PaletteColors, double MeanError, int MaxError, int BitsPerIndex,
    long PackedBytes, long PngBytes, long RawBytes, double Seconds);
