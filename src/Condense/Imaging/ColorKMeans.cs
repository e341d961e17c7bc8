using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Condense.Imaging;

/// <summary>
/// Weighted k-means in RGB over a <see cref="ColorHistogram"/>: k-means++ or median-cut start,
/// then Lloyd's iterations with Hamerly's bounds, then optional weighted k-medians steps for the
/// absolute (L1) error. Free of runtime-dependent randomness, and its passes over the points run in
/// fixed chunks (<see cref="PointChunks"/>) combined in order, so the result
/// is a pure function of the histogram and the options.
/// </summary>
/// <remarks>
/// Hamerly, "Making k-means even faster", SDM 2010, Algorithm 2: each colour keeps an upper
/// bound on the distance to its centre and a lower bound on the distance to every other centre;
/// when the upper bound is below max(lower bound, half the distance from its centre to the
/// nearest other centre), the colour cannot change centre and the k distances are skipped. After
/// the first few iterations almost every colour is skipped, so an iteration costs O(n) compares.
/// The full search is vectorised over centres (structure-of-arrays, <see cref="Vector{T}"/>).
/// </remarks>
internal sealed class ColorKMeans
{
    readonly int _n;
    readonly float[] _x, _y, _z, _w;
    readonly double _totalWeight;

    ColorKMeans(float[] x, float[] y, float[] z, float[] w)
    {
        _n = x.Length;
        (_x, _y, _z, _w) = (x, y, z, w);
        foreach (var weight in w)
        {
            _totalWeight += weight;
        }
    }

    /// <summary>Points are the distinct colours, weighted by their pixel counts.</summary>
    public static ColorKMeans FromHistogram(ColorHistogram histogram)
    {
        var n = histogram.Count;
        var (x, y, z, w) = (new float[n], new float[n], new float[n], new float[n]);
        for (var i = 0; i < n; i++)
        {
            var c = histogram.Colors[i];
            x[i] = (c >> 16) & 0xFF;
            y[i] = (c >> 8) & 0xFF;
            z[i] = c & 0xFF;
            w[i] = histogram.Counts[i];
        }
        return new ColorKMeans(x, y, z, w);
    }

    /// <summary>
    /// Points are the cells of a 2^bits-per-channel grid, each at the exact mean of the colours
    /// in it and weighted by their pixels. K-means on these is a close, much smaller stand-in for
    /// the full problem (a 512×512 photo's ~10⁵ distinct colours fall into 10–40 thousand 6- or 7-bit cells),
    /// used to find a start from which Lloyd on the full histogram needs only a few iterations.
    /// </summary>
    public static ColorKMeans Coarse(ColorHistogram histogram, int bits, out int[] pointOfColor)
    {
        var shift = 8 - bits;
        var count = histogram.Count;
        // Occupied cells as a bitset (256 KiB at 7 bits, where dense per-cell sums would take
        // 64 MiB); a cell's point is its rank among the occupied cells, so points stay in cell order.
        var cellOfColor = new int[count];
        var occupied = new ulong[((1 << (3 * bits)) + 63) / 64];
        for (var i = 0; i < count; i++)
        {
            var c = histogram.Colors[i];
            var cell = ((((c >> 16) & 0xFF) >> shift) << (2 * bits)) | ((((c >> 8) & 0xFF) >> shift) << bits) | ((c & 0xFF) >> shift);
            cellOfColor[i] = cell;
            occupied[cell >> 6] |= 1UL << (cell & 63);
        }
        var rankBefore = new int[occupied.Length];
        var used = 0;
        for (var word = 0; word < occupied.Length; word++)
        {
            rankBefore[word] = used;
            used += BitOperations.PopCount(occupied[word]);
        }
        pointOfColor = new int[count];
        var sums = new double[used * 4];
        for (var i = 0; i < count; i++)
        {
            var cell = cellOfColor[i];
            var p = rankBefore[cell >> 6] + BitOperations.PopCount(occupied[cell >> 6] & ((1UL << (cell & 63)) - 1));
            pointOfColor[i] = p;
            var c = histogram.Colors[i];
            double w = histogram.Counts[i];
            sums[p * 4] += w * ((c >> 16) & 0xFF);
            sums[(p * 4) + 1] += w * ((c >> 8) & 0xFF);
            sums[(p * 4) + 2] += w * (c & 0xFF);
            sums[(p * 4) + 3] += w;
        }
        var (x, y, z, wt) = (new float[used], new float[used], new float[used], new float[used]);
        for (var j = 0; j < used; j++)
        {
            var w = sums[(j * 4) + 3];
            x[j] = (float)(sums[j * 4] / w);
            y[j] = (float)(sums[(j * 4) + 1] / w);
            z[j] = (float)(sums[(j * 4) + 2] / w);
            wt[j] = (float)w;
        }
        return new ColorKMeans(x, y, z, wt);
    }

