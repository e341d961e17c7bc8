namespace Condense.Quantization;

/// <summary>
/// Distinct values in ascending order with their total weights, shifted by the weighted mean,
/// and prefix sums of weight, w·x and w·x² so that the cost of any contiguous run of points is
/// O(1): cost(a, b) = S2 − S1²/W over [a, b). Shifting by the mean keeps the subtraction accurate.
/// </summary>
internal sealed class SortedPoints
{
    public readonly double[] X;   // shifted, ascending, distinct
    public readonly double[] W;   // prefix weights, length n+1
    public readonly double[] S1;  // prefix Σ w x
    public readonly double[] S2;  // prefix Σ w x²
    public readonly double Shift;

    public int Count => X.Length;
    public double TotalWeight => W[^1];

    SortedPoints(double[] x, double[] w, double[] s1, double[] s2, double shift)
    { X = x; W = w; S1 = s1; S2 = s2; Shift = shift; }

    /// <summary>Cost (weighted SSE about its mean) of points [a, b).</summary>
    public double Cost(int a, int b)
    {
        double w = W[b] - W[a];
        if (w <= 0) return 0;
        double s = S1[b] - S1[a];
        double c = S2[b] - S2[a] - s * s / w;
        return c > 0 ? c : 0;
    }

    /// <summary>Weighted mean (shifted) of points [a, b), NaN when they weigh nothing.</summary>
    public double Mean(int a, int b)
    {
        double w = W[b] - W[a];
        return w > 0 ? (S1[b] - S1[a]) / w : double.NaN;
    }

