namespace Condense.Imaging;

/// <summary>
/// The k-means++ start (Arthur &amp; Vassilvitskii 2007): the first centre drawn by weight, each
/// next one by weight × squared distance to the nearest centre so far. Sampling walks 256-point
/// blocks whose sums are kept, so a draw costs O(n/256 + 256) rather than O(n). Seeded by
/// <see cref="SplitMix64"/>: the same points and seed give the same centres.
/// </summary>
internal static class KMeansPlusPlusSeeding
{
    const int Block = 256;

    /// <summary>k centres, (r, g, b) triples at points' coordinates; with fewer distinct points than k the first centre repeats.</summary>
    public static double[] Centres(ColorPoints points, int k, ulong seed)
    {
        var (px, py, pz, pw, n) = (points.X, points.Y, points.Z, points.W, points.Count);
        var rng = new SplitMix64(seed ^ 0x636F6E64656E7365UL);
        var centres = new double[k * 3];
        var d2 = new float[n];
        var blocks = (n + Block - 1) / Block;
        var blockSums = new double[blocks];

        var first = SampleByWeight(pw, rng.NextDouble() * points.TotalWeight);
        SetCentre(points, centres, 0, first);
        Array.Fill(d2, float.PositiveInfinity);
        for (var c = 1; c <= k; c++)
        {
            // Fold centre c − 1 into the nearest distances, and total w·d² per block.
            float cx = (float)centres[(c - 1) * 3], cy = (float)centres[((c - 1) * 3) + 1], cz = (float)centres[((c - 1) * 3) + 2];
            double total = 0;
            for (var b = 0; b < blocks; b++)
            {
                var end = Math.Min(n, (b + 1) * Block);
                float sum = 0;
                for (var i = b * Block; i < end; i++)
                {
                    float dx = px[i] - cx, dy = py[i] - cy, dz = pz[i] - cz;
                    var d = (dx * dx) + (dy * dy) + (dz * dz);
                    if (d < d2[i])
                    {
                        d2[i] = d;
                    }
                    sum += pw[i] * d2[i];
                }
                blockSums[b] = sum;
                total += sum;
            }
            if (c == k)
            {
                break;
            }
            if (total <= 0)
            {
                // Fewer distinct colours than k: every colour is already a centre. Repeat the
                // first centre; the duplicates stay empty and are dropped from the palette.
                for (var r = c; r < k; r++)
                {
                    SetCentre(points, centres, r, first);
                }
                break;
            }
            var target = rng.NextDouble() * total;
            var block = 0;
            while (block < blocks - 1 && target >= blockSums[block])
            {
                target -= blockSums[block];
                block++;
            }
            var pick = -1;
            var start = block * Block;
            var stop = Math.Min(n, start + Block);
            for (var i = start; i < stop; i++)
            {
                var p = pw[i] * d2[i];
                if (p > 0)
                {
                    pick = i;
                    if (target < p)
                    {
                        break;
                    }
                    target -= p;
                }
            }
            SetCentre(points, centres, c, pick < 0 ? first : pick);
        }
        return centres;
    }

    /// <summary>The first point whose cumulative weight exceeds <paramref name="target"/> (the last point if none does).</summary>
    internal static int SampleByWeight(float[] weights, double target)
    {
        for (var i = 0; i < weights.Length; i++)
        {
            if (target < weights[i])
            {
                return i;
            }
            target -= weights[i];
        }
        return weights.Length - 1;
    }

    static void SetCentre(ColorPoints points, double[] centres, int c, int point)
    {
        centres[c * 3] = points.X[point];
        centres[(c * 3) + 1] = points.Y[point];
        centres[(c * 3) + 2] = points.Z[point];
    }
}
