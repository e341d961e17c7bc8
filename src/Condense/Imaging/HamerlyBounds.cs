namespace Condense.Imaging;

/// <summary>
/// The per-point state of Hamerly's accelerated assignment, shared by <see cref="HamerlyLloyd"/>
/// (Euclidean) and <see cref="KMedians"/> (L1; the bounds need only the triangle inequality):
/// each point's centre, an upper bound on the distance to it and a lower bound on the distance
/// to every other centre.
/// </summary>
/// <remarks>
/// Hamerly, "Making k-means even faster", SDM 2010, Algorithm 2: when a point's upper bound is
/// below max(lower bound, half the distance from its centre to the nearest other centre), the
/// point cannot change centre and the k distances are skipped. After the first few iterations
/// almost every point is skipped, so a pass costs O(n) compares. Passes run in fixed chunks
/// (<see cref="PointChunks"/>) combined in order, so the result never depends on the core count.
/// </remarks>
internal sealed class HamerlyBounds
{
    readonly ColorPoints _points;
    readonly CentreNeighbours _neighbours;
    readonly int[] _assign;
    readonly float[] _upper, _lower;
    readonly int[] _moved, _from;

    HamerlyBounds(ColorPoints points, int k)
    {
        _points = points;
        _neighbours = new CentreNeighbours(k);
        _assign = new int[points.Count];
        _upper = new float[points.Count];
        _lower = new float[points.Count];
        _moved = new int[points.Count];
        _from = new int[points.Count];
    }

    /// <summary>Each point's centre (the working array: callers copy it into their result).</summary>
    public int[] Assignment => _assign;

    /// <summary>The points the last <see cref="Reassign{TMetric}"/> moved, in point order (the first <c>changed</c> entries).</summary>
    public int[] Moved => _moved;

    /// <summary>Their previous centres, beside <see cref="Moved"/>.</summary>
    public int[] From => _from;

    /// <summary>
    /// Every point's nearest centre under <typeparamref name="TMetric"/>, with its bounds (upper:
    /// distance to it, lower: to the second nearest); with a hint (an earlier assignment, e.g.
    /// the grid's) the search starts from the hinted centre and walks its neighbour list.
    /// </summary>
    public static HamerlyBounds Assign<TMetric>(ColorPoints points, CentreTable table, int[]? hint)
        where TMetric : struct, IColorMetric
    {
        var state = new HamerlyBounds(points, table.K);
        var (px, py, pz) = (points.X, points.Y, points.Z);
        var (cx, cy, cz, padded) = (table.X, table.Y, table.Z, table.Padded);
        var (assign, upper, lower, neighbours) = (state._assign, state._upper, state._lower, state._neighbours);
        if (hint is not null)
        {
            neighbours.Update<TMetric>(cx, cy, cz);
        }
        PointChunks.For(points.Count, (_, start, end) =>
        {
            for (var i = start; i < end; i++)
            {
                int a;
                float b1, b2;
                if (hint is null)
                {
                    a = NearestCentres.Nearest2<TMetric>(px[i], py[i], pz[i], cx, cy, cz, padded, out b1, out b2);
                }
                else
                {
                    var h = hint[i];
                    var u = TMetric.Finish(TMetric.Distance(px[i] - cx[h], py[i] - cy[h], pz[i] - cz[h]));
                    a = neighbours.Nearest2<TMetric>(px[i], py[i], pz[i], h, u, cx, cy, cz, out b1, out b2);
                }
                assign[i] = a;
                upper[i] = b1;
                lower[i] = b2;
            }
        });
        return state;
    }

    /// <summary>
    /// How far each point's lower bound may fall after centre c moved by move[c]: the largest move
    /// of any other centre, written to <paramref name="dropFor"/>. Returns the largest move (0: nothing moved).
    /// </summary>
    public static float LowerBoundDrops(float[] move, float[] dropFor)
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
    /// One Hamerly pass after the centres moved: the neighbour lists are brought up to date,
    /// bounds are loosened by the moves, and only points whose bounds overlap are measured and,
    /// if needed, searched. Lists the points that changed centre in <see cref="Moved"/> (their
    /// old centre in <see cref="From"/>) and returns how many, so the caller updates its own sums.
    /// </summary>
    public int Reassign<TMetric>(CentreTable table, float[] move, float[] dropFor)
        where TMetric : struct, IColorMetric
    {
        var (px, py, pz, n) = (_points.X, _points.Y, _points.Z, _points.Count);
        var (cx, cy, cz) = (table.X, table.Y, table.Z);
        var (assign, upper, lower, moved, from, neighbours) = (_assign, _upper, _lower, _moved, _from, _neighbours);
        neighbours.Update<TMetric>(cx, cy, cz);
        // Each chunk lists its changes in its own stretch of moved/from; the stretches are then
        // closed up in chunk order, so the list is in point order as a sequential pass makes it.
        var changedIn = new int[PointChunks.Count(n)];
        PointChunks.For(n, (chunk, start, end) =>
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
                u = TMetric.Finish(TMetric.Distance(px[i] - cx[a], py[i] - cy[a], pz[i] - cz[a]));
                if (u <= bound)
                {
                    upper[i] = u;
                    lower[i] = l;
                    continue;
                }
                var b = neighbours.Nearest2<TMetric>(px[i], py[i], pz[i], a, u, cx, cy, cz, out var b1, out var b2);
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
}
