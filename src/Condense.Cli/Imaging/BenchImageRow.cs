namespace Condense.Cli.Imaging;

/// <summary>One image and k of <c>condense bench image</c>: Condense's figures and, when measured or quoted, the peers'.</summary>
public sealed record BenchImageRow(
    string Image, int Width, int Height, int K,
    double CondenseSeconds, double CondenseCpuSeconds, double CondenseQuantizeSeconds, double CondenseMeanError, long CondensePngBytes,
    double? SklearnSeconds, double? SklearnMeanError,
    double? PngquantSeconds, double? PngquantCpuSeconds, double? PngquantMeanError, long? PngquantPngBytes,
    string PeerSource)
{
    /// <summary>Mean error no worse than scikit-learn's full k-means (null when it was not measured).</summary>
    public bool? ErrorAtMostSklearn => SklearnMeanError is { } e ? CondenseMeanError <= e : null;

    /// <summary>Time no worse than pngquant's (null when it was not measured).</summary>
    public bool? TimeAtMostPngquant => PngquantSeconds is { } s ? CondenseSeconds <= s : null;

    /// <summary>CPU seconds no more than pngquant's (null when they were not measured).</summary>
    public bool? CpuAtMostPngquant => PngquantCpuSeconds is { } s ? CondenseCpuSeconds <= s : null;
}
