namespace Condense.Hashing;

/// <summary>
/// The baseline HashedNets compares against: a dense network with the same input and output and
/// the same number of parameters as a compressed one, found by shrinking every hidden layer by a
/// common width factor (784-1000-1000-10 becomes 784-h-h-10).
/// </summary>
public static class EqualSizeDense
{
    /// <summary>Weights plus biases of a dense MLP.</summary>
    public static long ParameterCount(IReadOnlyList<int> sizes)
    {
        long total = 0;
        for (var i = 0; i + 1 < sizes.Count; i++) total += (long)sizes[i] * sizes[i + 1] + sizes[i + 1];
        return total;
    }

    /// <summary>Hidden widths scaled by one factor so the parameter count comes closest to
    /// <paramref name="parameters"/> without exceeding it (every hidden layer keeps ≥ 1 unit).</summary>
    public static int[] Sizes(IReadOnlyList<int> architecture, long parameters)
    {
        if (architecture.Count < 3) throw new CondenseException("an equal-size dense network needs at least one hidden layer");
        int[] Scale(double s)
        {
            var sizes = architecture.ToArray();
            for (var i = 1; i + 1 < sizes.Length; i++) sizes[i] = Math.Max(1, (int)Math.Round(architecture[i] * s));
            return sizes;
        }
        double lo = 0, hi = 1;
        while (ParameterCount(Scale(hi)) < parameters && hi < 1e6) hi *= 2;
        for (var iter = 0; iter < 60; iter++)
        {
            var mid = (lo + hi) / 2;
            if (ParameterCount(Scale(mid)) <= parameters) lo = mid; else hi = mid;
        }
        return Scale(lo);
    }
}
