using Condense.Imaging;

namespace Condense.Tests.Imaging;

/// <summary>Tiny weighted point sets for the colour k-means pieces, written as (r, g, b, weight).</summary>
static class ColorPointSets
{
    public static ColorPoints Of(params (float R, float G, float B, float W)[] points) => new(
        points.Select(p => p.R).ToArray(), points.Select(p => p.G).ToArray(), points.Select(p => p.B).ToArray(), points.Select(p => p.W).ToArray());

    /// <summary>Points on the red axis with unit weights.</summary>
    public static ColorPoints OnRed(params float[] reds) => Of(reds.Select(r => (r, 0f, 0f, 1f)).ToArray());

    /// <summary>Centres as (r, g, b) triples, k of them, sorted by red then green (for order-free comparisons).</summary>
    public static double[][] Sorted(double[] centres) => centres.Chunk(3).OrderBy(c => c[0]).ThenBy(c => c[1]).ToArray();
}
