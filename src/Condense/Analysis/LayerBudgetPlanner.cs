namespace Condense.Analysis;

/// <summary>
/// Chooses one setting per layer from measured per-layer sensitivities: the model's squared
/// relative output error is taken as the sum of the layers' (errors of independent layers add in
/// quadrature), and the multiple-choice knapsack "least Σ error² within a byte budget" (or "fewest
/// bytes within Σ error² ≤ E²") is solved by its Lagrangian: each layer minimises
/// error² + λ·bytes on its own, λ is bisected, and the budget left over is spent greedily on the
/// upgrades that buy the most error per byte; a dynamic programme over the budget in 4,096 units
/// (bytes rounded up, so it always fits) solves the byte budget exactly up to one unit per layer,
/// and the better of the two is kept. The workflow then re-checks the choice on the whole model.
/// </summary>
public static class LayerBudgetPlanner
{
    /// <summary>The least predicted error within <paramref name="maxBytes"/> (layer bytes only), or null when even the smallest choice exceeds it.</summary>
    /// <param name="errors">[layer][setting]: the model's relative output error with that layer alone at that setting (0 for float32).</param>
    /// <param name="bytes">[layer][setting]: the layer's bytes in the file.</param>
    /// <param name="allowed">[layer][setting]: whether the setting may be chosen (at least one per layer).</param>
    /// <param name="maxBytes">Budget for the layers' bytes.</param>
    public static int[]? WithinBytes(double[][] errors, long[][] bytes, bool[][] allowed, long maxBytes)
    {
        Check(errors, bytes, allowed);
        // A channel setting's bytes can be below zero (the consumers' columns it removes outweigh the layer itself): the
        // knapsack is the same with each layer's bytes shifted by its least, and the budget by their sum.
        if (bytes.Select((b, l) => b.Where((_, s) => allowed[l][s]).DefaultIfEmpty(0).Min()).ToArray() is var least && least.Any(m => m < 0))
            return WithinBytes(errors, [.. bytes.Select((b, l) => b.Select(v => v - least[l]).ToArray())], allowed, maxBytes - least.Sum());
        var smallest = Choose(errors, bytes, allowed, double.PositiveInfinity);
        if (Bytes(bytes, smallest) > maxBytes) return null;
        double lo = 0, hi = 1;
        // λ large enough that bytes dominate every error difference.
        while (Bytes(bytes, Choose(errors, bytes, allowed, hi)) > maxBytes && hi < 1e30) hi *= 4;
        if (Bytes(bytes, Choose(errors, bytes, allowed, lo)) <= maxBytes) return Fill(errors, bytes, allowed, Choose(errors, bytes, allowed, lo), maxBytes);
        for (int i = 0; i < 200; i++)
        {
            var mid = lo == 0 ? hi / 1e12 : Math.Sqrt(lo * hi);
            if (Bytes(bytes, Choose(errors, bytes, allowed, mid)) <= maxBytes) hi = mid; else lo = mid;
            if (hi / Math.Max(lo, double.Epsilon) < 1 + 1e-9) break;
        }
        var lagrangian = Fill(errors, bytes, allowed, Choose(errors, bytes, allowed, hi), maxBytes);
        var exact = Fill(errors, bytes, allowed, Dynamic(errors, bytes, allowed, maxBytes) ?? lagrangian, maxBytes);
        return Predicted(errors, exact) <= Predicted(errors, lagrangian) ? exact : lagrangian;
    }

    /// <summary>
    /// The knapsack solved by dynamic programming over the budget cut into at most
    /// <paramref name="buckets"/> units, each layer's bytes rounded up to whole units (so the
    /// choice always fits): optimal up to one unit per layer.
    /// </summary>
    static int[]? Dynamic(double[][] errors, long[][] bytes, bool[][] allowed, long maxBytes, int buckets = 4096)
    {
        var unit = Math.Max(1, (maxBytes + buckets - 1) / buckets);
        var capacity = (int)(maxBytes / unit);
        int layers = errors.Length;
        var best = new double[capacity + 1];
        var pick = new int[layers][];
        for (int l = 0; l < layers; l++)
        {
            var next = new double[capacity + 1];
            Array.Fill(next, double.PositiveInfinity);
            pick[l] = new int[capacity + 1];
            for (int s = 0; s < errors[l].Length; s++)
            {
                if (!allowed[l][s]) continue;
                var w = (bytes[l][s] + unit - 1) / unit;
                if (w > capacity) continue;
                var e = errors[l][s] * errors[l][s];
                for (int c = (int)w; c <= capacity; c++)
                {
                    var v = best[c - w] + e;
                    if (v < next[c]) { next[c] = v; pick[l][c] = s; }
                }
            }
            best = next;
        }
        if (double.IsPositiveInfinity(best[capacity])) return null;
        var choice = new int[layers];
        int at = capacity;
        for (int l = layers - 1; l >= 0; l--)
        {
            choice[l] = pick[l][at];
            at -= (int)((bytes[l][choice[l]] + unit - 1) / unit);
        }
        return choice;
    }