    /// <summary>Number of points (distinct colours or grid cells).</summary>
    public int Count => _n;

    /// <summary>Each point's centre after the last <see cref="Fit"/> or <see cref="Lloyd"/> (the best start's).</summary>
    public int[]? Assignment { get; private set; }

    /// <summary>Lloyd iterations run by the last <see cref="Fit"/> (all starts) or <see cref="Lloyd"/>.</summary>
    public int Iterations { get; private set; }

    /// <summary>
    /// Runs <paramref name="starts"/> seeded starts, each followed by Lloyd's iterations, and
    /// returns the k centres, (r, g, b) triples, with the least weighted squared error.
    /// </summary>
    public double[] Fit(int k, ColorQuantizerOptions options, int starts)
    {
        double[]? best = null;
        int[]? bestAssignment = null;
        var bestError = double.PositiveInfinity;
        var iterations = 0;
        for (var s = 0; s < starts; s++)
        {
            var centres = options.Init == ColorInit.MedianCut
                ? MedianCut(k)
                : KMeansPlusPlus(k, ((ulong)(uint)options.Seed * 0x9E3779B97F4A7C15UL) + (ulong)s);
            Lloyd(centres, k, options);
            iterations += Iterations;
            if (starts == 1 || options.Init == ColorInit.MedianCut)
            {
                (best, bestAssignment) = (centres, Assignment);
                break;
            }
            var error = SquaredError(centres, k);
            if (error < bestError)
            {
                (best, bestAssignment, bestError) = (centres, Assignment, error);
            }
        }
        Iterations = iterations;
        Assignment = bestAssignment;
        return best!;
    }

    /// <summary>Σ w · (distance to the nearest centre)².</summary>
    public double SquaredError(double[] centres, int k)
    {
        var width = Vector<float>.Count;
        var padded = ((k + width - 1) / width) * width;
        var (cx, cy, cz) = (new float[padded], new float[padded], new float[padded]);
        LoadCentres(centres, k, cx, cy, cz);
        var terms = new double[_n];
        PointChunks.For(_n, (_, start, end) =>
        {
            for (var i = start; i < end; i++)
            {
                Nearest2<Euclidean>(_x[i], _y[i], _z[i], cx, cy, cz, padded, out var d, out float _);
                terms[i] = _w[i] * (double)d * d;
            }
        });
        double total = 0;
        foreach (var term in terms)
        {
            total += term;
        }
        return total;
    }

    /// <summary>Weighted mean variance per channel, the scale of scikit-learn's tolerance.</summary>
    double MeanVariance()
    {
        double sx = 0, sy = 0, sz = 0, qx = 0, qy = 0, qz = 0;
        for (var i = 0; i < _n; i++)
        {
            double w = _w[i], x = _x[i], y = _y[i], z = _z[i];
            sx += w * x; sy += w * y; sz += w * z;
            qx += w * x * x; qy += w * y * y; qz += w * z * z;
        }
        var t = _totalWeight;
        var vx = (qx / t) - ((sx / t) * (sx / t));
        var vy = (qy / t) - ((sy / t) * (sy / t));
        var vz = (qz / t) - ((sz / t) * (sz / t));
        return Math.Max(0, (vx + vy + vz) / 3);
    }

