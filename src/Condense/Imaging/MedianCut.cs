namespace Condense.Imaging;

/// <summary>
/// Heckbert's median cut as a k-means start: repeatedly split the box of points with the largest
/// weighted spread (weight × largest channel range²) at the weighted median of that channel,
/// until there are k boxes; each centre is its box's weighted mean. No randomness.
/// </summary>
internal static class MedianCut
{
    /// <summary>k centres, (r, g, b) triples; when the points cannot be split into k boxes the last box repeats.</summary>
    public static double[] Centres(ColorPoints points, int k)
    {
        var (px, py, pz, pw, n) = (points.X, points.Y, points.Z, points.W, points.Count);
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }
        var boxes = new List<(int Start, int Length)> { (0, n) };
        while (boxes.Count < k)
        {
            var best = -1;
            double bestScore = 0;
            var bestAxis = 0;
            for (var b = 0; b < boxes.Count; b++)
            {
                var (start, length) = boxes[b];
                if (length < 2)
                {
                    continue;
                }
                var (axis, range, weight) = Spread(points, order, start, length);
                var score = weight * range * range;
                if (score > bestScore)
                {
                    bestScore = score;
                    best = b;
                    bestAxis = axis;
                }
            }
            if (best < 0)
            {
                break;
            }
            var (s, len) = boxes[best];
            var coord = bestAxis == 0 ? px : bestAxis == 1 ? py : pz;
            Array.Sort(order, s, len, Comparer<int>.Create((a, b2) => coord[a] != coord[b2] ? coord[a].CompareTo(coord[b2]) : a.CompareTo(b2)));
            double half = 0;
            for (var i = s; i < s + len; i++)
            {
                half += pw[order[i]];
            }
            half /= 2;
            double run = 0;
            var cut = s + 1;
            for (var i = s; i < s + len - 1; i++)
            {
                run += pw[order[i]];
                cut = i + 1;
                if (run >= half)
                {
                    break;
                }
            }
            boxes[best] = (s, cut - s);
            boxes.Add((cut, s + len - cut));
        }
        var centres = new double[k * 3];
        for (var b = 0; b < k; b++)
        {
            var (start, length) = boxes[Math.Min(b, boxes.Count - 1)];
            double sx = 0, sy = 0, sz = 0, sw = 0;
            for (var i = start; i < start + length; i++)
            {
                var p = order[i];
                sx += pw[p] * px[p]; sy += pw[p] * py[p]; sz += pw[p] * pz[p]; sw += pw[p];
            }
            centres[b * 3] = sx / sw;
            centres[(b * 3) + 1] = sy / sw;
            centres[(b * 3) + 2] = sz / sw;
        }
        return centres;
    }

    /// <summary>The channel with the largest range in a box (ties to red, then green), that range, and the box's weight.</summary>
    internal static (int Axis, float Range, double Weight) Spread(ColorPoints points, int[] order, int start, int length)
    {
        var (px, py, pz, pw) = (points.X, points.Y, points.Z, points.W);
        float minX = 255, minY = 255, minZ = 255, maxX = 0, maxY = 0, maxZ = 0;
        double weight = 0;
        for (var i = start; i < start + length; i++)
        {
            var p = order[i];
            minX = Math.Min(minX, px[p]); maxX = Math.Max(maxX, px[p]);
            minY = Math.Min(minY, py[p]); maxY = Math.Max(maxY, py[p]);
            minZ = Math.Min(minZ, pz[p]); maxZ = Math.Max(maxZ, pz[p]);
            weight += pw[p];
        }
        float rx = maxX - minX, ry = maxY - minY, rz = maxZ - minZ;
        return rx >= ry && rx >= rz ? (0, rx, weight) : ry >= rz ? (1, ry, weight) : (2, rz, weight);
    }
}
