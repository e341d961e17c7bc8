namespace Condense.Imaging;

/// <summary>
/// For each centre, the other centres sorted by their distance to it. With a colour's exact
/// distance u to its own centre a, a centre c can only be nearer than the current runner-up
/// distance s when d(a, c) − u &lt; s (triangle inequality), so the search for the two nearest
/// centres walks a's list and stops at the first centre too far away — typically after a few
/// of the k centres. The lists change little between iterations, so they are re-sorted by
/// insertion sort in O(k²).
/// </summary>
/// <remarks>
/// The sorted-neighbour pruning is that of Newling &amp; Fleuret, "Fast k-means with accurate
/// bounds", ICML 2016 (§3, "Exponion"), here applied to exact two-nearest search.
/// </remarks>
internal sealed class CentreNeighbours
{
    readonly int _k;
    readonly float[] _distance;
    readonly int[] _index;
    bool _built;

    public CentreNeighbours(int k)
    {
        _k = k;
        _distance = new float[k * Math.Max(1, k - 1)];
        _index = new int[k * Math.Max(1, k - 1)];
    }

    /// <summary>Half the distance from centre a to its nearest other centre (Hamerly's s), or ∞ when k = 1.</summary>
    public float HalfGap(int a) => _k == 1 ? float.PositiveInfinity : 0.5f * _distance[a * (_k - 1)];

    public void Update<TMetric>(float[] cx, float[] cy, float[] cz)
        where TMetric : struct, IColorMetric
    {
        var row = _k - 1;
        if (row == 0)
        {
            return;
        }
        // Rows are independent, so large palettes sort theirs in parallel (same result either way).
        if (_k >= 64)
        {
            Parallel.For(0, _k, a => SortRow<TMetric>(a, cx, cy, cz));
        }
        else
        {
            for (var a = 0; a < _k; a++)
            {
                SortRow<TMetric>(a, cx, cy, cz);
            }
        }
        _built = true;
    }

    /// <summary>Centre a's distances to the others, sorted (fully the first time, by insertion after).</summary>
    void SortRow<TMetric>(int a, float[] cx, float[] cy, float[] cz)
        where TMetric : struct, IColorMetric
    {
        var row = _k - 1;
        var start = a * row;
        if (!_built)
        {
            var j = start;
            for (var c = 0; c < _k; c++)
            {
                if (c != a)
                {
                    _index[j++] = c;
                }
            }
        }
        for (var j = start; j < start + row; j++)
        {
            var c = _index[j];
            _distance[j] = TMetric.Finish(TMetric.Distance(cx[a] - cx[c], cy[a] - cy[c], cz[a] - cz[c]));
        }
        if (!_built)
        {
            Array.Sort(_distance, _index, start, row);
        }
        else
        {
            for (var j = start + 1; j < start + row; j++)
            {
                var d = _distance[j];
                var c = _index[j];
                var m = j - 1;
                while (m >= start && _distance[m] > d)
                {
                    _distance[m + 1] = _distance[m];
                    _index[m + 1] = _index[m];
                    m--;
                }
                _distance[m + 1] = d;
                _index[m + 1] = c;
            }
        }
    }

    /// <summary>
    /// The nearest centre to (px, py, pz) and the two smallest metric distances, given that its
    /// metric distance to centre <paramref name="a"/> is exactly <paramref name="u"/>.
    /// </summary>
    public int Nearest2<TMetric>(float px, float py, float pz, int a, float u, float[] cx, float[] cy, float[] cz, out float best, out float second)
        where TMetric : struct, IColorMetric
    {
        var row = _k - 1;
        var start = a * row;
        var winner = a;
        var b1 = u;
        var b2 = float.PositiveInfinity;
        for (var j = start; j < start + row; j++)
        {
            if (_distance[j] - u >= b2)
            {
                break;
            }
            var c = _index[j];
            var d = TMetric.Finish(TMetric.Distance(px - cx[c], py - cy[c], pz - cz[c]));
            if (d < b1 || (d == b1 && c < winner))
            {
                b2 = b1;
                b1 = d;
                winner = c;
            }
            else if (d < b2)
            {
                b2 = d;
            }
        }
        best = b1;
        second = b2;
        return winner;
    }
}
