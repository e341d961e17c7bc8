namespace Condense.Imaging;

/// <summary>
/// Weighted k-means in RGB over <see cref="ColorPoints"/>: seeded starts
/// (<see cref="KMeansPlusPlusSeeding"/> or <see cref="MedianCut"/>), each followed by
/// <see cref="HamerlyLloyd"/>, the least squared error winning. Free of runtime-dependent
/// randomness, and its passes over the points run in fixed chunks (<see cref="PointChunks"/>)
/// combined in order, so the result is a pure function of the points and the options.
/// </summary>
internal static class ColorKMeans
{
    /// <summary>
    /// Runs <paramref name="starts"/> seeded starts, each followed by Lloyd's iterations, and
    /// returns the k centres with the least weighted squared error (median cut: one start).
    /// <see cref="ColorKMeansResult.Iterations"/> counts every start's iterations.
    /// </summary>
    public static ColorKMeansResult Fit(ColorPoints points, int k, ColorQuantizerOptions options, int starts)
    {
        ColorKMeansResult? best = null;
        var bestError = double.PositiveInfinity;
        var iterations = 0;
        for (var s = 0; s < starts; s++)
        {
            var start = options.Init == ColorInit.MedianCut
                ? MedianCut.Centres(points, k)
                : KMeansPlusPlusSeeding.Centres(points, k, StartSeed(options.Seed, s));
            var run = HamerlyLloyd.Run(points, start, k, options);
            iterations += run.Iterations;
            if (starts == 1 || options.Init == ColorInit.MedianCut)
            {
                best = run;
                break;
            }
            var error = points.SquaredError(run.Centres, k);
            if (error < bestError)
            {
                (best, bestError) = (run, error);
            }
        }
        return best! with { Iterations = iterations };
    }

    /// <summary>The seed of start <paramref name="start"/>: the user's seed spread by the golden ratio, plus the start's index.</summary>
    internal static ulong StartSeed(int seed, int start) => ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) + (ulong)start;
}