    /// <summary>The fewest bytes whose predicted error √Σe² is at most <paramref name="maxError"/>.</summary>
    public static int[] WithinError(double[][] errors, long[][] bytes, bool[][] allowed, double maxError)
    {
        Check(errors, bytes, allowed);
        var zero = Choose(errors, bytes, allowed, 0);
        if (Predicted(errors, zero) > maxError) return zero;
        double lo = 0, hi = 1;
        while (Predicted(errors, Choose(errors, bytes, allowed, hi)) <= maxError && hi < 1e30) hi *= 4;
        if (hi >= 1e30) return Choose(errors, bytes, allowed, hi);
        for (int i = 0; i < 200; i++)
        {
            var mid = lo == 0 ? hi / 1e12 : Math.Sqrt(lo * hi);
            if (Predicted(errors, Choose(errors, bytes, allowed, mid)) <= maxError) lo = mid; else hi = mid;
            if (hi / Math.Max(lo, double.Epsilon) < 1 + 1e-9) break;
        }
        return Choose(errors, bytes, allowed, lo);
    }

    /// <summary>√Σ error² of a choice: the predicted relative output error.</summary>
    public static double Predicted(double[][] errors, IReadOnlyList<int> choice)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(choice);
        double sum = 0;
        for (int l = 0; l < choice.Count; l++) sum += errors[l][choice[l]] * errors[l][choice[l]];
        return Math.Sqrt(sum);
    }

    /// <summary>Σ bytes of a choice.</summary>
    public static long Bytes(long[][] bytes, IReadOnlyList<int> choice)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(choice);
        long sum = 0;
        for (int l = 0; l < choice.Count; l++) sum += bytes[l][choice[l]];
        return sum;
    }

    static int[] Choose(double[][] errors, long[][] bytes, bool[][] allowed, double lambda)
    {
        var choice = new int[errors.Length];
        for (int l = 0; l < errors.Length; l++)
        {
            int best = -1;
            double bestCost = double.PositiveInfinity;
            for (int s = 0; s < errors[l].Length; s++)
            {
                if (!allowed[l][s]) continue;
                var cost = double.IsPositiveInfinity(lambda) ? bytes[l][s] + 1e-30 * errors[l][s] : errors[l][s] * errors[l][s] + lambda * bytes[l][s];
                if (best < 0 || cost < bestCost || (cost == bestCost && bytes[l][s] < bytes[l][best])) { best = s; bestCost = cost; }
            }
            choice[l] = best;
        }
        return choice;
    }

    /// <summary>Spends what the budget leaves on the upgrades with the most error removed per byte.</summary>
    static int[] Fill(double[][] errors, long[][] bytes, bool[][] allowed, int[] choice, long maxBytes)
    {
        var left = maxBytes - Bytes(bytes, choice);
        while (true)
        {
            int bestLayer = -1, bestSetting = -1;
            double bestRate = 0;
            for (int l = 0; l < choice.Length; l++)
                for (int s = 0; s < errors[l].Length; s++)
                {
                    if (!allowed[l][s]) continue;
                    var gain = errors[l][choice[l]] * errors[l][choice[l]] - errors[l][s] * errors[l][s];
                    var cost = bytes[l][s] - bytes[l][choice[l]];
                    if (gain <= 0 || cost > left) continue;
                    var rate = cost <= 0 ? double.PositiveInfinity : gain / cost;
                    if (rate > bestRate) { bestRate = rate; bestLayer = l; bestSetting = s; }
                }
            if (bestLayer < 0) return choice;
            left -= bytes[bestLayer][bestSetting] - bytes[bestLayer][choice[bestLayer]];
            choice[bestLayer] = bestSetting;
        }
    }

    static void Check(double[][] errors, long[][] bytes, bool[][] allowed)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(allowed);
        if (bytes.Length != errors.Length || allowed.Length != errors.Length)
            throw new CondenseException($"planner: {errors.Length} layers of errors, {bytes.Length} of bytes, {allowed.Length} of choices");
        for (int l = 0; l < errors.Length; l++)
        {
            if (bytes[l].Length != errors[l].Length || allowed[l].Length != errors[l].Length)
                throw new CondenseException($"planner: layer {l} has {errors[l].Length} errors, {bytes[l].Length} sizes, {allowed[l].Length} choices");
            if (!allowed[l].Any(a => a)) throw new CondenseException($"planner: layer {l} has no setting allowed");
        }
    }
}