    /// <summary>First index whose value is ≥ t (shifted coordinates), searching [lo, Count].</summary>
    public int LowerBound(double t, int lo = 0)
    {
        int hi = X.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (X[mid] < t) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    public static SortedPoints FromValues(ReadOnlySpan<float> values, string what)
    {
        if (values.IsEmpty) throw new CondenseException($"{what}: no values (empty tensor)");
        foreach (var v in values)
            if (!float.IsFinite(v)) throw new CondenseException($"{what}: values contain {v} (NaN or ±Inf)");
        var sorted = RadixSort(values);
        // One pass for the distinct count and the mean, one pass to fill the prefix sums directly
        // (no intermediate arrays: on 16.8 M weights memory traffic is what costs).
        int n = sorted.Length, distinct = 1;
        double total = sorted[0];
        for (int i = 1; i < n; i++) { if (sorted[i] != sorted[i - 1]) distinct++; total += sorted[i]; }
        double shift = total / n;
        var x = new double[distinct];
        var w = new double[distinct + 1];
        var s1 = new double[distinct + 1];
        var s2 = new double[distinct + 1];
        double cw = 0, c1 = 0, c2 = 0;
        int d = 0;
        for (int i = 0; i < n;)
        {
            float v = sorted[i];
            int j = i + 1;
            while (j < n && sorted[j] == v) j++;
            double xi = v - shift, m = j - i;
            x[d] = xi;
            cw += m; c1 += m * xi; c2 += m * xi * xi;
            d++;
            w[d] = cw; s1[d] = c1; s2[d] = c2;
            i = j;
        }
        return new SortedPoints(x, w, s1, s2, shift);
    }

    /// <summary>
    /// LSD radix sort of floats by their order-preserving bit patterns (3 passes of 11 bits):
    /// O(n), several times faster than a comparison sort, and sorting is what dominates k-means
    /// on large tensors.
    /// </summary>
    internal static float[] RadixSort(ReadOnlySpan<float> values)
    {
        int n = values.Length;
        var a = new uint[n];
        var b = new uint[n];
        for (int i = 0; i < n; i++)
        {
            uint u = BitConverter.SingleToUInt32Bits(values[i]);
            a[i] = (u & 0x80000000u) != 0 ? ~u : u | 0x80000000u;
        }
        var counts = new int[3 * 2048];
        for (int i = 0; i < n; i++)
        {
            uint u = a[i];
            counts[u & 2047]++;
            counts[2048 + ((u >> 11) & 2047)]++;
            counts[4096 + (u >> 22)]++;
        }
        for (int pass = 0; pass < 3; pass++)
        {
            int shift = pass * 11, off = pass * 2048;
            // Skip a pass in which every key has the same digit.
            bool trivial = false;
            for (int d = 0; d < 2048; d++) if (counts[off + d] == n) { trivial = true; break; }
            if (trivial) continue;
            int sum = 0;
            for (int d = 0; d < 2048; d++) { int c = counts[off + d]; counts[off + d] = sum; sum += c; }
            for (int i = 0; i < n; i++)
            {
                uint u = a[i];
                b[counts[off + (int)((u >> shift) & 2047)]++] = u;
            }
            (a, b) = (b, a);
        }
        var result = new float[n];
        for (int i = 0; i < n; i++)
        {
            uint u = a[i];
            result[i] = BitConverter.UInt32BitsToSingle((u & 0x80000000u) != 0 ? u & 0x7FFFFFFFu : ~u);
        }
        return result;
    }

    public static SortedPoints FromWeighted(ReadOnlySpan<double> values, ReadOnlySpan<double> weights, string what)
    {
        if (values.Length != weights.Length)
            throw new CondenseException($"{what}: {values.Length} values but {weights.Length} weights");
        var idx = new int[values.Length];
        int n = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) throw new CondenseException($"{what}: values contain {values[i]} (NaN or ±Inf)");
            if (!double.IsFinite(weights[i]) || weights[i] < 0) throw new CondenseException($"{what}: weight {weights[i]} at {i} is not a finite number ≥ 0");
            if (weights[i] > 0) idx[n++] = i;
        }
        if (n == 0) throw new CondenseException($"{what}: no values with positive weight");
        var keys = new double[n];
        var vals = new double[n];
        for (int i = 0; i < n; i++) { keys[i] = values[idx[i]]; vals[i] = weights[idx[i]]; }
        Array.Sort(keys, vals);
        int distinct = 1;
        for (int i = 1; i < n; i++) if (keys[i] != keys[i - 1]) distinct++;
        var x = new double[distinct];
        var wt = new double[distinct];
        int d = -1;
        for (int i = 0; i < n; i++)
        {
            if (d < 0 || keys[i] != x[d]) { d++; x[d] = keys[i]; }
            wt[d] += vals[i];
        }
        return Build(x, wt);
    }

    static SortedPoints Build(double[] x, double[] wt)
    {
        int n = x.Length;
        double tw = 0, tx = 0;
        for (int i = 0; i < n; i++) { tw += wt[i]; tx += wt[i] * x[i]; }
        double shift = tx / tw;
        var w = new double[n + 1];
        var s1 = new double[n + 1];
        var s2 = new double[n + 1];
        double cw = 0, c1 = 0, c2 = 0;
        for (int i = 0; i < n; i++)
        {
            double xi = x[i] - shift;
            x[i] = xi;
            cw += wt[i]; c1 += wt[i] * xi; c2 += wt[i] * xi * xi;
            w[i + 1] = cw; s1[i + 1] = c1; s2[i + 1] = c2;
        }
        return new SortedPoints(x, w, s1, s2, shift);
    }

    /// <summary>
    /// A coarser view: the points grouped into runs ending at <paramref name="cuts"/> (strictly
    /// increasing indices, last = Count). Each group becomes one weighted point; its cost terms
    /// are exact because they are sampled from the same prefix sums.
    /// </summary>
    public SortedPoints Group(int[] cuts)
    {
        int m = cuts.Length;
        var x = new double[m];
        var w = new double[m + 1];
        var s1 = new double[m + 1];
        var s2 = new double[m + 1];
        int prev = 0;
        for (int g = 0; g < m; g++)
        {
            int c = cuts[g];
            w[g + 1] = W[c]; s1[g + 1] = S1[c]; s2[g + 1] = S2[c];
            x[g] = (S1[c] - S1[prev]) / (W[c] - W[prev]);
            prev = c;
        }
        return new SortedPoints(x, w, s1, s2, Shift);
    }
}