    // ---------------------------------------------------------------- k-means++

    double[] KMeansPlusPlus(int k, ulong seed)
    {
        var rng = new SplitMix64(seed ^ 0x636F6E64656E7365UL);
        var centres = new double[k * 3];
        var d2 = new float[_n];
        const int Block = 256;
        var blocks = (_n + Block - 1) / Block;
        var blockSums = new double[blocks];

        var first = SampleByWeight(_w, rng.NextDouble() * _totalWeight);
        SetCentre(centres, 0, first);
        Array.Fill(d2, float.PositiveInfinity);
        for (var c = 1; c <= k; c++)
        {
            // Fold centre c − 1 into the nearest distances, and total w·d² per block.
            float cx = (float)centres[(c - 1) * 3], cy = (float)centres[((c - 1) * 3) + 1], cz = (float)centres[((c - 1) * 3) + 2];
            double total = 0;
            for (var b = 0; b < blocks; b++)
            {
                var end = Math.Min(_n, (b + 1) * Block);
                float sum = 0;
                for (var i = b * Block; i < end; i++)
                {
                    float dx = _x[i] - cx, dy = _y[i] - cy, dz = _z[i] - cz;
                    var d = (dx * dx) + (dy * dy) + (dz * dz);
                    if (d < d2[i])
                    {
                        d2[i] = d;
                    }
                    sum += _w[i] * d2[i];
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
                    SetCentre(centres, r, first);
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
            var stop = Math.Min(_n, start + Block);
            for (var i = start; i < stop; i++)
            {
                var p = _w[i] * d2[i];
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
            SetCentre(centres, c, pick < 0 ? first : pick);
        }
        return centres;
    }

    int SampleByWeight(float[] weights, double target)
    {
        for (var i = 0; i < _n; i++)
        {
            if (target < weights[i])
            {
                return i;
            }
            target -= weights[i];
        }
        return _n - 1;
    }

    void SetCentre(double[] centres, int c, int point)
    {
        centres[c * 3] = _x[point];
        centres[(c * 3) + 1] = _y[point];
        centres[(c * 3) + 2] = _z[point];
    }

    // ---------------------------------------------------------------- median cut

    double[] MedianCut(int k)
    {
        var order = new int[_n];
        for (var i = 0; i < _n; i++)
        {
            order[i] = i;
        }
        var boxes = new List<(int Start, int Length)> { (0, _n) };
        while (boxes.Count < k)
        {
            // Split the box with the largest weighted spread (weight × largest channel range²).
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
                var (axis, range, weight) = Spread(order, start, length);
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
            var coord = bestAxis == 0 ? _x : bestAxis == 1 ? _y : _z;
            Array.Sort(order, s, len, Comparer<int>.Create((a, b2) => coord[a] != coord[b2] ? coord[a].CompareTo(coord[b2]) : a.CompareTo(b2)));
            double half = 0;
            for (var i = s; i < s + len; i++)
            {
                half += _w[order[i]];
            }
            half /= 2;
            double run = 0;
            var cut = s + 1;
            for (var i = s; i < s + len - 1; i++)
            {
                run += _w[order[i]];
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
                sx += _w[p] * _x[p]; sy += _w[p] * _y[p]; sz += _w[p] * _z[p]; sw += _w[p];
            }
            centres[b * 3] = sx / sw;
            centres[(b * 3) + 1] = sy / sw;
            centres[(b * 3) + 2] = sz / sw;
        }
        return centres;
    }

    (int Axis, float Range, double Weight) Spread(int[] order, int start, int length)
    {
        float minX = 255, minY = 255, minZ = 255, maxX = 0, maxY = 0, maxZ = 0;
        double weight = 0;
        for (var i = start; i < start + length; i++)
        {
            var p = order[i];
            minX = Math.Min(minX, _x[p]); maxX = Math.Max(maxX, _x[p]);
            minY = Math.Min(minY, _y[p]); maxY = Math.Max(maxY, _y[p]);
            minZ = Math.Min(minZ, _z[p]); maxZ = Math.Max(maxZ, _z[p]);
            weight += _w[p];
        }
        float rx = maxX - minX, ry = maxY - minY, rz = maxZ - minZ;
        return rx >= ry && rx >= rz ? (0, rx, weight) : ry >= rz ? (1, ry, weight) : (2, rz, weight);
    }

    // ---------------------------------------------------------------- Lloyd (Hamerly)

    /// <summary>Lloyd's iterations from <paramref name="centres"/> (updated in place) until the tolerance, no change, or the cap.</summary>
    public void Lloyd(double[] centres, int k, ColorQuantizerOptions options, int[]? hint = null)
    {
        var width = Vector<float>.Count;
        var padded = ((k + width - 1) / width) * width;
        var cx = new float[padded];
        var cy = new float[padded];
        var cz = new float[padded];
        LoadCentres(centres, k, cx, cy, cz);

        var upper = new float[_n];
        var lower = new float[_n];
        var neighbours = new CentreNeighbours(k);
        var assign = AssignNearest<Euclidean>(cx, cy, cz, padded, neighbours, hint, upper, lower);
        var sums = new double[k * 4];
        for (var i = 0; i < _n; i++)
        {
            Accumulate(sums, assign[i], i, 1);
        }
        var moved = new int[_n];
        var from = new int[_n];

        var tolerance = options.Tolerance * MeanVariance();
        var move = new float[k];
        var dropFor = new float[k];
        var iteration = 0;
        while (true)
        {
            iteration++;
            // Centres from the sums; an empty centre stays where it is.
            double shift = 0;
            for (var c = 0; c < k; c++)
            {
                var w = sums[(c * 4) + 3];
                var m = 0f;
                if (w > 0)
                {
                    var nx = sums[c * 4] / w;
                    var ny = sums[(c * 4) + 1] / w;
                    var nz = sums[(c * 4) + 2] / w;
                    double dx = nx - centres[c * 3], dy = ny - centres[(c * 3) + 1], dz = nz - centres[(c * 3) + 2];
                    var s2 = (dx * dx) + (dy * dy) + (dz * dz);
                    shift += s2;
                    m = (float)Math.Sqrt(s2);
                    centres[c * 3] = nx;
                    centres[(c * 3) + 1] = ny;
                    centres[(c * 3) + 2] = nz;
                }
                move[c] = m;
            }
            LowerBoundDrops(move, dropFor);
            LoadCentres(centres, k, cx, cy, cz);
            if (iteration >= options.MaxIterations || shift <= tolerance)
            {
                break;
            }
            var changed = Reassign<Euclidean>(cx, cy, cz, neighbours, move, dropFor, assign, upper, lower, moved, from);
            for (var j = 0; j < changed; j++)
            {
                Accumulate(sums, from[j], moved[j], -1);
                Accumulate(sums, assign[moved[j]], moved[j], 1);
            }
            if (changed == 0)
            {
                break;
            }
        }
        Iterations = iteration;
        Assignment = assign;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Accumulate(double[] sums, int c, int i, int sign)
    {
        double w = sign * _w[i];
        sums[c * 4] += w * _x[i];
        sums[(c * 4) + 1] += w * _y[i];
        sums[(c * 4) + 2] += w * _z[i];
        sums[(c * 4) + 3] += w;
    }

    /// <summary>Centres into padded structure-of-arrays; padding lanes sit far away and never win.</summary>
    static void LoadCentres(double[] centres, int k, float[] cx, float[] cy, float[] cz)
    {
        for (var c = 0; c < cx.Length; c++)
        {
            var real = c < k;
            cx[c] = real ? (float)centres[c * 3] : 1e6f;
            cy[c] = real ? (float)centres[(c * 3) + 1] : 1e6f;
            cz[c] = real ? (float)centres[(c * 3) + 2] : 1e6f;
        }
    }

    // ---------------------------------------------------------------- k-medians (L1)

    /// <summary>
    /// Weighted k-medians steps from an integer palette, with Hamerly's bounds under the L1
    /// metric (the bounds only need the triangle inequality). Each step assigns every colour to
    /// the entry with the least Σ_c |x_c − p_c| and moves each entry to its colours' per-channel
    /// weighted median, which is the L1 optimum for a fixed assignment; so the article's mean
    /// error never rises. Runs at most <paramref name="maxSteps"/> median updates (0: only
    /// assigns). Returns each colour's entry; <paramref name="palette"/> (r, g, b triples, 0…255)
    /// is updated in place.
    /// </summary>
    public int[] RefineAbsolute(int[] palette, int k, int maxSteps, int[]? hint = null)
    {
        var width = Vector<float>.Count;
        var padded = ((k + width - 1) / width) * width;
        var cx = new float[padded];
        var cy = new float[padded];
        var cz = new float[padded];
        var centres = new double[k * 3];
        for (var c = 0; c < k * 3; c++)
        {
            centres[c] = palette[c];
        }
        LoadCentres(centres, k, cx, cy, cz);

        var upper = new float[_n];
        var lower = new float[_n];
        var neighbours = new CentreNeighbours(k);
        var assign = AssignNearest<Manhattan>(cx, cy, cz, padded, neighbours, hint, upper, lower);
        var histogram = new long[k * 3 * 256];
        for (var i = 0; i < _n; i++)
        {
            Tally(histogram, assign[i], i, 1);
        }
        var moved = new int[_n];
        var from = new int[_n];

        var move = new float[k];
        var dropFor = new float[k];
        for (var step = 0; step < maxSteps; step++)
        {
            for (var c = 0; c < k; c++)
            {
                var m = 0f;
                var total = 0L;
                for (var v = 0; v < 256; v++)
                {
                    total += histogram[(c * 768) + v];
                }
                if (total > 0)
                {
                    for (var ch = 0; ch < 3; ch++)
                    {
                        var median = WeightedMedian(histogram.AsSpan((c * 768) + (ch * 256), 256), total);
                        m += Math.Abs(median - palette[(c * 3) + ch]);
                        palette[(c * 3) + ch] = median;
                        centres[(c * 3) + ch] = median;
                    }
                }
                move[c] = m;
            }
            if (LowerBoundDrops(move, dropFor) == 0)
            {
                break;
            }
            LoadCentres(centres, k, cx, cy, cz);
            var changed = Reassign<Manhattan>(cx, cy, cz, neighbours, move, dropFor, assign, upper, lower, moved, from);
            for (var j = 0; j < changed; j++)
            {
                Tally(histogram, from[j], moved[j], -1);
                Tally(histogram, assign[moved[j]], moved[j], 1);
            }
            if (changed == 0)
            {
                break;
            }
        }
        return assign;
    }

    /// <summary>
    /// Every point's nearest centre under <typeparamref name="TMetric"/> with Hamerly's bounds
    /// (upper: distance to it, lower: to the second nearest); with a hint (the previous k's
    /// assignment) the search starts from the hinted centre.
    /// </summary>
    int[] AssignNearest<TMetric>(float[] cx, float[] cy, float[] cz, int padded, CentreNeighbours neighbours, int[]? hint, float[] upper, float[] lower)
        where TMetric : struct, IMetric
    {
        if (hint is not null)
        {
            neighbours.Update<TMetric>(cx, cy, cz);
        }
        var assign = new int[_n];
        PointChunks.For(_n, (_, start, end) =>
        {
            for (var i = start; i < end; i++)
            {
                int a;
                float b1, b2;
                if (hint is null)
                {
                    a = Nearest2<TMetric>(_x[i], _y[i], _z[i], cx, cy, cz, padded, out b1, out b2);
                }
                else
                {
                    var h = hint[i];
                    var u = TMetric.Finish(TMetric.Distance(_x[i] - cx[h], _y[i] - cy[h], _z[i] - cz[h]));
                    a = neighbours.Nearest2<TMetric>(_x[i], _y[i], _z[i], h, u, cx, cy, cz, out b1, out b2);
                }
                assign[i] = a;
                upper[i] = b1;
                lower[i] = b2;
            }
        });
        return assign;
    }

    /// <summary>
    /// How far each point's lower bound may fall after centre c moved by move[c]: the largest move
    /// of any other centre. Returns the largest move (0: nothing moved).
    /// </summary>
    static float LowerBoundDrops(float[] move, float[] dropFor)
    {
        float maxMove = 0, secondMove = 0;
        var maxAt = -1;
        for (var c = 0; c < move.Length; c++)
        {
            if (move[c] > maxMove)
            {
                secondMove = maxMove;
                maxMove = move[c];
                maxAt = c;
            }
            else if (move[c] > secondMove)
            {
                secondMove = move[c];
            }
        }
        for (var c = 0; c < move.Length; c++)
        {
            dropFor[c] = c == maxAt ? secondMove : maxMove;
        }
        return maxMove;
    }

    /// <summary>
    /// One Hamerly pass after the centres moved: the neighbour lists are brought up to date, bounds are loosened by the moves, and only points
    /// whose bounds overlap are measured and, if needed, searched. Writes the points that changed
    /// centre to <paramref name="moved"/> (their old centre to <paramref name="from"/>) and returns
    /// how many, so the caller updates its own sums.
    /// </summary>
    int Reassign<TMetric>(float[] cx, float[] cy, float[] cz, CentreNeighbours neighbours, float[] move, float[] dropFor,
        int[] assign, float[] upper, float[] lower, int[] moved, int[] from)
        where TMetric : struct, IMetric
    {
        neighbours.Update<TMetric>(cx, cy, cz);
        // Each chunk lists its changes in its own stretch of moved/from; the stretches are then
        // closed up in chunk order, so the list is in point order as a sequential pass makes it.
        var changedIn = new int[PointChunks.Count(_n)];
        PointChunks.For(_n, (chunk, start, end) =>
        {
            var changed = start;
            for (var i = start; i < end; i++)
            {
                var a = assign[i];
                var u = upper[i] + move[a];
                var l = lower[i] - dropFor[a];
                var bound = MathF.Max(neighbours.HalfGap(a), l);
                if (u <= bound)
                {
                    upper[i] = u;
                    lower[i] = l;
                    continue;
                }
                u = TMetric.Finish(TMetric.Distance(_x[i] - cx[a], _y[i] - cy[a], _z[i] - cz[a]));
                if (u <= bound)
                {
                    upper[i] = u;
                    lower[i] = l;
                    continue;
                }
                var b = neighbours.Nearest2<TMetric>(_x[i], _y[i], _z[i], a, u, cx, cy, cz, out var b1, out var b2);
                upper[i] = b1;
                lower[i] = b2;
                if (b != a)
                {
                    assign[i] = b;
                    moved[changed] = i;
                    from[changed] = a;
                    changed++;
                }
            }
            changedIn[chunk] = changed - start;
        });
        var total = 0;
        for (var chunk = 0; chunk < changedIn.Length; chunk++)
        {
            var start = chunk * PointChunks.Size;
            if (start != total)
            {
                Array.Copy(moved, start, moved, total, changedIn[chunk]);
                Array.Copy(from, start, from, total, changedIn[chunk]);
            }
            total += changedIn[chunk];
        }
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Tally(long[] histogram, int c, int i, int sign)
    {
        long w = sign * (long)_w[i];
        histogram[(c * 768) + (int)_x[i]] += w;
        histogram[(c * 768) + 256 + (int)_y[i]] += w;
        histogram[(c * 768) + 512 + (int)_z[i]] += w;
    }

    /// <summary>The lowest value at which the cumulative weight reaches half the total.</summary>
    static int WeightedMedian(ReadOnlySpan<long> counts, long total)
    {
        long run = 0;
        for (var v = 0; v < 256; v++)
        {
            run += counts[v];
            if (2 * run >= total)
            {
                return v;
            }
        }
        return 255;
    }

    // ---------------------------------------------------------------- nearest-centre search

    /// <summary>A distance on RGB differences, scalar and across the lanes of a vector.</summary>
    internal interface IMetric
    {
        static abstract Vector<float> Distance(Vector<float> dx, Vector<float> dy, Vector<float> dz);

        static abstract float Distance(float dx, float dy, float dz);

        /// <summary>From the value <see cref="Distance(float, float, float)"/> returns to the metric distance.</summary>
        static abstract float Finish(float d);
    }

    /// <summary>Squared Euclidean inside the search; the bounds use its square root.</summary>
    internal readonly struct Euclidean : IMetric
    {
        public static Vector<float> Distance(Vector<float> dx, Vector<float> dy, Vector<float> dz) => (dx * dx) + (dy * dy) + (dz * dz);

        public static float Distance(float dx, float dy, float dz) => (dx * dx) + (dy * dy) + (dz * dz);

        public static float Finish(float d) => MathF.Sqrt(d);
    }

    /// <summary>The article's error Σ_c |Δ_c|.</summary>
    internal readonly struct Manhattan : IMetric
    {
        public static Vector<float> Distance(Vector<float> dx, Vector<float> dy, Vector<float> dz) => Vector.Abs(dx) + Vector.Abs(dy) + Vector.Abs(dz);

        public static float Distance(float dx, float dy, float dz) => MathF.Abs(dx) + MathF.Abs(dy) + MathF.Abs(dz);

        public static float Finish(float d) => d;
    }

    /// <summary>Index of the nearest centre and the two smallest metric distances.</summary>
    internal static int Nearest2<TMetric>(float px, float py, float pz, float[] cx, float[] cy, float[] cz, int padded, out float best, out float second)
        where TMetric : struct, IMetric
    {
        var width = Vector<float>.Count;
        var vx = new Vector<float>(px);
        var vy = new Vector<float>(py);
        var vz = new Vector<float>(pz);
        var b1 = new Vector<float>(float.PositiveInfinity);
        var b2 = b1;
        var i1 = Vector<int>.Zero;
        var idx = Vector<int>.Indices;
        var step = new Vector<int>(width);
        ref var rx = ref MemoryMarshal.GetArrayDataReference(cx);
        ref var ry = ref MemoryMarshal.GetArrayDataReference(cy);
        ref var rz = ref MemoryMarshal.GetArrayDataReference(cz);
        for (var j = 0; j < padded; j += width)
        {
            var d = TMetric.Distance(
                Vector.LoadUnsafe(ref rx, (nuint)j) - vx,
                Vector.LoadUnsafe(ref ry, (nuint)j) - vy,
                Vector.LoadUnsafe(ref rz, (nuint)j) - vz);
            var lt = Vector.LessThan(d, b1);
            b2 = Vector.ConditionalSelect(lt, b1, Vector.Min(b2, d));
            b1 = Vector.ConditionalSelect(lt, d, b1);
            i1 = Vector.ConditionalSelect(lt, idx, i1);
            idx += step;
        }
        // Across lanes: the best lane wins (ties to the lower centre index); the runner-up is
        // the smallest of the other lanes' bests and every lane's second.
        var bestLane = 0;
        for (var l = 1; l < width; l++)
        {
            if (b1[l] < b1[bestLane] || (b1[l] == b1[bestLane] && i1[l] < i1[bestLane]))
            {
                bestLane = l;
            }
        }
        var s = b2[bestLane];
        for (var l = 0; l < width; l++)
        {
            if (l != bestLane)
            {
                s = MathF.Min(s, MathF.Min(b1[l], b2[l]));
            }
        }
        best = TMetric.Finish(b1[bestLane]);
        second = TMetric.Finish(s);
        return i1[bestLane];
    }
}
